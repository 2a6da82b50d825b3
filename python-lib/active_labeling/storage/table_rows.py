"""The rows of a tabular pool, addressed by item id: shared by the local and the DSS pools.

Rows are kept as one numpy array per column (far lighter than a DataFrame row lookup per
request), and their ids come from the id column or from content hashes (``active_labeling.items``),
exactly as the Query Sampler computes them.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

from active_labeling import items


def json_cell(value: Any) -> Any:
    """A cell as plain JSON: numpy scalars to Python, NaN and NaT to None, dates to ISO text."""
    # Dates and durations first: .item() would give nanoseconds as a bare integer.
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, np.timedelta64):
        return None if np.isnat(value) else str(pd.Timedelta(value))
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


class TableRows:
    """The rows of a table and their item ids.

    Parameters
    ----------
    frame : DataFrame
        The pool's rows, in pool order.
    id_column : str, optional
        A column of unique ids; without it, ids are content hashes of every column.
    ids : list of str, optional
        Ids already computed for this very content (a cache), to skip hashing.
    hash_frame : DataFrame, optional
        The same rows as the content hashes see them, when that differs from what is kept and
        shown (a DSS pool keeps the stored text but hashes numbers as numbers).

    Raises
    ------
    ValueError
        The id column is missing, or has empty or repeated values.
    """

    def __init__(self, frame: pd.DataFrame, id_column: Optional[str] = None,
                 ids: Optional[List[str]] = None, hash_frame: Optional[pd.DataFrame] = None):
        names = [str(c) for c in frame.columns]
        if id_column and id_column not in names:
            raise ValueError(f"the item id column '{id_column}' is not a column of the data "
                             f"(columns: {', '.join(names)})")
        frame = frame.set_axis(names, axis=1)
        self.id_column = id_column or None
        self.columns = names
        # The columns that make an item's content (and its hash).
        self.item_columns = [c for c in names if c != self.id_column]
        if self.id_column:
            ids = items.ids_from_column(frame[self.id_column], self.id_column)
        elif ids is None or len(ids) != len(frame):
            hashed = frame if hash_frame is None else hash_frame.set_axis(names, axis=1)
            ids = items.ids_from_hashes(items.row_hashes(hashed, self.item_columns))
        self.ids: List[str] = ids
        self.positions: Dict[str, int] = dict(zip(ids, range(len(ids))))
        self._arrays = {c: frame[c].to_numpy() for c in names}

    def __len__(self) -> int:
        return len(self.ids)

    def row(self, item_id: str, columns: Sequence[str]) -> Dict[str, Any]:
        """The item's values in ``columns``, as plain JSON; ``KeyError`` for an unknown item."""
        position = self.positions[item_id]
        return {c: json_cell(self._arrays[c][position]) for c in columns}

    def ids_for_rows(self, rows: pd.DataFrame) -> List[Optional[str]]:
        """Item ids of the rows of a queries table (None for rows not in the pool).

        Raises
        ------
        KeyError
            The table lacks some of the pool's columns (named in the message).
        """
        if self.id_column and self.id_column in rows.columns:
            found = rows[self.id_column].astype(str).tolist()
        else:
            missing = [c for c in self.item_columns if c not in rows.columns]
            if missing:
                raise KeyError(", ".join(missing))
            # The k-th queried row with some content is the k-th such row of the pool.
            found = items.ids_from_hashes(items.row_hashes(rows, self.item_columns))
        return [i if i in self.positions else None for i in found]


class TablePool:
    """What the local and the DSS tabular pools answer alike, from ``self._rows`` (a TableRows).

    Subclasses set ``_rows`` and ``columns`` (the columns shown) when they read their table, and
    say how a queries table that lacks the pool's columns is refused.
    """

    kind = "tabular"
    _rows: TableRows
    columns: List[str]

    def item_ids(self) -> List[str]:
        """Every item id, in pool order (do not modify the list)."""
        return self._rows.ids

    def positions(self) -> Dict[str, int]:
        """Item id to its index in ``item_ids()`` (do not modify the mapping)."""
        return self._rows.positions

    @property
    def item_columns(self) -> List[str]:
        """The columns that make an item (all but the id column)."""
        return self._rows.item_columns

    def values(self, item_id: str) -> Dict[str, Any]:
        """Every column of the row (the id column included), for the labels dataset."""
        return self._rows.row(item_id, self._rows.columns)

    def display(self, item_id: str) -> Dict[str, Any]:
        """The columns shown to the annotator."""
        return self._rows.row(item_id, self.columns)

    def ids_for_rows(self, rows: pd.DataFrame) -> List[Optional[str]]:
        """Item ids of the rows of a queries table (None for rows not in the pool)."""
        try:
            return self._rows.ids_for_rows(rows)
        except KeyError as error:
            raise self._queries_error(error.args[0]) from None

    def _queries_error(self, missing: str) -> Exception:
        raise NotImplementedError
