"""A bounded set of the best candidates seen so far, fed chunk by chunk.

Candidates are ordered by score (higher first), then by their seeded tie-break key (lower
first). Each chunk is reduced with vectorised numpy work (a threshold test, an argpartition) and
only the few rows that can still make it are copied; the kept rows are re-ranked only when
enough new ones have piled up, so the cost per chunk stays close to reading it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

import numpy as np
import pandas as pd

from active_labeling.sampling.tiebreak import position_keys


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
        self._kept: Optional[Candidates] = None
        self._pending: List[Candidates] = []
        self._pending_count = 0
        # Rows scoring below this cannot enter: the worst kept score once the set is full.
        self._threshold = -np.inf

    def offer(self, rows: pd.DataFrame, scores: np.ndarray, positions: np.ndarray,
              proba: np.ndarray) -> None:
        """Consider one chunk's scored rows.

        Parameters
        ----------
        rows : DataFrame
            The rows, aligned with ``scores`` (n rows).
        scores : ndarray of float64, shape (n,)
            Their scores; no NaN.
        positions : ndarray of int, shape (n,)
            Their global positions in the pool (for the tie-break keys).
        proba : ndarray of shape (n, n_classes)
            Their class probabilities.
        """
        selected = np.arange(len(scores)) if self.capacity is None \
            else self._best_of_chunk(scores, positions)
        if len(selected) == 0:
            return
        if len(selected) == len(scores):
            piece = Candidates(rows, scores, position_keys(positions, self.seed), proba)
        else:
            piece = Candidates(rows.take(selected), scores[selected],
                               position_keys(positions[selected], self.seed), proba[selected])
        self._pending.append(piece)
        self._pending_count += len(piece)
        if self.capacity is not None and self._pending_count >= self.capacity:
            self._merge()

    def _best_of_chunk(self, scores: np.ndarray, positions: np.ndarray) -> np.ndarray:
        capacity = self.capacity
        candidates = np.flatnonzero(scores >= self._threshold) if self._threshold > -np.inf \
            else np.arange(len(scores))
        if len(candidates) <= capacity:
            return candidates
        chunk_scores = scores[candidates]
        cut = np.partition(chunk_scores, len(chunk_scores) - capacity)[len(chunk_scores) - capacity]
        candidates = candidates[chunk_scores >= cut]
        if len(candidates) > capacity:
            # Ties at the cut: let the seeded keys decide, as the final ranking will.
            keys = position_keys(positions[candidates], self.seed)
            candidates = np.sort(candidates[order_best_first(scores[candidates], keys)[:capacity]])
        return candidates

    def _merge(self) -> None:
        pieces = ([self._kept] if self._kept is not None else []) + self._pending
        self._pending, self._pending_count = [], 0
        merged = _concat(pieces)
        order = order_best_first(merged.scores, merged.keys)
        if self.capacity is not None:
            order = order[:self.capacity]
        self._kept = Candidates(merged.rows.take(order), merged.scores[order], merged.keys[order],
                                merged.proba[order])
        if self.capacity is not None and len(self._kept) >= self.capacity:
            self._threshold = float(self._kept.scores[-1])

    def best(self) -> Optional[Candidates]:
        """The kept candidates, best first; None when nothing was offered."""
        if self._pending:
            self._merge()
        return self._kept


def _concat(pieces: List[Candidates]) -> Candidates:
    if len(pieces) == 1:
        return pieces[0]
    return Candidates(
        rows=pd.concat([p.rows for p in pieces], ignore_index=True, copy=False),
        scores=np.concatenate([p.scores for p in pieces]),
        keys=np.concatenate([p.keys for p in pieces]),
        proba=np.concatenate([p.proba for p in pieces]),
    )
