"""The workspace database's schema, its version, and the migrations from older versions.

Version history:
1. decisions, labels, reservations, meta.
2. decisions get a ``session`` column; ``queries_state`` records queries generations.
3. reservations get a ``page`` column (the browser tab they were made for).
4. ``meta`` keeps the hotkeys by category name (``hotkeys``: a JSON object name -> key), so that
   re-ordering the categories no longer changes them; the migration records the keys the
   categories had (their order).
5. ``suggestions`` records, per decision that came with a model's suggestion, the suggestion
   shown and whether the label agreed with it (a table of its own: decisions rows stay as they
   were, and a workspace of version 4 only gains an empty table).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Callable, Dict, List

from active_labeling.local.hotkeys import first_hotkeys
from active_labeling.service.reservations import add_page_column

SCHEMA_VERSION = 5

TABLES: Dict[str, str] = {
    "meta": "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "decisions": """CREATE TABLE decisions (
        label_id INTEGER PRIMARY KEY, item_id TEXT NOT NULL, annotator TEXT NOT NULL,
        date TEXT NOT NULL, status TEXT NOT NULL, label TEXT, comment TEXT NOT NULL DEFAULT '',
        session TEXT NOT NULL DEFAULT '')""",
    # One row per item and annotator: the labels dataset, replaced when the label changes.
    "labels": """CREATE TABLE labels (
        item_id TEXT NOT NULL, annotator TEXT NOT NULL, label_id INTEGER NOT NULL,
        date TEXT NOT NULL, label TEXT, item_values TEXT, PRIMARY KEY (item_id, annotator))""",
    "reservations": """CREATE TABLE reservations (
        item_id TEXT PRIMARY KEY, annotator TEXT NOT NULL, expires REAL NOT NULL,
        page TEXT NOT NULL DEFAULT '')""",
    "queries_state": """CREATE TABLE queries_state (
        source TEXT PRIMARY KEY, signature TEXT NOT NULL, generation INTEGER NOT NULL,
        date TEXT NOT NULL)""",
    "suggestions": """CREATE TABLE suggestions (
        label_id INTEGER PRIMARY KEY, suggestion TEXT NOT NULL, agreed INTEGER)""",
}

COLUMNS: Dict[str, List[str]] = {
    "meta": ["key", "value"],
    "decisions": ["label_id", "item_id", "annotator", "date", "status", "label", "comment", "session"],
    "labels": ["item_id", "annotator", "label_id", "date", "label", "item_values"],
    "reservations": ["item_id", "annotator", "expires", "page"],
    "queries_state": ["source", "signature", "generation", "date"],
    "suggestions": ["label_id", "suggestion", "agreed"],
}

# The version 1 schema, kept to migrate from and to test the migration.
V1_TABLES: Dict[str, str] = {
    "meta": TABLES["meta"],
    "decisions": """CREATE TABLE decisions (
        label_id INTEGER PRIMARY KEY, item_id TEXT NOT NULL, annotator TEXT NOT NULL,
        date TEXT NOT NULL, status TEXT NOT NULL, label TEXT, comment TEXT NOT NULL DEFAULT '')""",
    "labels": TABLES["labels"],
    "reservations": """CREATE TABLE reservations (
        item_id TEXT PRIMARY KEY, annotator TEXT NOT NULL, expires REAL NOT NULL)""",
}


def _v1_to_v2(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE decisions ADD COLUMN session TEXT NOT NULL DEFAULT ''")
    db.execute(TABLES["queries_state"])


def _v2_to_v3(db: sqlite3.Connection) -> None:
    add_page_column(db)


def _v3_to_v4(db: sqlite3.Connection) -> None:
    row = db.execute("SELECT value FROM meta WHERE key = 'setup'").fetchone()
    if row:  # a workspace never served has no categories yet: its first serve gives the keys
        names = json.loads(row[0]).get("categories", [])
        db.execute("INSERT OR REPLACE INTO meta VALUES ('hotkeys', ?)", (json.dumps(first_hotkeys(names)),))


def _v4_to_v5(db: sqlite3.Connection) -> None:
    db.execute(TABLES["suggestions"].replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))


# MIGRATIONS[n] turns a version n database into version n + 1.
MIGRATIONS: Dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4,
                                                                4: _v4_to_v5}


def table_columns(db: sqlite3.Connection, table: str) -> List[str]:
    """The columns of ``table`` (empty when it does not exist)."""
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
