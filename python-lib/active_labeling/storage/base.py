"""The small storage interfaces between the labeling service and where data lives.

Two implementations of each: DSS datasets and managed folders (``active_labeling.dss``), and
local files plus a SQLite workspace (``active_labeling.local``). The service in
``active_labeling.service`` only sees these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO, Dict, List, NamedTuple, Optional, Sequence, Union

try:  # Protocol is in typing from Python 3.8
    from typing import Protocol
except ImportError:  # pragma: no cover
    from typing_extensions import Protocol

LABELED = "labeled"
SKIPPED = "skipped"
REVIEWED = "reviewed"  # a reviewer's final label of an item (active_labeling.teams)

Label = Union[str, List[str], List[Dict[str, Any]], None]  # as the task (active_labeling.tasks) says


class Decision(NamedTuple):
    """One annotator's decision on one item: a row of the metadata dataset.

    ``label_id`` increases with time over the whole store. A later decision by the same annotator
    on the same item supersedes the earlier one in the labels dataset; the metadata keeps both.
    A named tuple: a start reads a million of them, and these are made four times faster and take a
    third of the memory of a frozen dataclass's.
    """

    label_id: int
    item_id: str
    annotator: str
    date: str  # ISO 8601, UTC, e.g. 2026-11-22T10:00:00.123Z
    status: str  # LABELED or SKIPPED; REVIEWED for a reviewer's decision
    label: Label = None  # a category, a list of categories or of boxes (see the task), None when skipped
    comment: str = ""
    session: str = ""
    # The model's suggestion the service offered with the item (None: none), and whether the
    # label is that suggestion (None for a skip or without a suggestion).
    suggestion: Label = None
    agreed: Optional[bool] = None


class DecisionStore(Protocol):
    """Durable log of decisions: the metadata dataset, and the labels dataset derived from it."""

    def load(self) -> List[Decision]:
        """Every decision stored so far, in ``label_id`` order (read once at start)."""

    def append(self, decision: Decision, item_values: Optional[Dict[str, Any]]) -> None:
        """Store one decision durably before returning.

        ``item_values`` are the item's columns (tabular) or its path (folders), written with the
        label in the labels dataset when ``decision.status == LABELED``. One small append: never
        a rewrite of what is already stored.
        """

    def close(self) -> None:
        """Release files and connections."""


class Pool(Protocol):
    """The items to label: rows of a table, or files of a folder."""

    kind: str  # "tabular", "image" or "sound"

    def item_ids(self) -> Sequence[str]:
        """Every item id, in the pool's own order (stable across restarts)."""

    def values(self, item_id: str) -> Dict[str, Any]:
        """What the labels dataset stores for the item: the row's columns, or ``{"path": ...}``."""

    def display(self, item_id: str) -> Dict[str, Any]:
        """What the annotator sees: the chosen columns (tabular), or ``{"path": ...}`` (folders)."""

    def ids_for_rows(self, rows) -> List[Optional[str]]:
        """Map rows of a queries table (same columns as the pool, or a ``path`` column) to item ids."""

    def refresh(self) -> bool:
        """Pick up rows or files added since the last call; True when the pool changed."""


class MediaSource(Protocol):
    """Bytes of the files behind folder items; paths are checked against the folder."""

    def open(self, item_id: str) -> BinaryIO:
        """A readable binary stream of the item's file; raises ``KeyError`` for an unknown item."""


@dataclass
class Queries:
    """One generation of queries: item ids most useful first, with their scores.

    ``prelabels`` maps item ids to a model's pre-annotation as read (a detector's boxes for the
    boxes task, the likeliest category for the classification tasks), for the items that have
    one; the task turns it into what the page draws. ``reasons`` maps item ids to what the page
    says of why the item was chosen (``{"probabilities", "explore"}``, see
    :func:`active_labeling.sampling.suggestions.query_reasons`).
    """

    generation: int
    item_ids: List[str] = field(default_factory=list)
    scores: List[float] = field(default_factory=list)
    prelabels: Dict[str, Any] = field(default_factory=dict)
    reasons: Dict[str, Dict[str, Any]] = field(default_factory=dict)


class QueriesSource(Protocol):
    """Where the Query Sampler's output is read from."""

    def generation(self) -> int:
        """The current generation number; cheap enough to call on every batch."""

    def load(self, pool: Pool) -> Queries:
        """Read the queries and map them to the pool's item ids (unknown rows are dropped)."""
