"""The settings of the labeling webapps, read from their raw DSS config.

Pure: no ``dataiku`` import, so that the descriptor tests (and ``components.CONFIG_PARSERS``)
can parse a config anywhere. Dataset and folder names stay as DSS gives them (short or full).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from active_labeling.kinds import KINDS
from active_labeling.params import ParamError, ParamReader
from active_labeling.service.settings import HOTKEY_LETTERS, HOTKEYS
from active_labeling.tasks import task_of

KIND_COMPONENTS = {name: kind.component for name, kind in KINDS.items()}
LABELS = {
    "input_dataset": "Rows to label",
    "input_folder": "Files to label",
    "id_column": "Item id column",
    "columns": "Columns to show",
    "text_column": "Text column",
    "context_columns": "Context columns",
    "categories": "Categories",
    "hotkeys": "Hotkeys",
    "multi_label": "Several categories per item",
    "labels_dataset": "Labels dataset",
    "metadata_dataset": "Metadata dataset",
    "label_column": "Label column",
    "queries_dataset": "Queries dataset",
    "reservation_seconds": "Reservation time (seconds)",
    "annotators_per_item": "Annotators per item",
    "reviewers": "Reviewers (logins)",
    "reviewer_groups": "Reviewer groups",
    "disagreement": "Disagreements",
    "review_sample": "Share of agreed items to review",
    "show_annotator_names": "Show annotators' names to reviewers",
    "max_side": "Image size (pixels)",
    "predictions_dataset": "Predictions dataset",
    "predictions_path_column": "Path column",
    "predictions_column": "Boxes column",
    "overlapping_spans": "Overlapping spans",
    "show_suggestions": "Show the model's suggestions",
}

# Where a webapp.json names a parameter differently from LABELS.
_KIND_LABELS = {"text": {"input_dataset": "Texts to label"}}


@dataclass(frozen=True)
class WebappConfig:
    """Validated settings of one labeling webapp.

    ``categories`` are ``(name, description)`` pairs in display order and ``hotkeys`` the key of
    each category, same order. ``columns`` is empty for "all columns" (tabular) and for folders;
    for texts, it holds the context columns shown next to ``text_column``.
    """

    kind: str
    source: str  # the input dataset (tabular, text) or managed folder (image, sound)
    categories: Tuple[Tuple[str, str], ...]
    hotkeys: Tuple[str, ...]
    labels_dataset: str
    metadata_dataset: str
    multi_label: bool = False
    label_column: str = "label"
    id_column: Optional[str] = None
    columns: Tuple[str, ...] = ()
    text_column: Optional[str] = None
    queries_dataset: Optional[str] = None
    reservation_seconds: int = 600
    annotators_per_item: int = 1
    max_side: int = 1024
    reviewers: Tuple[str, ...] = ()  # logins allowed in review mode
    reviewer_groups: Tuple[str, ...] = ()  # DSS groups whose members are reviewers
    disagreement: str = "review"  # or "majority"
    review_sample: float = 0.1
    show_annotator_names: bool = True
    task: Optional[str] = None  # the annotation task of a webapp made for one (boxes); else multi_label's
    predictions_dataset: Optional[str] = None  # boxes: a detector's boxes per image, without queries
    predictions_path_column: str = "path"
    predictions_column: str = "prediction"
    overlapping_spans: bool = False  # spans: spans may overlap or nest
    show_suggestions: bool = True  # the model's guess on each query, and why it chose the item

    @property
    def component(self) -> str:
        """The webapp's name, for messages: the task's own webapp, else the kind's."""
        own = task_of(self.task).components.get(self.kind) if self.task else None
        return own or KIND_COMPONENTS[self.kind]

    @property
    def active_learning(self) -> bool:
        """True when a queries (or predictions) dataset is set: the order it gives is followed."""
        return self.queries_dataset is not None or self.predictions_dataset is not None


def parse_tabular_config(raw: Optional[Mapping[str, Any]]) -> WebappConfig:
    """Validate the tabular labeling webapp's config (``get_webapp_config()``)."""
    return _parse(raw, "tabular")


def parse_image_config(raw: Optional[Mapping[str, Any]]) -> WebappConfig:
    """Validate the image labeling webapp's config (``get_webapp_config()``)."""
    return _parse(raw, "image")


