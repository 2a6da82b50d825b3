"""The local workspace: a folder holding one SQLite database (WAL) with the labels, the metadata,
the queries generations, the reservations and what the workspace was made for.

Opening checks the schema version (migrating an older one, refusing a newer one), the
tables' columns and that no page of the database is damaged, and refuses a workspace made for
another pool, kind or labeling setup, always with a message that says what to do. Nothing is
modified before these checks pass.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Union

from active_labeling.local import integrity
from active_labeling.local.hotkeys import HotkeyError, first_hotkeys, keep_hotkeys
from active_labeling.local.schema import COLUMNS, MIGRATIONS, SCHEMA_VERSION, TABLES, table_columns
from active_labeling.storage.sqlite_transaction import transaction
from active_labeling.tasks import default_task, task_of

DB_NAME = "workspace.sqlite"
_log = logging.getLogger(__name__)


class WorkspaceError(Exception):
    """The workspace can't be used as asked; the message says why and what to do."""


def connect(path: Union[str, Path], synchronous: str = "FULL") -> sqlite3.Connection:
    """A connection to the workspace database in WAL mode, usable from several threads.

    ``synchronous=FULL`` makes each commit wait until the WAL is on disk: an acknowledged label
    survives a killed process and also a power loss (NORMAL would only survive the former).
    """
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(f"PRAGMA synchronous = {synchronous}")
    return db


