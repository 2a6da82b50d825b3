"""Copies of the pool rows that may still be queried, gathered chunk by chunk.

The top-k copies a few rows out of nearly every chunk. With pandas, each copy (``take``) and the
final concatenation have a fixed cost of tens of microseconds, which on small chunks and a cheap
model adds up to several percent of the run. Pools whose columns all share one numeric dtype
(feature tables, the usual tabular pool) are kept as numpy matrices instead, where the same
copies cost a few microseconds; any other pool, or a chunk that doesn't fit, uses DataFrames.
Either way the rows come back with the values and dtypes they were read with.
"""

from __future__ import annotations

from typing import List, Optional, Union

import numpy as np
import pandas as pd

Piece = Union[np.ndarray, pd.DataFrame]


def _one_numeric_dtype(rows: pd.DataFrame) -> Optional[np.dtype]:
    """The numpy dtype shared by every column of ``rows`` when it is numeric, else None."""
    dtypes = set(rows.dtypes)
    if len(dtypes) != 1:
        return None
    dtype = dtypes.pop()
    return dtype if isinstance(dtype, np.dtype) and dtype.kind in "biuf" else None


class RowStore:
    """Rows added piece by piece, addressed by a running row number (a *ref*)."""

    def __init__(self):
        self._pieces: List[Piece] = []
        self.size = 0
        # While set, every piece is a matrix of this dtype with these columns. Decided on the
        # first rows; once given up (a chunk that doesn't fit), pieces stay DataFrames.
        self._columns: Optional[pd.Index] = None
        self._names: list = []  # the same as a list: comparing lists is much cheaper than Index.equals
        self._dtype: Optional[np.dtype] = None
        self._decided = False

    def add(self, rows: pd.DataFrame, selected: Optional[np.ndarray] = None) -> np.ndarray:
        """Keep ``rows`` (only those at positions ``selected`` when given); return their refs.

        A piece kept whole may share memory with ``rows``: do not modify them afterwards.
        """
        piece = self._piece(rows, selected)
        refs = np.arange(self.size, self.size + len(piece), dtype=np.int64)
        self._pieces.append(piece)
        self.size += len(piece)
        return refs

    def _piece(self, rows: pd.DataFrame, selected: Optional[np.ndarray]) -> Piece:
        if not self._decided:
            self._decided = True
            self._dtype = _one_numeric_dtype(rows)
            self._columns = rows.columns if self._dtype is not None else None
            self._names = rows.columns.tolist()
        if self._columns is not None:
            if rows.columns.tolist() == self._names:
                values = rows.to_numpy()
                # Mixed dtypes come back as a common type: then the chunk is not like the others.
                if values.dtype == self._dtype:
                    return values if selected is None else values[selected]
            self._to_frames()
        return rows if selected is None else rows.take(selected)

    def _to_frames(self) -> None:
        self._pieces = [pd.DataFrame(p, columns=self._columns) if isinstance(p, np.ndarray) else p
                        for p in self._pieces]
        self._columns = self._dtype = None

    def take(self, refs: np.ndarray) -> pd.DataFrame:
        """The rows of ``refs``, in that order, with a fresh 0-based index."""
        if self._columns is not None:
            values = self._pieces[0] if len(self._pieces) == 1 else np.concatenate(self._pieces)
            return pd.DataFrame(values[refs], columns=self._columns)
        if len(self._pieces) == 1:
            frame = self._pieces[0]
        else:
            frame = pd.concat(self._pieces, ignore_index=True, copy=False)
        return frame.take(refs).reset_index(drop=True)

    def compact(self, refs: np.ndarray) -> pd.DataFrame:
        """Keep only the rows of ``refs``, which become refs 0, 1, 2...; return them (in that order)."""
        rows = self.take(refs)
        self._pieces, self.size = [], 0
        self.add(rows)
        return rows
