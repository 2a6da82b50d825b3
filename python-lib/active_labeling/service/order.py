"""The serving order: which item each annotator gets next.

The order is an array of pool positions: the queries, most useful first, then the rest of the
pool in a seeded random order (only the random order when there are no queries). Each
annotator has a cursor before which every item is done for them (labeled by enough annotators,
or decided by them), so a batch looks at a handful of positions past the cursor instead of the
whole pool. The checks run on numpy slices; only the few candidates left are looked at one by one.
"""

from __future__ import annotations

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

    def al(self, position: int) -> Optional[Dict[str, object]]:
        """``{"score", "rank"}`` when the position is a query, else None."""
        entry = self._al.get(position)
        return None if entry is None else {"score": entry[0], "rank": entry[1]}

    def take(self, annotator: str, count: int, finished: Callable[[np.ndarray], np.ndarray],
             available: Callable[[int], bool]) -> List[int]:
        """The next ``count`` positions for ``annotator``.

        Parameters
        ----------
        finished : callable
            Given an array of positions, True where the item is done for this annotator for
            good (the cursor may move past it).
        available : callable
            Given one position that is not finished, whether it can be served now (e.g. not
            reserved by someone else).
        """
        total = len(self.positions)
        start = self._cursors.get(annotator, 0)
        cursor, moving = start, True
        chosen: List[int] = []
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
