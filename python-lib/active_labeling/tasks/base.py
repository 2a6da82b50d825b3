"""What every annotation task answers: the contract of a module of :mod:`active_labeling.tasks`.

A *task* is what one decision holds (one category, several categories, boxes on an image, spans
of a text), as opposed to the *kind* of the item (:mod:`active_labeling.kinds`). The service,
the stores, the exports, the samplers and the page ask the task, never ``if task == ...``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Iterable, Optional, Tuple

Size = Tuple[int, int]  # (width, height) in pixels


class LabelError(ValueError):
    """A submitted label the task refuses; the message says what is wrong and what to send."""


@dataclass(frozen=True)
class LabelContext:
    """What a task may need to check a label besides the label itself.

    Attributes
    ----------
    categories : frozenset of str
        The webapp's category names.
    item_id : str
        The item being labeled.
    image_size : callable, optional
        ``image_size()`` gives the item's image's ``(width, height)`` in pixels with its EXIF
        orientation applied (what the page shows); raises ``OSError``/``KeyError`` when the
        file can't be read. Only image pools have it.
    item_text : callable, optional
        ``item_text()`` gives the item's text (text pools: the text column's value, ``""`` when
        empty), against which the spans task checks offsets.
    allow_overlap : bool
        Spans may overlap or nest (the webapp's switch); by default they may not.
    """

    categories: FrozenSet[str]
    item_id: str = ""
    image_size: Optional[Callable[[], Size]] = field(default=None, compare=False)
    item_text: Optional[Callable[[], str]] = field(default=None, compare=False)
    allow_overlap: bool = False


class Task:
    """One annotation task. Subclasses are stateless; the registry holds one instance of each.

    Attributes
    ----------
    name : str
        ``category``, ``categories``, ``boxes``...: the value of ``--task`` and of ``task`` in
        ``GET /api/config``, and the name of the page's module ``resource/labeling/tasks/<name>.js``.
    kinds : tuple of str, optional
        The kinds of items it applies to; None: every kind.
    webapps : dict
        For a kind whose DSS webapp for this task is not the kind's own one, that webapp's folder
        (``{"image": "image-object-labeling"}``): the local server serves its page.
    components : dict
        The same webapps' names, for messages.
    multi_label : bool
        What ``multi_label`` says in the config (true for several categories per item).
    prelabel_column : str, optional
        The column of a queries or predictions table that holds pre-annotations for this task
        (what the Query Sampler writes next to the queries); None: the task has none.
    ranks_predictions : bool
        Whether a predictions file or dataset of this task's pre-annotations can order the items
        by itself (a detector's boxes carry their confidences); the classification tasks' one
        category per row can't: their pre-annotations come with the Query Sampler's queries.
    """

    name = ""
    kinds: Optional[Tuple[str, ...]] = None
    webapps: Dict[str, str] = {}
    components: Dict[str, str] = {}
    multi_label = False
    prelabel_column: Optional[str] = None
    ranks_predictions = True

    # -- a submitted label -----------------------------------------------------------------

    def check(self, label: Any, context: LabelContext) -> Any:
        """The label as it is stored, from what the page (or a program) submitted.

        Raises
        ------
        LabelError
            Naming what is wrong and what is expected; nothing is written.
        """
        raise NotImplementedError

    # -- the stored form -------------------------------------------------------------------

    def encode(self, label: Any) -> str:
        """The text of the label column (DSS labels and metadata datasets, local exports)."""
        raise NotImplementedError

    def decode(self, text: str) -> Any:
        """A stored label text back as a label; lenient with texts written by hand or older versions."""
        raise NotImplementedError

    def categories_of(self, label: Any) -> Iterable[str]:
        """The categories a label counts for (progress per category): one per box, span or choice."""
        raise NotImplementedError

    # -- hooks of agreement (issue 15) and sampling ----------------------------------------

    def agreement(self, first: Any, second: Any) -> float:
        """How much two annotators' labels of one item agree, from 0 (nothing) to 1 (the same)."""
        raise NotImplementedError

    def uncertainty(self, prediction: Any) -> float:
        """How uncertain a model's prediction of one item is (higher: more useful to label).

        ``prediction`` is in the task's prediction form (class probabilities for categories, a
        detector's boxes with confidences for boxes).
        """
        raise NotImplementedError

    def suggestion(self, raw: Any, categories: FrozenSet[str]) -> Optional[Any]:
        """A pre-annotation (a model's output, a column of the queries) as the page draws it.

        None when ``raw`` holds nothing usable. Tasks without pre-annotations keep the default.
        """
        return None

    # -- settings --------------------------------------------------------------------------

    def applies_to(self, kind: str) -> bool:
        """True when items of ``kind`` can be labeled with this task."""
        return self.kinds is None or kind in self.kinds

    def webapp(self, kind: str) -> Optional[str]:
        """The webapp folder of this task for ``kind`` when it has its own; None: the kind's."""
        return self.webapps.get(kind)

