"""Tabular pools read from a CSV or Parquet file.

Item ids come from the id column when one is given, else from ``active_labeling.items`` (content
hashes, duplicates suffixed), so the Query Sampler finds the same ids. The file is re-read when
its size or modification time changes.
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from active_labeling import items

TABULAR_SUFFIXES = (".csv", ".parquet", ".pq")


class PoolError(Exception):
    """The pool can't be read as asked; the message says why and what to do."""


def read_table(path: Union[str, Path], columns: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """A CSV or Parquet file as a DataFrame."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, usecols=list(columns) if columns else None)
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path, columns=list(columns) if columns else None)
    raise PoolError(f"{path}: expected a .csv or .parquet file")


def jsonable(value: Any) -> Any:
    """A cell as plain JSON: numpy scalars to Python, NaN and NaT to None, dates to ISO text."""
    # Dates and durations first: .item() would give nanoseconds as a bare integer.
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, np.timedelta64):
        return None if np.isnat(value) else str(pd.Timedelta(value))
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


class TabularFilePool:
    """The rows of a CSV or Parquet file.

    Parameters
    ----------
    path : str or Path
    id_column : str, optional
        A column of unique ids; default: content hashes of the rows.
    columns : sequence of str, optional
        Columns shown to the annotator (default: all but the id column).
    cache_dir : str or Path, optional
        Where to keep the content-hash ids of this version of the file (the workspace), so that
        a restart does not hash a million rows again.
    """

    kind = "tabular"

    def __init__(self, path: Union[str, Path], id_column: Optional[str] = None,
                 columns: Optional[Sequence[str]] = None, cache_dir: Optional[Union[str, Path]] = None):
        self.path = Path(path)
        self.id_column = id_column or None
        self._wanted = list(columns) if columns else None
        self._cache_dir = Path(cache_dir) if cache_dir else None
        self._signature: Optional[Tuple[int, int]] = None
        self._read()

    def _stat(self) -> Tuple[int, int]:
        stat = os.stat(self.path)
        return stat.st_mtime_ns, stat.st_size

    def _read(self) -> None:
        signature = self._stat()
        frame = read_table(self.path)
        if self.id_column and self.id_column not in frame.columns:
            raise PoolError(f"the id column '{self.id_column}' is not in {self.path}; its columns are "
                            f"{list(frame.columns)}")
        self.item_columns = [str(c) for c in frame.columns if c != self.id_column]
        frame.columns = [str(c) for c in frame.columns]
        if self.id_column:
            try:
                ids = items.ids_from_column(frame[self.id_column], self.id_column)
            except ValueError as error:
                raise PoolError(str(error)) from None
        else:
            ids = self._cached_ids(signature, len(frame))
            if ids is None:
                ids = items.ids_from_hashes(items.row_hashes(frame, self.item_columns))
                self._cache_ids(signature, ids)
        shown = self._wanted or self.item_columns
        unknown = [c for c in shown if c not in frame.columns]
        if unknown:
            raise PoolError(f"columns {unknown} are not in {self.path}; "
                            f"its columns are {list(frame.columns)}")
        self.columns = list(shown)
        self._ids = ids
        self._positions = dict(zip(ids, range(len(ids))))
        self._arrays = {c: frame[c].to_numpy() for c in frame.columns}
        self._signature = signature

    def _cache_file(self, signature: Tuple[int, int]) -> Optional[Path]:
        if self._cache_dir is None:
            return None
        key = hashlib.sha256(f"{self.path.resolve()}|{signature}|{self.item_columns}".encode()).hexdigest()
        return self._cache_dir / f"pool-ids-{key[:20]}.txt"

    def _cached_ids(self, signature: Tuple[int, int], rows: int) -> Optional[List[str]]:
        cache = self._cache_file(signature)
        if cache is None or not cache.exists():
            return None
        ids = cache.read_text(encoding="utf-8").split("\n")
        return ids if len(ids) == rows else None

    def _cache_ids(self, signature: Tuple[int, int], ids: List[str]) -> None:
        cache = self._cache_file(signature)
        if cache is None:
            return
        try:
            for old in cache.parent.glob("pool-ids-*.txt"):
                old.unlink()
            partial = cache.with_suffix(".partial")
            partial.write_text("\n".join(ids), encoding="utf-8")
            partial.replace(cache)
        except OSError:  # a cache only: serving goes on without it
            pass

    def item_ids(self) -> List[str]:
        """Every item id, in file order (do not modify the list)."""
        return self._ids

    def positions(self) -> Dict[str, int]:
        """Item id to its index in ``item_ids()`` (do not modify the mapping)."""
        return self._positions

    def _row(self, item_id: str, columns: Sequence[str]) -> Dict[str, Any]:
        position = self._positions[item_id]
        return {c: jsonable(self._arrays[c][position]) for c in columns}

    def values(self, item_id: str) -> Dict[str, Any]:
        """The row's columns (the id column included), for the labels dataset."""
        return self._row(item_id, list(self._arrays))

    def display(self, item_id: str) -> Dict[str, Any]:
        """The columns shown to the annotator."""
        return self._row(item_id, self.columns)

    def ids_for_rows(self, rows: pd.DataFrame) -> List[Optional[str]]:
        """Item ids of rows of a queries table (``None`` for rows not in the pool)."""
        if self.id_column and self.id_column in rows.columns:
            found = rows[self.id_column].astype(str).tolist()
        else:
            missing = [c for c in self.item_columns if c not in rows.columns]
            if missing:
                raise PoolError(f"the queries lack the pool's columns {missing}")
            # The k-th queried row with some content is the k-th such row of the pool.
            found = items.ids_from_hashes(items.row_hashes(rows, self.item_columns))
        return [i if i in self._positions else None for i in found]

    def refresh(self) -> bool:
        """Re-read the file when it changed; True when it did."""
        try:
            if self._stat() == self._signature:
                return False
        except OSError:
            return False  # the file is being replaced: keep serving what we have
        self._read()
        return True
