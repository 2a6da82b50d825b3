"""Save what is readable of a damaged workspace into a new one (``active-labeling recover``).

SQLite reports a damaged page only when a read reaches it, and then stops that read. Each table is
read in rowid order; when a read stops on damage, the rows behind the damaged pages are stepped
over by probing later rowids (doubling the step, then bisecting back to the first rowid that can
be read again), and reading goes on from there. So one bad page costs the rows on it, not the
rest of the table.

The decisions are the record of the labeling: those read, plus those rebuilt from rows of the
``labels`` table whose decision was lost. The ``labels`` table (each item's latest label per
annotator) is then rebuilt from them, with the item values read from the old one. Rows stream
from the damaged database into the new one, where SQL does the rebuilding: memory stays small
on millions of labels. The damaged workspace is only read.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple, Union

from active_labeling.kinds import FOLDER_KINDS
from active_labeling.local.integrity import is_damage
from active_labeling.local.schema import COLUMNS, table_columns
from active_labeling.local.workspace import DB_NAME, Workspace, WorkspaceError, read_only, transaction
from active_labeling.storage.base import LABELED, REVIEWED, SKIPPED

_FIRST_ROWID, _LAST_ROWID = -(2 ** 63), 2 ** 63 - 1
_JSON_OBJECTS = ("setup", "hotkeys", "team_tokens")  # meta values that must read as JSON objects


@dataclass
class Recovery:
    """What ``recover`` saved."""

    decisions: int = 0
    labels: int = 0
    rebuilt: int = 0  # decisions rebuilt from the labels table (their comment and session are lost)
    unreadable: List[str] = field(default_factory=list)  # tables with damaged rows, e.g. "decisions"
    missing_ids: List[Tuple[int, int]] = field(default_factory=list)  # label id ranges not found
    values_lost: int = 0  # labels whose item values could not be read
    setup_lost: bool = False


def _first_readable(db: sqlite3.Connection, query: str, start: int) -> Optional[int]:
    """The smallest rowid >= ``start`` from which ``query`` reads its first row again (None: none)."""
    def reads(rowid: int) -> bool:
        try:
            db.execute(query + " LIMIT 1", (rowid,)).fetchall()
            return True
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                raise
            return False

    failing, step = start, 1
    while not reads(min(start + step, _LAST_ROWID)):
        failing = start + step
        if failing >= _LAST_ROWID:
            return None
        step *= 2
    good = min(start + step, _LAST_ROWID)
    while good - failing > 1:  # reads(failing) is False, reads(good) is True
        middle = (failing + good) // 2
        if reads(middle):
            good = middle
        else:
            failing = middle
    return good


def readable_rows(db: sqlite3.Connection, table: str, columns: List[str],
                  damaged: List[str]) -> Iterator[tuple]:
    """Every row of ``table`` that can be read, in rowid order; ``table`` is added to ``damaged``
    when some could not (or when the table itself can't be found)."""
    query = f"SELECT rowid, {', '.join(columns)} FROM {table} WHERE rowid >= ? ORDER BY rowid"
    start = _FIRST_ROWID
    while True:
        try:
            for row in db.execute(query, (start,)):
                start = row[0] + 1
                yield row[1:]
            return
        except sqlite3.DatabaseError as error:
            if not is_damage(error) and "no such table" not in str(error):
                raise
            if table not in damaged:
                damaged.append(table)
            following = None if "no such table" in str(error) else _first_readable(db, query, start)
            if following is None:
                return
            start = following


def _json(text: Any, kind: type) -> bool:
    try:
        return isinstance(json.loads(text), kind)
    except (TypeError, ValueError):
        return False


def _label_ok(text: Any) -> bool:
    if text is None:
        return True
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _texts(*values: Any) -> bool:
    return all(isinstance(v, str) for v in values)


def _meta(rows: Iterator[tuple]) -> Iterator[tuple]:
    for key, value in rows:
        if not _texts(key, value) or key == "schema_version":
            continue
        if key not in _JSON_OBJECTS or _json(value, dict):
            yield key, value


def _decisions(rows: Iterator[tuple]) -> Iterator[tuple]:
    for row in rows:
        label_id, item_id, annotator, date, status, label, comment, session = row
        if (isinstance(label_id, int) and _texts(item_id, annotator, date, comment, session)
                and status in (LABELED, SKIPPED, REVIEWED) and _label_ok(label)):
            yield row


def _suggestions(rows: Iterator[tuple]) -> Iterator[tuple]:
    for label_id, suggestion, agreed in rows:
        if (isinstance(label_id, int) and suggestion is not None and _label_ok(suggestion)
                and agreed in (None, 0, 1)):
            yield label_id, suggestion, agreed


def _labels(rows: Iterator[tuple]) -> Iterator[tuple]:
    for item_id, annotator, label_id, date, label, values in rows:
        if _texts(item_id, annotator, date) and isinstance(label_id, int) and _label_ok(label):
            yield item_id, annotator, label_id, date, label, values if _json(values, dict) else None


def _queries(rows: Iterator[tuple]) -> Iterator[tuple]:
    for row in rows:
        if _texts(row[0], row[1], row[3]) and isinstance(row[2], int):
            yield row


# Each item's and annotator's latest decision, when it is a label; the item values from any
# readable row of the old labels table (the pool's values of the item), else from the file name.
_REBUILD_LABELS = """
INSERT INTO labels
SELECT d.item_id, d.annotator, d.label_id, d.date, d.label,
       COALESCE((SELECT o.item_values FROM old_labels o WHERE o.item_id = d.item_id
                 AND o.item_values IS NOT NULL ORDER BY o.label_id DESC LIMIT 1), path_values(d.item_id))
FROM decisions d JOIN (SELECT MAX(label_id) AS last FROM decisions GROUP BY item_id, annotator) l
     ON d.label_id = l.last
WHERE d.status = ?"""


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, report: Recovery) -> None:
    damaged = report.unreadable
    with transaction(target):
        meta = dict(_meta(readable_rows(source, "meta", COLUMNS["meta"], damaged)))
        target.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        report.setup_lost = "setup" not in meta
        kind = json.loads(meta.get("setup", "{}")).get("kind")
        # An image's or sound's values are its path: known without the old row.
        target.create_function("path_values", 1, lambda item: json.dumps({"path": item})
                               if kind in FOLDER_KINDS else None)
        target.executemany("INSERT OR IGNORE INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           _decisions(readable_rows(source, "decisions", COLUMNS["decisions"], damaged)))
        if table_columns(source, "suggestions"):  # workspaces made before schema 5 have none
            target.executemany("INSERT OR IGNORE INTO suggestions VALUES (?, ?, ?)", _suggestions(
                readable_rows(source, "suggestions", COLUMNS["suggestions"], damaged)))
        target.execute("CREATE TEMP TABLE old_labels (item_id, annotator, label_id, date, label, "
                       "item_values)")
        target.executemany("INSERT INTO old_labels VALUES (?, ?, ?, ?, ?, ?)",
                           _labels(readable_rows(source, "labels", COLUMNS["labels"], damaged)))
        target.execute("CREATE INDEX temp.old_labels_item ON old_labels (item_id)")
        # A label row whose decision was on a damaged page tells that decision (but its comment).
        report.rebuilt = target.execute(
            "INSERT OR IGNORE INTO decisions SELECT label_id, item_id, annotator, date, ?, label, '', '' "
            "FROM old_labels WHERE label_id NOT IN (SELECT label_id FROM decisions)", (LABELED,)).rowcount
        target.execute(_REBUILD_LABELS, (LABELED,))
        target.executemany("INSERT OR REPLACE INTO queries_state VALUES (?, ?, ?, ?)",
                           _queries(readable_rows(source, "queries_state", COLUMNS["queries_state"],
                                                  damaged)))
        target.execute("DROP TABLE temp.old_labels")
    report.decisions = target.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
    report.labels = target.execute("SELECT COUNT(*) FROM labels").fetchone()[0]
    report.values_lost = target.execute("SELECT COUNT(*) FROM labels WHERE item_values IS NULL").fetchone()[0]
    report.missing_ids = _missing(row[0] for row in target.execute("SELECT label_id FROM decisions "
                                                                   "ORDER BY label_id"))
    if not meta and not report.decisions:
        raise WorkspaceError("nothing could be read")


def _missing(ids: Iterator[int]) -> List[Tuple[int, int]]:
    """Ranges of the label ids 1, 2, ... absent from ``ids`` (in increasing order)."""
    ranges, expected = [], 1
    for label_id in ids:
        if label_id > expected:
            ranges.append((expected, label_id - 1))
        expected = max(expected, label_id + 1)
    return ranges


def _check_out(out: Path) -> bool:
    """Refuse an ``out`` that holds anything; True when the folder has to be created."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise WorkspaceError(f"--out {out} exists and is not an empty folder; it was left untouched: "
                             "give a new folder for the recovered workspace")
    return not out.exists()


def recover(folder: Union[str, Path], out: Union[str, Path]) -> Recovery:
    """Copy every readable decision, label and setting of the workspace in ``folder`` to a new one.

    Raises
    ------
    WorkspaceError
        No workspace in ``folder``, ``out`` not new, or nothing readable.
    """
    folder, out = Path(folder), Path(out)
    database = folder / DB_NAME
    if not database.exists():
        raise WorkspaceError(f"no workspace in {folder}: give the folder that `active-labeling serve "
                             "--workspace` used")
    created = _check_out(out)
    report = Recovery()
    source = read_only(database)
    try:
        source.execute("PRAGMA cell_size_check = ON")  # catch more damage as it is read
        workspace = Workspace(out)
        try:
            _copy(source, workspace.db, report)
        finally:
            workspace.close()
    except (sqlite3.DatabaseError, WorkspaceError) as error:
        _remove(out, created)
        raise WorkspaceError(f"could not recover {database} ({error}); nothing was written to {out}. "
                             "Restore a backup made with `active-labeling backup` if there is one") from None
    except BaseException:
        _remove(out, created)
        raise
    finally:
        source.close()
    return report


def _remove(out: Path, created: bool) -> None:
    if created:
        shutil.rmtree(out, ignore_errors=True)
    else:  # the folder was given empty: empty it again
        for path in out.iterdir():
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def summary(report: Recovery, folder: Path, out: Path) -> Iterator[str]:
    """What to tell the user: what was saved, what was not, what to do next."""
    yield (f"Saved {report.decisions} decisions and {report.labels} current labels from {folder} into "
           f"{out}; {folder} was left as it was.")
    if report.unreadable:
        yield f"Damaged rows were stepped over in: {', '.join(report.unreadable)}."
    if report.missing_ids:
        shown = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in report.missing_ids[:10])
        more = "" if len(report.missing_ids) <= 10 else f" and {len(report.missing_ids) - 10} more ranges"
        count = sum(b - a + 1 for a, b in report.missing_ids)
        yield (f"No decision could be read for {count} label ids: {shown}{more}. Items labeled only "
               "there will be served again.")
    if report.rebuilt:
        yield (f"{report.rebuilt} decisions were rebuilt from the labels table (their comment and "
               "session are lost).")
    if report.values_lost:
        yield (f"{report.values_lost} labels lost their item values: `export` writes only their item id "
               "(label them again to get the values back).")
    if report.setup_lost:
        yield "The workspace's setup could not be read: the next serve records it again."
    yield f"Next: serve with --workspace {out} and the same --data and --categories as before."
