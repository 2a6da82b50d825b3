"""One SQLite write transaction whose failure reports its own error, never the rollback's."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import contextmanager
from typing import Iterator

_log = logging.getLogger(__name__)


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back when the block fails.

    SQLite ends the transaction by itself on some failures (a disk I/O error, a full disk): a
    ROLLBACK then fails with "no transaction is active", which would hide the real error.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:  # the error being raised says more than this one
                _log.warning("could not roll back after a failed write", exc_info=True)
        raise
