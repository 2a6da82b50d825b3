"""A bounded set of the best candidates seen so far, fed chunk by chunk.

Candidates are ordered by score (higher first), then by their seeded tie-break key (lower
first). Each chunk is reduced with vectorised numpy work (a threshold test, an argpartition) and
only the few rows that can still make it are copied into a
:class:`~active_labeling.sampling.row_store.RowStore`. Re-ranking works on numpy arrays alone
and leaves the kept set unsorted (a partition, not a sort); the copied rows are gathered only
when the store has grown a few times past the capacity, and at the end. With small chunks this
matters: pandas work per chunk would cost more than scoring it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

import numpy as np
import pandas as pd

from active_labeling.sampling.row_store import RowStore
from active_labeling.sampling.tiebreak import position_keys

# The store is compacted once it holds this many times the capacity plus this many of the largest
# chunks: memory stays bounded by what the user chose (queries, chunk size), never by the pool, and
# the pandas concatenation happens a handful of times per run at most, not per chunk.
COMPACT_FACTOR = 4


@dataclass
class Candidates:
    """Rows with their scores, best first."""

    rows: pd.DataFrame  # the pool's values, as read
    scores: np.ndarray  # float64
    keys: np.ndarray  # uint64 tie-break keys
    proba: np.ndarray  # (n, n_classes) class probabilities

    def __len__(self) -> int:
        return len(self.scores)


def order_best_first(scores: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Indices sorting by score descending, then key ascending."""
    return np.lexsort((keys, -scores))


@dataclass
class _Ranked:
    """Candidates as arrays; ``refs`` point into the :class:`RowStore`."""

    scores: np.ndarray
    keys: np.ndarray
    proba: np.ndarray
    refs: np.ndarray


class TopCandidates:
    """Keeps the ``capacity`` best rows offered (all of them when ``capacity`` is None).

    Parameters
    ----------
    capacity : int or None
        How many rows to keep. None keeps every row: memory then grows with the pool.
    seed : int
        Seed of the tie-break keys.
    """

    def __init__(self, capacity: Optional[int], seed: int):
        if capacity is not None and capacity < 1:
            raise ValueError("capacity must be at least 1, or None for all rows")
        self.capacity = capacity
        self.seed = seed
        self._store = RowStore()
        self._kept: Optional[_Ranked] = None
        # Offered since the last merge: (scores, positions, proba, refs); keys are hashed at the merge.
        self._pending: List[tuple] = []
        self._pending_count = 0
        self._largest_chunk = 0
        # Rows scoring below this cannot enter: the worst kept score once the set is full.
        self._threshold = -np.inf

    def offer(self, rows: pd.DataFrame, scores: np.ndarray, positions: np.ndarray,
              proba: np.ndarray) -> None:
        """Consider one chunk's scored rows.

        Parameters
        ----------
        rows : DataFrame
            The rows, aligned with ``scores`` (n rows). Kept by reference when all of them enter:
            do not modify them afterwards.
        scores : ndarray of float64, shape (n,)
            Their scores; no NaN.
        positions : ndarray of int, shape (n,)
            Their global positions in the pool (for the tie-break keys).
        proba : ndarray of shape (n, n_classes)
            Their class probabilities.
        """
        self._largest_chunk = max(self._largest_chunk, len(scores))
        selected = None
        if self.capacity is not None:
            selected = self._best_of_chunk(scores, positions)
            if len(selected) == 0:
                return
            if len(selected) == len(scores):
                selected = None
            else:
                scores, positions, proba = scores[selected], positions[selected], proba[selected]
        refs = self._store.add(rows, selected)
        self._pending.append((scores, positions, proba, refs))
        self._pending_count += len(scores)
        if self.capacity is not None and self._pending_count >= self.capacity:
            self._merge()

    def _best_of_chunk(self, scores: np.ndarray, positions: np.ndarray) -> np.ndarray:
        if self._threshold == -np.inf:
            return self._cut(scores, lambda: position_keys(positions, self.seed))
        candidates = np.flatnonzero(scores >= self._threshold)
        if len(candidates) <= self.capacity:  # the usual case once the set is full
            return candidates
        chosen = self._cut(scores[candidates], lambda: position_keys(positions[candidates], self.seed))
        return candidates[chosen]

    def _cut(self, scores: np.ndarray, keys) -> np.ndarray:
        """Ascending indices of the ``capacity`` best ``scores`` (all when fewer); ``keys()`` settles ties."""
        capacity = self.capacity
        if len(scores) <= capacity:
            return np.arange(len(scores))
        cut = np.partition(scores, len(scores) - capacity)[len(scores) - capacity]
        chosen = np.flatnonzero(scores >= cut)
        if len(chosen) > capacity:
            # Ties at the cut: let the seeded keys decide, as the final ranking will.
            chosen = np.sort(chosen[order_best_first(scores[chosen], keys()[chosen])[:capacity]])
        return chosen

    def _merge(self) -> None:
        # The kept set stays unsorted until the end: choosing the best is a partition, not a sort.
        scores, positions, proba, refs = (np.concatenate(part) for part in zip(*self._pending))
        self._pending, self._pending_count = [], 0
        keys = position_keys(positions, self.seed)
        kept = self._kept
        if kept is not None:
            scores, keys = np.concatenate([kept.scores, scores]), np.concatenate([kept.keys, keys])
            proba, refs = np.concatenate([kept.proba, proba]), np.concatenate([kept.refs, refs])
        if self.capacity is not None and len(scores) >= self.capacity:
            chosen = self._cut(scores, lambda: keys)
            scores, keys, proba, refs = scores[chosen], keys[chosen], proba[chosen], refs[chosen]
            self._threshold = float(scores.min())
        self._kept = _Ranked(scores, keys, proba, refs)
        if self.capacity is not None and \
                self._store.size > COMPACT_FACTOR * (self.capacity + self._largest_chunk):
            self._store.compact(refs)
            self._kept.refs = np.arange(len(refs))

    def best(self) -> Optional[Candidates]:
        """The kept candidates, best first; None when nothing was offered."""
        if self._pending:
            self._merge()
        kept = self._kept
        if kept is None:
            return None
        order = order_best_first(kept.scores, kept.keys)
        self._kept = kept = _Ranked(kept.scores[order], kept.keys[order], kept.proba[order], kept.refs[order])
        rows = self._store.compact(kept.refs)
        kept.refs = np.arange(len(rows))
        return Candidates(rows, kept.scores, kept.keys, kept.proba)