def read_only(path: Union[str, Path]) -> sqlite3.Connection:
    """A connection that can't modify the database (nor switch its journal mode)."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def check_intact(db: sqlite3.Connection, folder: Path, full: bool = False) -> None:
    """Raise ``WorkspaceError`` (with the way out) when a page of the database is damaged.

    ``full``: also check that each index matches its table (slower: see ``local.integrity``).
    """
    try:
        found = integrity.problems(db, full)
    except sqlite3.DatabaseError as error:
        if not integrity.is_damage(error):
            raise
        found = [str(error)]
    if found:
        raise WorkspaceError(integrity.damaged_message(folder, integrity.describe(found)))


class Workspace:
    """A workspace folder, opened (and created when missing).

    Parameters
    ----------
    folder : str or Path
        The workspace folder.
    create : bool
        Create the folder and database when missing; else a missing workspace is an error.
    """

    def __init__(self, folder: Union[str, Path], create: bool = True):
        self.folder = Path(folder)
        self.db_path = self.folder / DB_NAME
        if not self.db_path.exists():
            if not create:
                raise WorkspaceError(f"no workspace in {self.folder}: give the folder that "
                                     "`active-labeling serve --workspace` used")
            if self.folder.exists() and not self.folder.is_dir():
                raise WorkspaceError(f"{self.folder} is a file, not a folder: choose another --workspace")
            self.folder.mkdir(parents=True, exist_ok=True)
            self.db = connect(self.db_path)
            self._create()
        else:
            # Check with a read-only connection first: switching to WAL already writes the file.
            probe = read_only(self.db_path)
            try:
                version = self._version(probe)
                self._refuse_newer(version)
                if version == SCHEMA_VERSION:
                    self._check_tables(probe)
                check_intact(probe, self.folder)
            except sqlite3.DatabaseError as error:
                if integrity.is_damage(error):
                    raise WorkspaceError(integrity.damaged_message(self.folder, str(error))) from None
                raise WorkspaceError(f"{self.db_path} can't be read as a workspace ({error}); it was "
                                     "left untouched: choose another --workspace folder") from None
            finally:
                probe.close()
            self.db = connect(self.db_path)
            try:
                self._upgrade(version)
            except BaseException:
                self.db.close()
                raise

    def _create(self) -> None:
        with transaction(self.db):
            for ddl in TABLES.values():
                self.db.execute(ddl)
            self.db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _version(self, db: sqlite3.Connection) -> int:
        if not table_columns(db, "meta"):
            raise WorkspaceError(
                f"{self.db_path} is not an active-labeling workspace (it has no 'meta' table); it was "
                "left untouched: choose another --workspace folder")
        row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        try:
            return int(row[0])
        except (TypeError, ValueError):
            raise WorkspaceError(f"{self.db_path} has no valid schema version; it was left untouched: "
                                 "choose another --workspace folder") from None

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"the workspace {self.folder} was made by a newer active-labeling (schema version "
                f"{version}; this one reads up to {SCHEMA_VERSION}). Upgrade active-labeling "
                "(pip install -U active-labeling), or choose another --workspace folder.")

    def _upgrade(self, version: int) -> None:
        if version < SCHEMA_VERSION:
            # Keep a copy: a migration is one-way.
            backup = self.db_path.with_name(f"{DB_NAME}.v{version}.bak")
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(self.db_path, backup)
            with transaction(self.db):
                for step in range(version, SCHEMA_VERSION):
                    MIGRATIONS[step](self.db)
                self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                                (str(SCHEMA_VERSION),))
        self._check_tables(self.db)

    def _check_tables(self, db: sqlite3.Connection) -> None:
        for table, expected in COLUMNS.items():
            found = table_columns(db, table)
            if found != expected:
                raise WorkspaceError(
                    f"the table '{table}' of {self.db_path} has columns {found}, expected {expected}; "
                    "the workspace was left untouched: choose another --workspace folder")

    # -- what the workspace is for ----------------------------------------------------------

    def setup(self) -> Dict[str, Any]:
        """The setup the workspace was bound to (empty before the first ``bind``)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'setup'").fetchone()
        return json.loads(row[0]) if row else {}

    def bind(self, setup: Mapping[str, Any], hotkeys: Optional[Mapping[str, str]] = None) -> None:
        """Bind the workspace to a setup, or check it matches the one it was made for.

        ``setup`` has ``kind``, ``data`` (resolved path), ``id_column``, ``categories`` (names),
        ``multi_label``, ``task`` and ``label_column`` (a workspace made before tasks existed has
        no ``task``: its multi-label switch tells it). Categories may be added; a category used by a
        stored label may not be removed. Each category keeps its hotkey (``local.hotkeys``);
        ``hotkeys`` (``--hotkeys``) sets some, which are kept from then on.

        Raises
        ------
        WorkspaceError
            With what to change.
        """
        stored = self.setup()
        new = dict(setup)
        for known in (stored, new) if stored else (new,):  # made before tasks: the switch tells it
            if known.get("task") is None:
                known["task"] = default_task(None, bool(known.get("multi_label")))
        if stored:
            for key, what in (("kind", "kind of items"), ("data", "data"), ("id_column", "item id column"),
                              ("multi_label", "multi-label switch"), ("task", "annotation task"),
                              ("label_column", "label column")):
                if stored.get(key) != new.get(key):
                    raise WorkspaceError(
                        f"the workspace {self.folder} was made for {what} {stored.get(key)!r}, not "
                        f"{new.get(key)!r}: give the same value, or choose another --workspace folder "
                        "for this setup")
            missing = sorted(self.used_categories() - set(new.get("categories", ())))
            if missing:
                raise WorkspaceError(
                    f"stored labels use the categories {missing}, missing from --categories: add them "
                    "back, or choose another --workspace folder")
        kept = stored_hotkeys(self.db)  # before the setup changes: before schema 4 it is their order
        try:
            keys = keep_hotkeys(new.get("categories", []), kept, hotkeys or {})
        except HotkeyError as error:
            raise WorkspaceError(str(error)) from None
        if stored == new and keys == kept:
            return
        with transaction(self.db):
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('setup', ?)", (json.dumps(new),))
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('hotkeys', ?)", (json.dumps(keys),))

    def hotkeys(self) -> Dict[str, str]:
        """The hotkey of each category of the setup (name -> key; a category past the 30th has none)."""
        keys = stored_hotkeys(self.db)
        return {name: keys[name] for name in self.setup().get("categories", []) if name in keys}

    def used_categories(self) -> set:
        """Every category a stored label uses."""
        setup = self.setup()
        task = task_of(default_task(setup.get("task"), bool(setup.get("multi_label"))))
        used = set()
        for (label,) in self.db.execute("SELECT DISTINCT label FROM decisions WHERE label IS NOT NULL"):
            used.update(task.categories_of(json.loads(label)))
        return used

    def lock_for_serving(self) -> None:
        """Refuse a second server on this workspace: two would hand out the same label ids.

        An advisory lock on ``serve.lock``, released when the workspace is closed or the
        process ends (even killed). Where ``fcntl`` is missing (Windows) nothing is checked.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        stream = open(self.folder / "serve.lock", "a+")  # noqa: SIM115 - held open: that is the lock
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            stream.close()
            raise WorkspaceError(f"another `active-labeling serve` is using the workspace {self.folder}: "
                                 "stop it first, or choose another --workspace folder") from None
        self._lock_file = stream

    def close(self) -> None:
        """Close the database (and release the serving lock)."""
        lock = getattr(self, "_lock_file", None)
        if lock is not None:
            lock.close()
            self._lock_file = None
        self.db.close()


def stored_hotkeys(db: sqlite3.Connection) -> Dict[str, str]:
    """The name -> key mapping kept in a workspace (empty before its first serve)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'hotkeys'").fetchone()
    if row:
        return dict(json.loads(row[0]))
    # Not recorded yet (a workspace of schema 3 read without migrating it): keys by display order.
    setup = db.execute("SELECT value FROM meta WHERE key = 'setup'").fetchone()
    return first_hotkeys(json.loads(setup[0]).get("categories", [])) if setup else {}


def open_workspace(folder: Union[str, Path], setup: Optional[Mapping[str, Any]] = None,
                   create: bool = True, hotkeys: Optional[Mapping[str, str]] = None) -> Workspace:
    """Open (or create) the workspace in ``folder`` and bind it to ``setup`` (and ``hotkeys``) when given."""
    workspace = Workspace(folder, create=create)
    if setup is not None:
        try:
            workspace.bind(setup, hotkeys)
        except BaseException:
            workspace.close()
            raise
    return workspace
