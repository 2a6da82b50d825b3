"""Is a workspace database intact? Checked each time a workspace is opened.

A damaged page (a disk or file-system fault, a copy made mid-write) can sit unnoticed: SQLite
only reports it when a query reaches that page, so labeling may go on for days until ``export``
fails. ``PRAGMA quick_check`` reads every page of every table and index and checks their
structure, which finds a damaged page. ``PRAGMA integrity_check`` also looks up every row in
every index: on 1,000,000 labels (whose index is in random order) it takes about six times as
long (``benchmarks/bench_workspace.py``: 2.1 s against 0.4 s on a quiet 2-core machine), too much
for each start; it runs before a backup, where the time is spent anyway.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import List

# Problems quoted in a message: the first few say enough.
QUOTED = 3


def problems(db: sqlite3.Connection, full: bool = False) -> List[str]:
    """What SQLite's check finds wrong (empty when the database is intact).

    ``full``: ``integrity_check`` (indexes against their tables too) instead of ``quick_check``.

    Raises
    ------
    sqlite3.DatabaseError
        When the damage stops the check itself (a damaged first page, a file that is no database).
    """
    pragma = "integrity_check" if full else "quick_check"
    found = [row[0] for row in db.execute(f"PRAGMA {pragma}({QUOTED})")]
    return [] if found == ["ok"] else found


def is_damage(error: sqlite3.DatabaseError) -> bool:
    """True when ``error`` reports a damaged database (rather than, say, a locked one)."""
    name = getattr(error, "sqlite_errorname", "")  # Python 3.11+
    return name.startswith("SQLITE_CORRUPT") or "malformed" in str(error)


def damaged_message(folder: Path, what: str) -> str:
    """The message for a damaged workspace: what SQLite found, and the way out."""
    return (f"the workspace {folder} is damaged ({what}). It was left as it is and can't be used: save "
            f"what is readable into a new workspace with `active-labeling recover --workspace {folder} "
            "--out NEW_FOLDER`, then serve with --workspace NEW_FOLDER (or copy back a backup made "
            "with `active-labeling backup`)")


def describe(found: List[str]) -> str:
    """SQLite's findings, shortened for one message."""
    return "SQLite's check reports: " + "; ".join(found[:QUOTED])
