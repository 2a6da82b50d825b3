"""Queries read from the CSV or Parquet file that ``active-labeling sample`` writes.

A new generation is a change of the file (modification time and size, then content hash),
recorded in the workspace so that the number keeps growing across restarts.

The same class reads a detector's predictions file (``serve --predictions``): each row's
pre-annotation ranks it (the task's uncertainty, most uncertain first) and comes with it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional, Tuple, Union

import numpy as np

from active_labeling.local.tabular import read_table
from active_labeling.sampling.suggestions import query_reasons
from active_labeling.storage.base import Pool, Queries


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _text(value: Any) -> Any:
    """A pre-annotation cell as written: a CSV reader makes numbers of categories named 0, 1..."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        return value
    if isinstance(value, (int, np.integer)):
        return str(value)
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return value


class FileQueriesSource:
    """The queries file, with its generation counted in the workspace.

    Parameters
    ----------
    path : str or Path
        The queries file (it may not exist yet: generation 0, no queries).
    db : sqlite3.Connection
        The workspace database (``queries_state`` table).
    prelabel_column : str, optional
        A column holding each row's pre-annotation (a detector's boxes), read when present.
    rank_by : callable, optional
        For a predictions file: ``rank_by(pre-annotation)`` scores a row (higher first), instead
        of the file's ``rank`` or ``score``; a row it can't read (``ValueError``) is left out.
    """

    def __init__(self, path: Union[str, Path], db: sqlite3.Connection, prelabel_column: Optional[str] = None,
                 rank_by: Optional[Callable[[Any], float]] = None):
        self.path = Path(path)
        self._db = db
        self.prelabel_column = prelabel_column
        self.rank_by = rank_by
        self._lock = threading.Lock()
        self._stat: Optional[Tuple[int, int]] = None
        self._generation = 0
        row = db.execute("SELECT generation FROM queries_state WHERE source = ?",
                         (str(self.path.resolve()),)).fetchone()
        if row:
            self._generation = int(row[0])

    def generation(self) -> int:
        """The current generation: bumped when the file's content changes."""
        with self._lock:
            try:
                stat = os.stat(self.path)
            except OSError:
                return self._generation
            signature = (stat.st_mtime_ns, stat.st_size)
            if signature == self._stat:
                return self._generation
            self._stat = signature
            content = _file_hash(self.path)
            source = str(self.path.resolve())
            row = self._db.execute("SELECT signature, generation FROM queries_state WHERE source = ?",
                                   (source,)).fetchone()
            if row and row[0] == content:
                return self._generation
            self._generation = (int(row[1]) if row else 0) + 1
            date = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            self._db.execute("INSERT OR REPLACE INTO queries_state VALUES (?, ?, ?, ?)",
                             (source, content, self._generation, date))
            return self._generation

    def load(self, pool: Pool) -> Queries:
        """The queries, most useful first, as pool item ids (rows not in the pool are dropped)."""
        generation = self.generation()
        if not self.path.exists():
            return Queries(generation)
        rows = read_table(self.path)
        if self.rank_by is not None:
            rows = self._ranked(rows)
        if "rank" in rows.columns:
            rows = rows.sort_values("rank", kind="stable")
        elif "score" in rows.columns:
            rows = rows.sort_values("score", ascending=False, kind="stable")
        ids = pool.ids_for_rows(rows)
        if "score" in rows.columns:
            scores = rows["score"].astype(float).tolist()
        else:
            scores = [float("nan")] * len(ids)
        kept = [(i, s) for i, s in zip(ids, scores) if i is not None]
        prelabels = {}
        if self.prelabel_column and self.prelabel_column in rows.columns:
            prelabels = {i: _text(v) for i, v in zip(ids, rows[self.prelabel_column].tolist())
                         if i is not None and isinstance(_text(v), (str, list))}
        return Queries(generation, [i for i, _ in kept], [s for _, s in kept], prelabels,
                       query_reasons(rows, ids))

    def _ranked(self, rows):
        """The rows with their ``score`` (most useful first), those ``rank_by`` can't read left out."""
        if self.prelabel_column not in rows.columns:
            raise ValueError(f"the predictions file {self.path} has no '{self.prelabel_column}' column "
                             f"(columns: {', '.join(map(str, rows.columns))}): write each file's path in "
                             f"'path' and its boxes in '{self.prelabel_column}'")

        def score(value) -> float:
            try:
                return float(self.rank_by(value))
            except ValueError:
                return np.nan
        rows = rows.drop(columns=[c for c in ("rank", "score") if c in rows.columns])
        rows["score"] = [score(v) for v in rows[self.prelabel_column].tolist()]
        return rows[rows["score"].notna()]
