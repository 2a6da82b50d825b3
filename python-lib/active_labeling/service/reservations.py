"""Reservations: an item served to one annotator is kept from the others for a while.

Held in memory for speed and mirrored in a SQLite table so that they survive a restart of the
local server. Expired reservations are ignored when read and purged when written. DSS's
backend may use a SQLite file or ``":memory:"``; either way this class is the only writer of
its table.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple, Union

_TABLE = """CREATE TABLE IF NOT EXISTS reservations (
    item_id TEXT PRIMARY KEY, annotator TEXT NOT NULL, expires REAL NOT NULL)"""


class Reservations:
    """Who holds which item, until when.

    Parameters
    ----------
    db : str, Path or sqlite3.Connection
        A database path (``":memory:"`` for none) or an open connection; the ``reservations``
        table is created when missing. A connection passed in is used from several threads,
        so open it with ``check_same_thread=False``.
    clock : callable, optional
        Seconds since the epoch (tests pass a fake clock).
    """

    def __init__(self, db: Union[str, Path, sqlite3.Connection] = ":memory:",
                 clock: Callable[[], float] = time.time):
        self._own = not isinstance(db, sqlite3.Connection)
        if isinstance(db, sqlite3.Connection):
            self._db = db
        else:
            self._db = sqlite3.connect(str(db), check_same_thread=False, isolation_level=None,
                                       timeout=30)
            self._db.execute("PRAGMA busy_timeout = 30000")
            # A lost reservation only lets an item be served twice: no need to wait for the disk.
            self._db.execute("PRAGMA synchronous = NORMAL")
        self._clock = clock
        self._lock = threading.Lock()
        self._db.execute(_TABLE)
        now = clock()
        rows = self._db.execute("SELECT item_id, annotator, expires FROM reservations WHERE expires > ?",
                                (now,)).fetchall()
        self._held: Dict[str, Tuple[str, float]] = {item: (who, exp) for item, who, exp in rows}
        self._purged = now

    def now(self) -> float:
        """The clock's current time."""
        return self._clock()

    def holder(self, item_id: str) -> Optional[str]:
        """Who holds ``item_id`` now, or None."""
        entry = self._held.get(item_id)
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0]

    def taken_by_other(self, item_id: str, annotator: str) -> bool:
        """True when someone other than ``annotator`` holds ``item_id`` now."""
        holder = self.holder(item_id)
        return holder is not None and holder != annotator

    def held_by(self, annotator: str) -> List[str]:
        """Items ``annotator`` holds now."""
        now = self._clock()
        return [item for item, (who, exp) in list(self._held.items()) if who == annotator and exp > now]

    def reserve(self, annotator: str, item_ids: Iterable[str], seconds: float) -> List[str]:
        """Reserve the items free or already held by ``annotator``; return those reserved."""
        with self._lock:
            now = self._clock()
            expires = now + seconds
            granted = []
            for item in item_ids:
                entry = self._held.get(item)
                if entry is None or entry[1] <= now or entry[0] == annotator:
                    granted.append(item)
            if granted:
                self._write("INSERT OR REPLACE INTO reservations VALUES (?, ?, ?)",
                            [(item, annotator, expires) for item in granted], now)
                for item in granted:
                    self._held[item] = (annotator, expires)
            return granted

    def release(self, annotator: str, item_ids: Optional[Iterable[str]] = None) -> int:
        """Release ``annotator``'s reservations (all when ``item_ids`` is None); return how many."""
        with self._lock:
            now = self._clock()
            candidates = self._held.keys() if item_ids is None else item_ids
            mine = [item for item in list(candidates)
                    if item in self._held and self._held[item][0] == annotator]
            if mine:
                self._write("DELETE FROM reservations WHERE item_id = ?", [(item,) for item in mine], now)
                for item in mine:
                    del self._held[item]
            return len(mine)

    def _write(self, sql: str, rows: List[tuple], now: float) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(sql, rows)
            if now - self._purged > 60:
                # Purge now and then, in the same transaction, so the table stays small.
                self._purged = now
                self._db.execute("DELETE FROM reservations WHERE expires <= ?", (now,))
                for item in [i for i, (_, exp) in self._held.items() if exp <= now]:
                    del self._held[item]
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Close the connection (only one this object opened itself is closed)."""
        # Closing a caller's connection would surprise it; ours is ours.
        if self._own:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