def parse_sound_config(raw: Optional[Mapping[str, Any]]) -> WebappConfig:
    """Validate the sound labeling webapp's config (``get_webapp_config()``)."""
    return _parse(raw, "sound")


def parse_text_config(raw: Optional[Mapping[str, Any]]) -> WebappConfig:
    """Validate the text labeling webapp's config (``get_webapp_config()``)."""
    return _parse(raw, "text")


def parse_image_boxes_config(raw: Optional[Mapping[str, Any]]) -> WebappConfig:
    """Validate the image object labeling webapp's config: images, the boxes task."""
    return _parse(raw, "image", task="boxes")


def parse_text_spans_config(raw: Optional[Mapping[str, Any]]) -> WebappConfig:
    """Validate the text span labeling webapp's config: texts, the spans task."""
    return _parse(raw, "text", task="spans")


PARSERS = {"tabular": parse_tabular_config, "text": parse_text_config, "image": parse_image_config,
           "sound": parse_sound_config}


def _rows(reader: ParamReader) -> Tuple[str, Dict[str, Any]]:
    extra = {"id_column": reader.string("id_column", default=None),
             "columns": tuple(reader.string_list("columns"))}
    return reader.string("input_dataset"), extra


def _texts(reader: ParamReader) -> Tuple[str, Dict[str, Any]]:
    source = reader.string("input_dataset")
    id_column = reader.string("id_column", default=None)
    text_column = reader.string("text_column")
    if text_column == id_column:
        raise ParamError(f"{reader.component}: 'Text column' and 'Item id column' are both {text_column!r}: "
                         "the texts are what is labeled, the id only names each row. Choose two columns, "
                         "or leave the id column empty.")
    context = tuple(c for c in reader.string_list("context_columns") if c != text_column)
    return source, {"id_column": id_column, "text_column": text_column, "columns": context}


def _files(reader: ParamReader) -> Tuple[str, Dict[str, Any]]:
    return reader.string("input_folder"), {}


def _images(reader: ParamReader) -> Tuple[str, Dict[str, Any]]:
    return reader.string("input_folder"), {
        "max_side": reader.integer("max_side", default=1024, minimum=64, maximum=8192)}


# What identifies each kind's items in its webapp.json (the rest is common to every kind).
_ITEM_SETTINGS: Dict[str, Callable[[ParamReader], Tuple[str, Dict[str, Any]]]] = {
    "tabular": _rows, "text": _texts, "image": _images, "sound": _files}


def _parse(raw: Optional[Mapping[str, Any]], kind: str, task: Optional[str] = None) -> WebappConfig:
    """Read every parameter of ``kind``'s webapp.json (or of ``task``'s own webapp), and only those.

    Raises
    ------
    ParamError
        Naming the parameter's label and what to fix.
    """
    component = (task_of(task).components.get(kind) if task else None) or KIND_COMPONENTS[kind]
    reader = ParamReader(raw, component, {**LABELS, **_KIND_LABELS.get(kind, {})})
    source, extra = _ITEM_SETTINGS[kind](reader)
    categories = tuple(reader.key_values("categories"))
    if not categories:
        raise ParamError(f"{reader.component}: 'Categories' is empty; add one line per category "
                         "(its name → a short description) in the settings.")
    hotkeys = _hotkeys(reader, [name for name, _ in categories])
    labels = reader.string("labels_dataset")
    metadata = reader.string("metadata_dataset")
    if _short(labels) == _short(metadata):
        raise ParamError(f"{reader.component}: 'Labels dataset' and 'Metadata dataset' are both "
                         f"{labels!r}; choose two different datasets (or create new ones) in the settings.")
    if _short(labels) == _short(source) or _short(metadata) == _short(source):
        raise ParamError(f"{reader.component}: the labels and metadata datasets must not be the input "
                         f"{source!r}: labeling would write into it. Choose or create other datasets.")
    label_column = reader.string("label_column", default="label")
    if label_column == extra.get("text_column"):
        raise ParamError(f"{reader.component}: 'Label column' ({label_column!r}) is also the 'Text column'; "
                         "choose another label column name.")
    if label_column in extra.get("columns", ()):
        shown = LABELS["context_columns" if "text_column" in extra else "columns"]
        raise ParamError(f"{reader.component}: 'Label column' ({label_column!r}) is also one of the "
                         f"'{shown}'; choose another label column name.")
    queries = reader.string("queries_dataset", default=None)
    # A task with its own webapp has no multi-label switch but settings of its own (_TASK_SETTINGS).
    extra.update(_TASK_SETTINGS[task](reader, queries) if task else
                 {"multi_label": reader.boolean("multi_label", default=False)})
    return WebappConfig(
        kind=kind, source=source, categories=categories, hotkeys=hotkeys,
        labels_dataset=labels, metadata_dataset=metadata, task=task,
        label_column=label_column,
        queries_dataset=queries,
        reservation_seconds=reader.integer("reservation_seconds", default=600, minimum=10, maximum=86400),
        annotators_per_item=reader.integer("annotators_per_item", default=1, minimum=1, maximum=100),
        reviewers=tuple(reader.string_list("reviewers")),
        reviewer_groups=tuple(reader.string_list("reviewer_groups")),
        disagreement=reader.choice("disagreement", ("review", "majority"), default="review"),
        review_sample=reader.number("review_sample", default=0.1, minimum=0.0, maximum=1.0),
        show_annotator_names=reader.boolean("show_annotator_names", default=True),
        show_suggestions=reader.boolean("show_suggestions", default=True),
        **extra,
    )


