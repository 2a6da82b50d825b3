"""Is a workspace database intact? Checked each time a workspace is opened.

A damaged page (a disk or file-system fault, a copy made mid-write) can sit unnoticed: SQLite
only reports it when a query reaches that page, so labeling may go on for days until ``export``
fails. ``PRAGMA integrity_check`` reads every page and also checks that each index matches its
table (a stale index of ``labels`` would let a label be stored twice for one item). On 1,000,000
labels it takes 0.6 s against 0.3 s for ``quick_check``, which skips the index checks
(``benchmarks/bench_workspace.py``): well within a start of a few seconds, so the full check.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import List

# Problems quoted in a message: the first few say enough.
QUOTED = 3


def problems(db: sqlite3.Connection) -> List[str]:
    """What SQLite's integrity check finds wrong (empty when the database is intact).

    Raises
    ------
    sqlite3.DatabaseError
        When the damage stops the check itself (a damaged first page, a file that is no database).
    """
    found = [row[0] for row in db.execute(f"PRAGMA integrity_check({QUOTED})")]
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
