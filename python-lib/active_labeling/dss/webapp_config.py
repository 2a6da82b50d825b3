"""The settings of the three labeling webapps, read from their raw DSS config.

Pure: no ``dataiku`` import, so that the descriptor tests (and ``components.CONFIG_PARSERS``)
can parse a config anywhere. Dataset and folder names stay as DSS gives them (short or full).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from active_labeling.params import ParamError, ParamReader
from active_labeling.service.settings import HOTKEY_LETTERS, HOTKEYS

KIND_COMPONENTS = {"tabular": "Tabular labeling webapp", "image": "Image labeling webapp",
                   "sound": "Sound labeling webapp"}
LABELS = {
    "input_dataset": "Rows to label",
    "input_folder": "Files to label",
    "id_column": "Item id column",
    "columns": "Columns to show",
    "categories": "Categories",
    "hotkeys": "Hotkeys",
    "multi_label": "Several categories per item",
    "labels_dataset": "Labels dataset",
    "metadata_dataset": "Metadata dataset",
    "label_column": "Label column",
    "queries_dataset": "Queries dataset",
    "reservation_seconds": "Reservation time (seconds)",
    "annotators_per_item": "Annotators per item",
    "max_side": "Image size (pixels)",
}


@dataclass(frozen=True)
class WebappConfig:
    """Validated settings of one labeling webapp.

    ``categories`` are ``(name, description)`` pairs in display order and ``hotkeys`` the key of
    each category, same order. ``columns`` is empty for "all columns" (tabular) and for folders.
    """

    kind: str
    source: str  # the input dataset (tabular) or managed folder (image, sound)
    categories: Tuple[Tuple[str, str], ...]
    hotkeys: Tuple[str, ...]
    labels_dataset: str
    metadata_dataset: str
    multi_label: bool = False
    label_column: str = "label"
    id_column: Optional[str] = None
    columns: Tuple[str, ...] = ()
    queries_dataset: Optional[str] = None
    reservation_seconds: int = 600
    annotators_per_item: int = 1
    max_side: int = 1024

    @property
    def active_learning(self) -> bool:
        """True when a queries dataset is set: the Query Sampler's order is followed."""
        return self.queries_dataset is not None


def parse_tabular_config(raw: Optional[Mapping[str, Any]]) -> WebappConfig:
    """Validate the tabular labeling webapp's config (``get_webapp_config()``)."""
    return _parse(raw, "tabular")


def parse_image_config(raw: Optional[Mapping[str, Any]]) -> WebappConfig:
    """Validate the image labeling webapp's config (``get_webapp_config()``)."""
    return _parse(raw, "image")


def parse_sound_config(raw: Optional[Mapping[str, Any]]) -> WebappConfig:
    """Validate the sound labeling webapp's config (``get_webapp_config()``)."""
    return _parse(raw, "sound")


PARSERS = {"tabular": parse_tabular_config, "image": parse_image_config, "sound": parse_sound_config}


def _parse(raw: Optional[Mapping[str, Any]], kind: str) -> WebappConfig:
    """Read every parameter of ``kind``'s webapp.json, and only those.

    Raises
    ------
    ParamError
        Naming the parameter's label and what to fix.
    """
    reader = ParamReader(raw, KIND_COMPONENTS[kind], LABELS)
    extra: Dict[str, Any] = {}
    if kind == "tabular":
        source = reader.string("input_dataset")
        extra["id_column"] = reader.string("id_column", default=None)
        extra["columns"] = tuple(reader.string_list("columns"))
    else:
        source = reader.string("input_folder")
    if kind == "image":
        extra["max_side"] = reader.integer("max_side", default=1024, minimum=64, maximum=8192)
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
    if kind == "tabular" and label_column in extra["columns"]:
        raise ParamError(f"{reader.component}: 'Label column' ({label_column!r}) is also one of the "
                         "'Columns to show'; choose another label column name.")
    return WebappConfig(
        kind=kind, source=source, categories=categories, hotkeys=hotkeys,
        labels_dataset=labels, metadata_dataset=metadata,
        multi_label=reader.boolean("multi_label", default=False),
        label_column=label_column,
        queries_dataset=reader.string("queries_dataset", default=None),
        reservation_seconds=reader.integer("reservation_seconds", default=600, minimum=10, maximum=86400),
        annotators_per_item=reader.integer("annotators_per_item", default=1, minimum=1, maximum=100),
        **extra,
    )


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