def _predictions(reader: ParamReader, queries: Optional[str]) -> Dict[str, Any]:
    """The predictions dataset and its columns, when set (never with a queries dataset)."""
    predictions = reader.string("predictions_dataset", default=None)
    if predictions is None:
        return {}
    if queries is not None:
        raise ParamError(f"{reader.component}: both 'Queries dataset' and 'Predictions dataset' are set; "
                         "the queries already hold the detector's boxes (the Query Sampler writes them): "
                         "leave 'Predictions dataset' empty, or empty 'Queries dataset' to serve the "
                         "images in the order of the predictions' uncertainty.")
    return {"predictions_dataset": predictions,
            "predictions_path_column": reader.string("predictions_path_column", default="path"),
            "predictions_column": reader.string("predictions_column", default="prediction")}


def _spans(reader: ParamReader, queries: Optional[str]) -> Dict[str, Any]:
    """The overlapping spans switch (the queries' 'prediction' column holds the pre-annotations)."""
    return {"overlapping_spans": reader.boolean("overlapping_spans", default=False)}


# The settings of a task's own webapp: boxes may take a predictions dataset instead of queries.
_TASK_SETTINGS: Dict[str, Callable[[ParamReader, Optional[str]], Dict[str, Any]]] = {
    "boxes": _predictions, "spans": _spans}


def _hotkeys(reader: ParamReader, names: List[str]) -> Tuple[str, ...]:
    """Each category's key: the one set in 'Hotkeys', else the next free of 1-9 then letters."""
    chosen = dict(reader.key_values("hotkeys", default=[]))
    unknown = [name for name in chosen if name not in names]
    if unknown:
        raise ParamError(f"{reader.component}: 'Hotkeys' names {unknown[0]!r}, which is not one of the "
                         f"'Categories' ({', '.join(names)}). Use the category names as keys.")
    keys: Dict[str, str] = {}
    for name, key in chosen.items():
        key = key.strip().lower()
        if key not in HOTKEYS:
            raise ParamError(f"{reader.component}: 'Hotkeys' gives {name!r} the key {key!r}; a hotkey is "
                             f"a digit 1-9 or one of the letters {HOTKEY_LETTERS} (the others are commands).")
        if key in keys.values():
            raise ParamError(f"{reader.component}: 'Hotkeys' gives the key {key!r} to two categories; "
                             "give each category its own key.")
        keys[name] = key
    free = [key for key in HOTKEYS if key not in keys.values()]
    result = []
    for name in names:
        if name not in keys:
            # Beyond 30 categories there are no keys left: those are chosen with the mouse.
            keys[name] = free.pop(0) if free else ""
        result.append(keys[name])
    return tuple(result)


def _short(name: str) -> str:
    return name.split(".", 1)[1] if "." in name else name
