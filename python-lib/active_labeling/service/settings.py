"""What a labeling service is configured with, validated once at start."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from active_labeling.kinds import NAMES as KINDS
from active_labeling.tasks import default_task, task_of

# The keys a category can have, in the order free ones are handed out: the page keeps the other
# letters and 0 for its own commands (resource/labeling/keyboard.js).
HOTKEY_LETTERS = "bdefghijklmnpqtuvwxyz"
HOTKEYS: Tuple[str, ...] = tuple("123456789") + tuple(HOTKEY_LETTERS)


@dataclass(frozen=True)
class Category:
    """One category an annotator can choose; ``hotkey`` None: the next free digit."""

    name: str
    description: str = ""
    hotkey: Optional[str] = None


@dataclass(frozen=True)
class ServiceSettings:
    """Settings of one labeling webapp.

    Parameters
    ----------
    kind : str
        One of :data:`active_labeling.kinds.NAMES` ("tabular", "text", "image", "sound").
    categories : sequence of Category
        In display order; those without a hotkey get the free digits 1-9 in turn (the page
        picks letters for the others).
    multi_label : bool
        When true a label is a list of category names (the ``categories`` task).
    task : str, optional
        The annotation task (:mod:`active_labeling.tasks`): ``category``, ``categories`` or
        ``boxes``; by default the one ``multi_label`` implies. ``multi_label`` then follows it.
    label_column : str
        Name of the label column in the labels dataset.
    columns : sequence of str
        Columns shown to the annotator (tabular and text); empty for folders.
    text_column : str, optional
        The text kind's text, one of ``columns``: shown large, the others as its context.
    reservation_seconds : float
        How long an item served to one annotator is kept from the others.
    annotators_per_item : int
        How many annotators must label each item.
    seed : int
        Seed of the random serving order used without queries.
    disagreement : str
        With several annotators per item, what settles a disagreement: ``review`` (a reviewer) or
        ``majority`` (more than half of the labels, else a reviewer). See :mod:`active_labeling.teams`.
    review_sample : float
        Share of the agreed items offered to reviewers for a check, after the disagreements.
    show_annotator_names : bool
        Whether review mode shows who gave each label (else "Annotator 1", "Annotator 2"...).
    overlapping_spans : bool
        The spans task: allow spans that overlap or nest (by default a character is in one span).
    show_suggestions : bool
        Offer the model's suggestion with each query (preselected, accepted with Enter); False
        hides every suggestion and the categories the model guessed, for teams that fear anchoring.
    """

    kind: str
    categories: Tuple[Category, ...]
    multi_label: bool = False
    task: Optional[str] = None
    label_column: str = "label"
    columns: Tuple[str, ...] = ()
    text_column: Optional[str] = None
    reservation_seconds: float = 600.0
    annotators_per_item: int = 1
    seed: int = 0
    disagreement: str = "review"
    review_sample: float = 0.1
    show_annotator_names: bool = True
    overlapping_spans: bool = False  # the spans task: spans may overlap or nest
    show_suggestions: bool = True
    category_names: frozenset = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind should be one of {', '.join(KINDS)}, got {self.kind!r}")
        task = task_of(default_task(self.task, self.multi_label))
        if not task.applies_to(self.kind):
            raise ValueError(f"the {task.name} task is for {' and '.join(task.kinds or ())} items, "
                             f"not {self.kind}: choose another kind or task")
        object.__setattr__(self, "task", task.name)
        object.__setattr__(self, "multi_label", task.multi_label)
        if not self.categories:
            raise ValueError("at least one category is needed")
        names = [c.name for c in self.categories]
        if any(not isinstance(n, str) or not n.strip() for n in names):
            raise ValueError("category names must be non-empty text")
        if len(set(names)) != len(names):
            raise ValueError(f"category names must be unique, got {names}")
        _check_hotkeys(self.categories)
        if self.text_column is not None and self.columns and self.text_column not in self.columns:
            raise ValueError(f"the text column {self.text_column!r} is not one of the columns shown "
                             f"({', '.join(self.columns)})")
        if not self.label_column:
            raise ValueError("the label column name must not be empty")
        if self.reservation_seconds <= 0:
            raise ValueError("the reservation time must be positive")
        if int(self.annotators_per_item) < 1:
            raise ValueError("at least one annotator per item is needed")
        if self.disagreement not in ("review", "majority"):
            raise ValueError(f"disagreements are settled by review or majority, not {self.disagreement!r}")
        if not 0.0 <= float(self.review_sample) <= 1.0:
            raise ValueError(f"the share of agreed items to review is 0 to 1, got {self.review_sample!r}")
        object.__setattr__(self, "category_names", frozenset(names))

    def config(self) -> Dict[str, Any]:
        """The settings as ``GET /api/config`` shows them (without the caller's name)."""
        chosen = {c.hotkey for c in self.categories if c.hotkey}
        free: List[str] = [str(i + 1) for i in range(9) if str(i + 1) not in chosen]
        categories = []
        for category in self.categories:
            hotkey = category.hotkey or (free.pop(0) if free else None)
            categories.append({"name": category.name, "description": category.description, "hotkey": hotkey})
        return {
            "kind": self.kind,
            "categories": categories,
            "multi_label": bool(self.multi_label),
            "task": self.task,
            "label_column": self.label_column,
            "columns": list(self.columns),
            "text_column": self.text_column,
            "reservation_seconds": self.reservation_seconds,
            "annotators_per_item": int(self.annotators_per_item),
            "disagreement": self.disagreement,
            "overlapping_spans": bool(self.overlapping_spans),
            "suggestions": bool(self.show_suggestions),
        }


def _check_hotkeys(categories: Sequence[Category]) -> None:
    owners: Dict[str, str] = {}
    for category in categories:
        key = category.hotkey
        if key is None:
            continue
        if key not in HOTKEYS:
            raise ValueError(f"the hotkey of {category.name!r} is {key!r}: a hotkey is a digit 1-9 or one "
                             f"of the letters {HOTKEY_LETTERS} (the others are commands of the page)")
        if key in owners:
            raise ValueError(f"the hotkey {key!r} is given to both {owners[key]!r} and {category.name!r}: "
                             "give each category its own key")
        owners[key] = category.name


def parse_categories(specs: Sequence[str]) -> Tuple[Category, ...]:
    """Categories from ``name`` or ``name=description`` strings (the CLI's ``--categories``)."""
    categories = []
    for spec in specs:
        name, _, description = str(spec).partition("=")
        if name.strip():
            categories.append(Category(name.strip(), description.strip()))
    return tuple(categories)
