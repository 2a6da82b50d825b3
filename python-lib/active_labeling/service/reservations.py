"""Reservations: an item served to one annotator is kept from the others for a while.

Held in memory for speed and mirrored in a SQLite table so that they survive a restart of the
local server. Expired reservations are ignored when read and purged when written. DSS's
backend may use a SQLite file or ``":memory:"``; either way this class is the only writer of
its table.

A reservation also records the *page* (one browser tab) it was made for, so that each page
renews and gives back its own items: a second tab of the same annotator leaves the first one's
alone. Reservations made without a page (API clients) have the page ``""``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple, Union

_TABLE = """CREATE TABLE IF NOT EXISTS reservations (
    item_id TEXT PRIMARY KEY, annotator TEXT NOT NULL, expires REAL NOT NULL,
    page TEXT NOT NULL DEFAULT '')"""


def add_page_column(db: sqlite3.Connection) -> None:
    """Give a reservations table from before pages its ``page`` column (no-op when it has one).

    Its reservations then belong to no page (``""``). The local workspace's schema migration
    calls this too.
    """
    if "page" not in [row[1] for row in db.execute("PRAGMA table_info(reservations)")]:
        db.execute("ALTER TABLE reservations ADD COLUMN page TEXT NOT NULL DEFAULT ''")


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
        add_page_column(self._db)
        now = clock()
        rows = self._db.execute("SELECT item_id, annotator, expires, page FROM reservations "
                                "WHERE expires > ?", (now,)).fetchall()
        self._held: Dict[str, Tuple[str, float, str]] = {item: (who, exp, page)
                                                         for item, who, exp, page in rows}
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

    def held_by(self, annotator: str, page: Optional[str] = None) -> List[str]:
        """Items ``annotator`` holds now (only those reserved for ``page`` when given)."""
        now = self._clock()
        return [item for item, (who, exp, where) in list(self._held.items())
                if who == annotator and exp > now and (page is None or where == page)]

    def reserve(self, annotator: str, item_ids: Iterable[str], seconds: float,
                page: Optional[str] = None) -> List[str]:
        """Reserve the items free or already held by ``annotator``; return those reserved.

        ``page`` is recorded with them; None keeps the page of items the annotator already held
        (``""`` for the others).
        """
        with self._lock:
            now = self._clock()
            expires = now + seconds
            granted = []
            for item in item_ids:
                entry = self._held.get(item)
                live = entry is not None and entry[1] > now
                if live and entry[0] != annotator:
                    continue
                where = page if page is not None else (entry[2] if live else "")
                granted.append((item, annotator, expires, where))
            if granted:
                self._write("INSERT OR REPLACE INTO reservations (item_id, annotator, expires, page) "
                            "VALUES (?, ?, ?, ?)", granted, now)
                for item, who, exp, where in granted:
                    self._held[item] = (who, exp, where)
            return [row[0] for row in granted]

    def release(self, annotator: str, item_ids: Optional[Iterable[str]] = None,
                page: Optional[str] = None) -> int:
        """Release ``annotator``'s reservations; return how many.

        All of them when neither ``item_ids`` nor ``page`` is given; else those of ``item_ids``,
        or those made for ``page``.
        """
        with self._lock:
            now = self._clock()
            candidates = self._held.keys() if item_ids is None else item_ids
            mine = [item for item in list(candidates)
                    if item in self._held and self._held[item][0] == annotator
                    and (page is None or self._held[item][2] == page)]
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
                for item in [i for i, (_, exp, _) in self._held.items() if exp <= now]:
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
