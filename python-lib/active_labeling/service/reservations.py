"""Reservations: an item served to one annotator is kept from the others for a while.

Held in memory for speed and mirrored in a SQLite table so that they survive a restart of the
local server. Expired reservations are ignored when read and purged when written. DSS's
backend may use a SQLite file or ``":memory:"``; either way this class is the only writer of
its table.

A reservation also records the *page* (one browser tab) it was made for, so that each page
renews and gives back its own items: a second tab of the same annotator leaves the first one's
alone. Reservations made without a page (API clients) have the page ``""``.

A page's reservations also hold a *lease*: they lapse ``lease_seconds`` (about a minute) after
the page last renewed them, so a tab that died without a word (crash, lost network) frees its
items soon, while the reservation time bounds how long a live page keeps an item without its
annotator doing anything. Leases are kept in memory only, so that a page's frequent renewal
writes nothing; reservations read back at start get a fresh lease, time for their pages to
renew them.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple, Union

from active_labeling.storage.sqlite_transaction import transaction

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


_NO_LEASE = float("inf")
LEASE_SECONDS = 60.0


class Hold(NamedTuple):
    """One live reservation: who holds ``item_id``, for which page, until when (``until``)."""

    item_id: str
    annotator: str
    page: str
    until: float


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
    lease_seconds : float
        How long a page's reservations last after the page last renewed them.
    """

    def __init__(self, db: Union[str, Path, sqlite3.Connection] = ":memory:",
                 clock: Callable[[], float] = time.time, lease_seconds: float = LEASE_SECONDS):
        if not lease_seconds > 0:
            raise ValueError(f"the lease should be a positive number of seconds, got {lease_seconds!r}")
        self.lease_seconds = float(lease_seconds)
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
        # item -> (annotator, expires, page, lease): held while both times are in the future.
        self._held: Dict[str, Tuple[str, float, str, float]] = {
            item: (who, exp, page, self._lease(page, now)) for item, who, exp, page in rows}
        self._purged = now

    def now(self) -> float:
        """The clock's current time."""
        return self._clock()

    def _lease(self, page: str, now: float) -> float:
        return now + self.lease_seconds if page else _NO_LEASE

    @staticmethod
    def _live(entry: Optional[Tuple[str, float, str, float]], now: float) -> bool:
        return entry is not None and entry[1] > now and entry[3] > now

    def holder(self, item_id: str) -> Optional[str]:
        """Who holds ``item_id`` now, or None."""
        entry = self._held.get(item_id)
        if not self._live(entry, self._clock()):
            return None
        return entry[0]

    def taken_by_other(self, item_id: str, annotator: str) -> bool:
        """True when someone other than ``annotator`` holds ``item_id`` now."""
        holder = self.holder(item_id)
        return holder is not None and holder != annotator

    def held_by(self, annotator: str, page: Optional[str] = None) -> List[str]:
        """Items ``annotator`` holds now (only those reserved for ``page`` when given)."""
        now = self._clock()
        return [item for item, (who, exp, where, lease) in list(self._held.items())
                if who == annotator and exp > now and lease > now and (page is None or where == page)]

    def holds(self) -> List[Hold]:
        """Every live reservation; ``until`` is when it lapses unless renewed."""
        now = self._clock()
        return [Hold(item, who, where, min(exp, lease)) for item, (who, exp, where, lease)
                in list(self._held.items()) if exp > now and lease > now]

    def reserve(self, annotator: str, item_ids: Iterable[str], seconds: float,
                page: Optional[str] = None) -> List[str]:
        """Reserve the items free or already held by ``annotator``; return those reserved.

        ``page`` is recorded with them, and their lease starts again; None keeps the page and
        lease of items the annotator already held (``""`` and no lease for the others).
        """
        with self._lock:
            now = self._clock()
            expires = now + seconds
            granted, leases = [], []
            for item in item_ids:
                entry = self._held.get(item)
                live = self._live(entry, now)
                if live and entry[0] != annotator:
                    continue
                if page is not None:
                    where, lease = page, self._lease(page, now)
                else:
                    where, lease = (entry[2], entry[3]) if live else ("", _NO_LEASE)
                granted.append((item, annotator, expires, where))
                leases.append(lease)
            if granted:
                self._write("INSERT OR REPLACE INTO reservations (item_id, annotator, expires, page) "
                            "VALUES (?, ?, ?, ?)", granted, now)
                for (item, who, exp, where), lease in zip(granted, leases):
                    self._held[item] = (who, exp, where, lease)
            return [row[0] for row in granted]

    def renew(self, annotator: str, page: str, seconds: Optional[float] = None) -> List[str]:
        """Renew the lease of ``page``'s live reservations; return their items.

        With ``seconds`` (the annotator is at work on the page), their reservation time starts
        again too, written at most once per lease (or half the reservation time, when shorter):
        a page renews often, and a lease alone writes nothing.
        """
        with self._lock:
            now = self._clock()
            lease = self._lease(page, now)
            mine = [(item, entry) for item, entry in list(self._held.items())
                    if entry[0] == annotator and entry[2] == page and self._live(entry, now)]
            due = None if seconds is None else now + seconds - min(self.lease_seconds, seconds / 2)
            if due is not None and any(entry[1] < due for _, entry in mine):
                expires = now + seconds
                self._write("UPDATE reservations SET expires = ? WHERE item_id = ?",
                            [(expires, item) for item, _ in mine], now)
                mine = [(item, (who, expires, where, old)) for item, (who, _, where, old) in mine]
            for item, (who, exp, where, _) in mine:
                self._held[item] = (who, exp, where, lease)
            return [item for item, _ in mine]

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
                    self._held.pop(item, None)  # the purge may have dropped it already
            return len(mine)

    def _write(self, sql: str, rows: List[tuple], now: float) -> None:
        lapsed: List[str] = []
        purge = now - self._purged > 60
        with transaction(self._db):
            if purge:
                # Purge now and then, in the same transaction, so the table stays small; before
                # the rows below, which may give a lapsed item to someone again.
                self._db.execute("DELETE FROM reservations WHERE expires <= ?", (now,))
                # Lapsed leases are only in memory: their rows go too, so that a restart doesn't
                # bring a dead page's items back.
                lapsed = [item for item, entry in self._held.items() if not self._live(entry, now)]
                self._db.executemany("DELETE FROM reservations WHERE item_id = ?", [(i,) for i in lapsed])
            self._db.executemany(sql, rows)
        if purge:
            self._purged = now
        for item in lapsed:
            del self._held[item]

    def close(self) -> None:
        """Close the connection (only one this object opened itself is closed)."""
        # Closing a caller's connection would surprise it; ours is ours.
        if self._own:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
