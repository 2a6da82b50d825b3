"""The serving order: which item each annotator gets next.

The order is an array of pool positions: the queries, most useful first, then the rest of the
pool in a seeded random order (only the random order when there are no queries). Each
annotator has a cursor before which every item is done for them (labeled by enough annotators,
or decided by them), so a batch looks at a handful of positions past the cursor instead of the
whole pool. The checks run on numpy slices; only the few candidates left are looked at one by one.

An item that stops being done (a label withdrawn by a skip or a change) may lie behind cursors
that already passed it. It is *reopened*: kept in a short sorted list that each batch reads
before its cursor, so the annotators who passed it get it again, in serving order, without
moving any cursor back.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

_FIRST_CHUNK = 256
_MAX_CHUNK = 1 << 16


class ServingOrder:
    """Pool positions in serving order, with per-annotator cursors.

    Parameters
    ----------
    size : int
        Number of items in the pool.
    seed : int
        Seed of the random part of the order.
    query_positions : sequence of int, optional
        Positions of the queries, most useful first.
    query_scores : sequence of float, optional
        Their scores, in the same order.
    """

    def __init__(self, size: int, seed: int = 0, query_positions: Sequence[int] = (),
                 query_scores: Sequence[float] = ()):
        rng = np.random.default_rng(seed)
        random_part = rng.permutation(size).astype(np.int64)
        queried = np.asarray(list(query_positions), dtype=np.int64)
        if len(queried):
            # A position listed twice would be served twice: keep its first (best) place.
            _, first = np.unique(queried, return_index=True)
            keep = np.sort(first)
            queried = queried[keep]
            scores = np.asarray(list(query_scores), dtype=float)[keep] if len(query_scores) else None
            rest = random_part[~np.isin(random_part, queried)]
            self.positions = np.concatenate([queried, rest])
        else:
            scores = None
            self.positions = random_part
        self._al: Dict[int, Tuple[Optional[float], int]] = {}
        for rank, position in enumerate(queried.tolist()):
            score = None if scores is None or np.isnan(scores[rank]) else float(scores[rank])
            self._al[position] = (score, rank + 1)
        self._cursors: Dict[str, int] = {}
        self._reopened: List[int] = []  # indices in ``positions``, sorted: serving order
        self._rank: Optional[np.ndarray] = None  # position -> index, made at the first reopening

    def al(self, position: int) -> Optional[Dict[str, object]]:
        """``{"score", "rank"}`` when the position is a query, else None."""
        entry = self._al.get(position)
        return None if entry is None else {"score": entry[0], "rank": entry[1]}

    def reopen(self, position: int) -> None:
        """Serve ``position`` again to the annotators whose cursor passed it (it is not done any more)."""
        if self._rank is None:
            self._rank = np.empty(len(self.positions), dtype=np.int64)
            self._rank[self.positions] = np.arange(len(self.positions), dtype=np.int64)
        index = int(self._rank[position])
        place = bisect_left(self._reopened, index)
        if place == len(self._reopened) or self._reopened[place] != index:
            insort(self._reopened, index)

    def take(self, annotator: str, count: int, finished: Callable[[np.ndarray], np.ndarray],
             available: Callable[[int], bool],
             settled: Optional[Callable[[np.ndarray], np.ndarray]] = None) -> List[int]:
        """The next ``count`` positions for ``annotator``.

        Parameters
        ----------
        finished : callable
            Given an array of positions, True where the item is done for this annotator for
            good (the cursor may move past it).
        available : callable
            Given one position that is not finished, whether it can be served now (e.g. not
            reserved by someone else).
        settled : callable, optional
            Given an array of positions, True where the item is done for everyone: a reopened
            one is then forgotten (``reopen`` brings it back if needed).
        """
        total = len(self.positions)
        start = self._cursors.get(annotator, 0)
        chosen = self._take_reopened(start, count, finished, available, settled)
        cursor, moving = start, True
        chunk = _FIRST_CHUNK
        index = start
        while len(chosen) < count and index < total:
            positions = self.positions[index:index + chunk]
            open_ = ~np.asarray(finished(positions), dtype=bool)
            if moving:
                first = np.flatnonzero(open_)
                if len(first):
                    cursor, moving = index + int(first[0]), False
                else:
                    cursor = index + len(positions)
            for position in positions[open_].tolist():
                if available(position):
                    chosen.append(position)
                    if len(chosen) == count:
                        break
            index += len(positions)
            chunk = min(chunk * 2, _MAX_CHUNK)
        self._cursors[annotator] = cursor
        return chosen

    def _take_reopened(self, cursor: int, count: int, finished, available, settled) -> List[int]:
        """Reopened positions behind ``cursor`` (those ahead are the cursor's to find)."""
        if not self._reopened:
            return []
        if settled is not None:
            indices = np.asarray(self._reopened, dtype=np.int64)
            keep = ~np.asarray(settled(self.positions[indices]), dtype=bool)
            if not keep.all():
                self._reopened = indices[keep].tolist()
        behind = np.asarray(self._reopened[:bisect_left(self._reopened, cursor)], dtype=np.int64)
        if not len(behind):
            return []
        positions = self.positions[behind]
        chosen: List[int] = []
        for position in positions[~np.asarray(finished(positions), dtype=bool)].tolist():
            if len(chosen) == count:
                break
            if available(position):
                chosen.append(position)
        return chosen
