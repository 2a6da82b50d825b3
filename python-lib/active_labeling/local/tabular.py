"""Tabular pools read from a CSV or Parquet file.

Item ids come from the id column when one is given, else from ``active_labeling.items`` (content
hashes, duplicates suffixed), so the Query Sampler finds the same ids. The file is re-read when
its size or modification time changes, in a background thread: a million rows take seconds to read
and hash, which in a request would hold up every annotator's labels.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

from active_labeling.atomic_files import write_text_atomically
from active_labeling.storage.background_read import in_thread
from active_labeling.storage.table_rows import TablePool, TableRows
from active_labeling.table_files import CsvFormat, read_table  # the reader of every command's tables


class PoolError(Exception):
    """The pool can't be read as asked; the message says why and what to do."""


@dataclass
class _FileState:
    """What one read of the file gives."""

    signature: Tuple[int, int]
    columns: List[str]
    rows: TableRows


class TabularFilePool(TablePool):
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
    csv : CsvFormat, optional
        The CSV's separator and quote character (``--sep``, ``--quotechar``).
    """

    def __init__(self, path: Union[str, Path], id_column: Optional[str] = None,
                 columns: Optional[Sequence[str]] = None, cache_dir: Optional[Union[str, Path]] = None,
                 csv: Optional[CsvFormat] = None):
        self.path = Path(path)
        self.csv = csv or CsvFormat()
        self.id_column = id_column or None
        self._wanted = list(columns) if columns else None
        self._cache_dir = Path(cache_dir) if cache_dir else None
        self._reading: Optional[Future] = None
        self._apply(self._read())

    def _stat(self) -> Tuple[int, int]:
        stat = os.stat(self.path)
        return stat.st_mtime_ns, stat.st_size

    def _read(self) -> _FileState:
        """Read the file into a new state; shared attributes are left alone (this may run in a thread)."""
        signature = self._stat()
        frame = read_table(self.path, csv=self.csv)
        names = [str(c) for c in frame.columns]
        item_columns = [c for c in names if c != self.id_column]
        cached = self._cached_ids(signature, item_columns, len(frame))
        try:
            rows = TableRows(frame, self.id_column, ids=cached)
        except ValueError as error:
            raise PoolError(f"{self.path}: {error}") from None
        if cached is None:
            self._cache_ids(signature, rows.item_columns, rows.ids)
        return _FileState(signature, self._shown(rows), rows)

    def _shown(self, rows: TableRows) -> List[str]:
        """The columns shown to the annotator, checked against the file's."""
        shown = self._wanted or rows.item_columns
        unknown = [c for c in shown if c not in rows.columns]
        if unknown:
            raise PoolError(f"columns {unknown} are not in {self.path}; its columns are {rows.columns}")
        return list(shown)

    def _apply(self, state: _FileState) -> None:
        self._signature, self.columns, self._rows = state.signature, state.columns, state.rows

    def _cache_file(self, signature: Tuple[int, int], item_columns: List[str]) -> Optional[Path]:
        if self._cache_dir is None or self.id_column:
            return None
        key = hashlib.sha256(f"{self.path.resolve()}|{signature}|{item_columns}".encode()).hexdigest()
        return self._cache_dir / f"pool-ids-{key[:20]}.txt"

    def _cached_ids(self, signature: Tuple[int, int], item_columns: List[str],
                    rows: int) -> Optional[List[str]]:
        cache = self._cache_file(signature, item_columns)
        if cache is None or not cache.exists():
            return None
        ids = cache.read_text(encoding="utf-8").split("\n")
        return ids if len(ids) == rows else None

    def _cache_ids(self, signature: Tuple[int, int], item_columns: List[str], ids: List[str]) -> None:
        cache = self._cache_file(signature, item_columns)
        if cache is None:
            return
        try:
            for old in cache.parent.glob("pool-ids-*.txt"):
                old.unlink()
            write_text_atomically(cache, "\n".join(ids), durable=False)
        except OSError:  # a cache only: serving goes on without it
            pass

    def empty_reason(self) -> Optional[str]:
        """Why the pool has no items, for the console and the page; None when it has some."""
        if len(self._rows):
            return None
        return (f"{self.path} has no rows: its header names the columns ({', '.join(self._rows.columns)}) "
                "but no row follows. Add one row per item: the file is read again when it changes.")

    def _queries_error(self, missing: str) -> Exception:
        return PoolError(f"the queries lack the pool's columns [{missing}]")

    def refresh(self) -> bool:
        """Start reading the file again when it changed; swap in a finished read and return True.

        Raises the background read's error (the rows stay as they were): the service logs it and
        serves as before, and the next call reads the file again if it still differs.
        """
        reading = self._reading
        if reading is not None:
            if not reading.done():
                return False
            self._reading = None
            self._apply(reading.result())
            return True
        try:
            if self._stat() == self._signature:
                return False
        except OSError:
            return False  # the file is being replaced: keep serving what we have
        self._reading = in_thread(self._read, f"read {self.path.name}")
        return False
