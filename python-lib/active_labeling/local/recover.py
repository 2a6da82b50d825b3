"""Save what is readable of a damaged workspace into a new one (``active-labeling recover``).

SQLite reports a damaged page only when a read reaches it, and then stops that read. Each table is
read in rowid order; when a read stops on damage, the rows behind the damaged pages are stepped
over by probing later rowids (doubling the step, then bisecting back to the first rowid that can
be read again), and reading goes on from there. So one bad page costs the rows on it, not the
rest of the table.

The decisions are the record of the labeling: those read, plus those rebuilt from rows of the
``labels`` table whose decision was lost. The ``labels`` table (each item's latest label per
annotator) is then rebuilt from them, with the item values read from the old one. The damaged
workspace is only read.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from active_labeling.local.integrity import is_damage
from active_labeling.local.workspace import DB_NAME, Workspace, WorkspaceError, read_only, transaction
from active_labeling.storage.base import LABELED, SKIPPED

_FIRST_ROWID, _LAST_ROWID = -(2 ** 63), 2 ** 63 - 1


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


def readable_rows(db: sqlite3.Connection, table: str, columns: List[str]) -> Tuple[List[tuple], bool]:
    """Every row of ``table`` that can be read, in rowid order, and whether some could not."""
    query = f"SELECT rowid, {', '.join(columns)} FROM {table} WHERE rowid >= ? ORDER BY rowid"
    rows: List[tuple] = []
    damaged, start = False, _FIRST_ROWID
    while True:
        try:
            for row in db.execute(query, (start,)):
                rows.append(row[1:])
                start = row[0] + 1
            return rows, damaged
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                if "no such table" in str(error):
                    return rows, True
                raise
            damaged = True
            following = _first_readable(db, query, start)
            if following is None:
                return rows, damaged
            start = following


def _label(text: Any) -> Tuple[bool, Any]:
    if text is None:
        return True, None
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return False, None
    ok = isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
    return ok, value


def _texts(*values: Any) -> bool:
    return all(isinstance(v, str) for v in values)


def _decisions(rows: List[tuple]) -> Dict[int, tuple]:
    kept = {}
    for label_id, item_id, annotator, date, status, label, comment, session in rows:
        if (isinstance(label_id, int) and _texts(item_id, annotator, date, comment, session)
                and status in (LABELED, SKIPPED) and _label(label)[0]):
            kept[label_id] = (label_id, item_id, annotator, date, status, label, comment, session)
    return kept


def _values(text: Any) -> Optional[str]:
    try:
        return text if isinstance(json.loads(text), dict) else None
    except (TypeError, ValueError):
        return None


def _missing(ids: List[int]) -> List[Tuple[int, int]]:
    ranges, expected = [], 1
    for label_id in sorted(ids):
        if label_id > expected:
            ranges.append((expected, label_id - 1))
        expected = max(expected, label_id + 1)
    return ranges


def _read(source: sqlite3.Connection, report: Recovery) -> Tuple[List[tuple], Dict[int, tuple], list, list]:
    tables = {}
    for table, columns in (("meta", ["key", "value"]),
                           ("decisions", ["label_id", "item_id", "annotator", "date", "status", "label",
                                          "comment", "session"]),
                           ("labels", ["item_id", "annotator", "label_id", "date", "label", "item_values"]),
                           ("queries_state", ["source", "signature", "generation", "date"])):
        tables[table], damaged = readable_rows(source, table, columns)
        if damaged:
            report.unreadable.append(table)
    meta = []
    for key, value in tables["meta"]:
        if not _texts(key, value) or key == "schema_version":
            continue
        if key in ("setup", "hotkeys", "team_tokens") and not isinstance(_values(value), str):
            continue  # not a readable JSON object
        meta.append((key, value))
    report.setup_lost = not any(key == "setup" for key, _ in meta)
    queries = [row for row in tables["queries_state"]
               if _texts(row[0], row[1], row[3]) and isinstance(row[2], int)]
    labels = [row for row in tables["labels"] if _texts(*row[:2], row[3]) and isinstance(row[2], int)
              and _label(row[4])[0]]
    return meta, _decisions(tables["decisions"]), labels, queries


def _rebuild(decisions: Dict[int, tuple], labels: list, kind: str, report: Recovery) -> List[tuple]:
    for item_id, annotator, label_id, date, label, _ in labels:
        if label_id not in decisions:  # its decision was on a damaged page: the label row tells it
            decisions[label_id] = (label_id, item_id, annotator, date, LABELED, label, "", "")
            report.rebuilt += 1
    values = {}
    for item_id, _, _, _, _, item_values in labels:
        if _values(item_values) is not None:
            values[item_id] = item_values
    latest: Dict[Tuple[str, str], tuple] = {}
    for label_id in sorted(decisions):
        decision = decisions[label_id]
        latest[(decision[1], decision[2])] = decision
    rebuilt = []
    for (item_id, annotator), decision in latest.items():
        if decision[4] != LABELED:
            continue
        if item_id not in values and kind in ("image", "sound"):  # a file's values are its path
            values[item_id] = json.dumps({"path": item_id})
        if item_id not in values:
            report.values_lost += 1
        rebuilt.append((item_id, annotator, decision[0], decision[3], decision[5], values.get(item_id)))
    return rebuilt


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
        meta, decisions, labels, queries = _read(source, report)
    except sqlite3.DatabaseError as error:
        raise WorkspaceError(f"nothing can be read from {database} ({error}): restore a backup made with "
                             "`active-labeling backup` if there is one") from None
    finally:
        source.close()
    if not decisions and not labels and not meta:
        raise WorkspaceError(f"nothing could be read from {database}: restore a backup made with "
                             "`active-labeling backup` if there is one")
    setup = json.loads(dict(meta).get("setup", "{}"))
    label_rows = _rebuild(decisions, labels, setup.get("kind", ""), report)
    report.decisions, report.labels = len(decisions), len(label_rows)
    report.missing_ids = _missing(list(decisions))
    try:
        _write(out, meta, decisions, label_rows, queries)
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    return report


def _write(out: Path, meta: list, decisions: Dict[int, tuple], labels: List[tuple], queries: list) -> None:
    workspace = Workspace(out)
    try:
        with transaction(workspace.db) as db:
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta)
            db.executemany("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (decisions[k] for k in sorted(decisions)))
            db.executemany("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?)", sorted(labels, key=lambda r: r[2]))
            db.executemany("INSERT OR REPLACE INTO queries_state VALUES (?, ?, ?, ?)", queries)
    finally:
        workspace.close()


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
