"""A consistent copy of a workspace database, safe while ``serve`` is labeling into it.

Copying ``workspace.sqlite`` alone is not a backup: the newest labels sit in
``workspace.sqlite-wal`` until SQLite folds them into the main file, and a copy taken during a
write may be torn. SQLite's online backup copies the database as one snapshot, WAL included,
without stopping the server.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Union

from active_labeling.local.schema import table_columns
from active_labeling.local.workspace import DB_NAME, WorkspaceError, check_intact, read_only


def backup(folder: Union[str, Path], out: Union[str, Path]) -> int:
    """Write the database of the workspace in ``folder`` to the file ``out``; return its decisions.

    Raises
    ------
    WorkspaceError
        No workspace there, a damaged one (the message points at ``recover``), or ``out`` exists.
    """
    folder, out = Path(folder), Path(out)
    database = folder / DB_NAME
    if not database.exists():
        raise WorkspaceError(f"no workspace in {folder}: give the folder that `active-labeling serve "
                             "--workspace` used")
    if out.exists():
        raise WorkspaceError(f"--out {out} exists; it was left untouched: give a new file name")
    partial = out.with_name(out.name + ".partial")
    source = read_only(database)
    try:
        if not table_columns(source, "meta"):
            raise WorkspaceError(f"{database} is not an active-labeling workspace (no 'meta' table)")
        check_intact(source, folder, full=True)  # a copy of a damaged database would copy the damage
        out.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(str(partial))
        try:
            source.backup(target)  # one step: one snapshot, while writers go on (WAL)
            decisions = target.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
        finally:
            target.close()
        partial.replace(out)  # never a half-written backup under the name asked for
    except sqlite3.DatabaseError as error:
        raise WorkspaceError(f"could not back up {database} ({error})") from None
    finally:
        source.close()
        partial.unlink(missing_ok=True)
    return int(decisions)
