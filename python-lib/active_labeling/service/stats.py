"""Labeling progress: labeled, skipped and remaining items, per category, overall and per annotator.

Counts are kept up to date decision by decision, so reading them costs nothing. An item's state
depends on every annotator's current decision on it: it is *labeled* when someone labeled it,
*skipped* when someone skipped it and nobody labeled it, and *done* (no longer remaining) when
it has as many labels as annotators are asked for. An item that stops being done (a label
withdrawn) is remembered until the service asks (``take_reopened``), to serve it again.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

import numpy as np

from active_labeling.storage.base import LABELED, SKIPPED, Decision


def _any_label(label: Any) -> Iterable[str]:
    """A category name, or a list of them: the categories a label of the classification tasks counts for."""
    return label if isinstance(label, list) else (label,)


class _AnnotatorCounts:
    __slots__ = ("labeled", "skipped", "per_category")

    def __init__(self):
        self.labeled = 0
        self.skipped = 0
        self.per_category: Counter = Counter()


class Stats:
    """Progress counters over a pool of ``total`` items.

    Parameters
    ----------
    total : int
        Number of items in the pool.
    annotators_per_item : int
        Labels needed before an item is done.
    categories_of : callable, optional
        The categories a label counts for (the task's ``categories_of``: a box counts for its
        category); by default a name, or each name of a list.
    """

    def __init__(self, total: int, annotators_per_item: int = 1,
                 categories_of: Optional[Callable[[Any], Iterable[str]]] = None):
        self.total = int(total)
        self._categories_of = categories_of or _any_label
        self.needed = int(annotators_per_item)
        # Per pool position: how many current labels / skips the item has.
        self.labels = np.zeros(self.total, dtype=np.int32)
        self.skips = np.zeros(self.total, dtype=np.int32)
        self.labeled = 0
        self.skipped = 0
        self.done = 0
        self.per_category: Counter = Counter()
        self.annotators: Dict[str, _AnnotatorCounts] = {}
        self._reopened: List[int] = []

    def change(self, position: Optional[int], old: Optional[Decision], new: Decision) -> None:
        """Account for ``new`` replacing ``old`` (the same annotator's earlier decision, if any).

        ``position`` is the item's pool position, None when the item left the pool.
        """
        mine = self.annotators.setdefault(new.annotator, _AnnotatorCounts())
        for decision, sign in ((old, -1), (new, 1)):
            if decision is None:
                continue
            mine.labeled += sign * (decision.status == LABELED)
            mine.skipped += sign * (decision.status == SKIPPED)
            for category in self._categories(decision):
                self.per_category[category] += sign
                mine.per_category[category] += sign
        if position is None:
            return
        before = self._state(position)
        for decision, sign in ((old, -1), (new, 1)):
            if decision is None:
                continue
            if decision.status == LABELED:
                self.labels[position] += sign
            else:
                self.skips[position] += sign
        after = self._state(position)
        self.labeled += after[0] - before[0]
        self.skipped += after[1] - before[1]
        self.done += after[2] - before[2]
        if before[2] and not after[2]:
            self._reopened.append(position)

    def _categories(self, decision: Optional[Decision]) -> Iterable[str]:
        if decision is None or decision.status != LABELED or decision.label is None:
            return ()
        return self._categories_of(decision.label)

    def _state(self, position: int):
        labels = int(self.labels[position])
        return (int(labels > 0), int(labels == 0 and int(self.skips[position]) > 0),
                int(labels >= self.needed))

    def take_reopened(self) -> List[int]:
        """Positions that stopped being done since the last call (a label withdrawn)."""
        reopened, self._reopened = self._reopened, []
        return reopened

    def done_mask(self, positions: np.ndarray) -> np.ndarray:
        """True for the positions that have all the labels they need."""
        return self.labels[positions] >= self.needed

    def snapshot(self, annotator: str) -> Dict[str, Any]:
        """The counters as ``GET /api/stats`` shows them, for ``annotator``."""
        mine = self.annotators.get(annotator) or _AnnotatorCounts()
        return {
            "total": self.total,
            "labeled": int(self.labeled),
            "skipped": int(self.skipped),
            "remaining": int(self.total - self.done),
            "per_category": _positive(self.per_category),
            "annotator": {"name": annotator, "labeled": mine.labeled, "skipped": mine.skipped,
                          "per_category": _positive(mine.per_category)},
        }

    @classmethod
    def rebuilt(cls, total: int, annotators_per_item: int, positions: Mapping[str, int],
                current: Iterable[Decision],
                categories_of: Optional[Callable[[Any], Iterable[str]]] = None) -> Stats:
        """Counters recomputed from every current decision (at start, or when the pool changes)."""
        stats = cls(total, annotators_per_item, categories_of)
        labeled, skipped = [], []
        # Decisions read from the store share one object per distinct label: count them per
        # annotator and label object, and find each one's categories once.
        same_label: Dict[Tuple[str, int], List[Any]] = {}  # (annotator, id of the label) -> [decision, count]
        for decision in current:
            annotator = decision.annotator
            mine = stats.annotators.get(annotator)
            if mine is None:
                mine = stats.annotators[annotator] = _AnnotatorCounts()
            position = positions.get(decision.item_id)
            if decision.status == LABELED:
                key = (annotator, id(decision.label))
                seen = same_label.get(key)
                if seen is None:
                    same_label[key] = [decision, 1]  # the decision keeps the label, and its id, alive
                else:
                    seen[1] += 1
                if position is not None:
                    labeled.append(position)
            else:
                mine.skipped += 1
                if position is not None:
                    skipped.append(position)
        for (annotator, _), (decision, count) in same_label.items():
            mine = stats.annotators[annotator]
            mine.labeled += count
            for category in stats._categories(decision):
                stats.per_category[category] += count
                mine.per_category[category] += count
        # Item counts in bulk: the same as ``change`` one decision at a time, much faster.
        np.add.at(stats.labels, np.asarray(labeled, dtype=np.int64), 1)
        np.add.at(stats.skips, np.asarray(skipped, dtype=np.int64), 1)
        stats.labeled = int(np.count_nonzero(stats.labels))
        stats.skipped = int(np.count_nonzero((stats.labels == 0) & (stats.skips > 0)))
        stats.done = int(np.count_nonzero(stats.labels >= stats.needed))
        return stats


def _positive(counter: Counter) -> Dict[str, int]:
    return {name: int(count) for name, count in counter.items() if count > 0}
