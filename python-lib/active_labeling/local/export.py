"""Write a workspace's labels and metadata as CSV or Parquet files.

The labels file has the item id (joins ``metadata.item_id``), the item's columns (tabular) or
``path`` (folders: the file's place inside the data folder, with a leading ``/`` as DSS managed
folders write it), then the label column: one row per item and annotator, their latest label; then the item's
final label and its status (``final_label``, ``final_status``: agreed, majority, reviewed or pending),
the same on every row of the item.
The metadata file has every decision, changes and skips included; in Parquet its ``date`` is a
UTC timestamp, in CSV ISO 8601 text. An existing file with other columns is refused, never replaced.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import pandas as pd

from active_labeling.atomic_files import write_atomically
from active_labeling.kinds import FOLDER_KINDS
from active_labeling.local.finals import read_team
from active_labeling.local.tabular import read_table
from active_labeling.local.workspace import Workspace
from active_labeling.tasks import Task, default_task, task_of
from active_labeling.teams.final import PENDING

METADATA_COLUMNS = ["label_id", "item_id", "annotator", "date", "status", "label", "comment", "session",
                    "suggestion", "agreed"]
ITEM_ID = "item_id"
CLASH_PREFIX = "labeling_"  # as the DSS labels dataset names its own columns when items have them


class ExportError(Exception):
    """The export can't be written as asked; nothing was written."""


def _label_text(raw, task: Task):
    # The task's text, as in DSS: lists (categories, boxes) stay JSON so that CSV and Parquet hold
    # the same thing.
    if raw is None:
        return None
    value = json.loads(raw)
    return value if isinstance(value, str) else task.encode(value)


def item_id_column(item_columns: Sequence[str], label_column: str) -> str:
    """The labels' item id column: ``item_id``, prefixed with ``labeling_`` while an item has that column."""
    taken = set(item_columns) | {label_column}
    name = ITEM_ID
    while name in taken:
        name = CLASH_PREFIX + name
    return name


def _add_finals(labels: pd.DataFrame, workspace: Workspace, task: Task, id_column: str) -> None:
    """The item's final label and its status (agreed, majority, reviewed, pending) on each row.

    Named ``final_label`` and ``final_status``, prefixed with ``labeling_`` while an item has a
    column of that name; derived from the decisions (:mod:`active_labeling.local.finals`).
    """
    finals = read_team(workspace.db).finals()
    taken = set(labels.columns)
    names = []
    for base in ("final_label", "final_status"):
        name = base
        while name in taken:
            name = CLASH_PREFIX + name
        taken.add(name)
        names.append(name)
    found = [finals.get(item_id) for item_id in labels[id_column]]
    labels[names[0]] = [None if f is None or f.label is None else
                        (f.label if isinstance(f.label, str) else task.encode(f.label)) for f in found]
    labels[names[1]] = [PENDING if f is None else f.status for f in found]


def frames(workspace: Workspace) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """The labels and the metadata of ``workspace`` as DataFrames."""
    setup = workspace.setup()
    label_column = setup.get("label_column", "label")
    task = task_of(default_task(setup.get("task"), bool(setup.get("multi_label"))))
    rows = workspace.db.execute(
        "SELECT item_id, label, item_values FROM labels ORDER BY label_id").fetchall()
    records: List[Tuple[str, Dict, Optional[str]]] = []
    for item_id, label, values in rows:
        record = json.loads(values) if values else {}
        if label_column in record:
            raise ExportError(f"the items have a column named '{label_column}', the label column: "
                              "serve with another --label-column")
        records.append((item_id, record, _label_text(label, task)))
    item_columns = list(dict.fromkeys(name for _, record, _ in records for name in record))
    id_column = item_id_column(item_columns, label_column)
    labels = pd.DataFrame.from_records(
        [{id_column: item_id, **record, label_column: label} for item_id, record, label in records],
        columns=[id_column, *item_columns, label_column])
    _add_finals(labels, workspace, task, id_column)
    metadata = pd.DataFrame(workspace.db.execute(
        f"SELECT d.{', '.join(METADATA_COLUMNS)} FROM decisions d LEFT JOIN suggestions s "
        "ON s.label_id = d.label_id ORDER BY d.label_id").fetchall(),
        columns=METADATA_COLUMNS)
    for column in ("label", "suggestion"):
        metadata[column] = metadata[column].map(lambda raw: _label_text(raw, task))
    # The suggestion shown with the item, and whether the label took it (blank: no suggestion).
    metadata["agreed"] = metadata["agreed"].map(lambda v: "" if v is None or v != v else str(bool(v)).lower())
    return labels, metadata


def folder_paths_note(workspace: Workspace) -> Optional[str]:
    """For a folder's workspace: how a ``path`` of the labels leads to the file; None otherwise."""
    setup = workspace.setup()
    if setup.get("kind") not in FOLDER_KINDS or not setup.get("data"):
        return None
    data = Path(setup["data"])
    return (f"path is the file's place inside the data folder {data}, with a leading / as in DSS "
            f"managed folders: /a/b.png is {data / 'a' / 'b.png'}")


def _check_schema(path: Path, columns: List[str]) -> None:
    if not path.exists():
        return
    try:
        existing = list(read_table(path).columns) if path.stat().st_size else []
    except Exception as error:
        raise ExportError(f"{path} exists and can't be read ({error}); it was left untouched: "
                          "choose another --out folder") from None
    if existing != columns:
        finals = len(columns) > 2 and columns[-1].endswith("final_status")
        # Everything but the item id, which comes first (and the final label, which comes last).
        older = existing in (columns[1:], columns[1:-2] if finals else None)
        why = f" (written before exports had the item id column {columns[0]!r})" if older else ""
        if finals and existing == columns[:-2]:
            why = " (written before exports had the final label and its status)"
        raise ExportError(f"{path} exists with columns {existing}, not {columns}{why}; it was left "
                          "untouched: choose another --out folder or remove the file")


def export(workspace: Workspace, out: Union[str, Path], fmt: str = "csv") -> Dict[str, Path]:
    """Write ``labels.<fmt>`` and ``metadata.<fmt>`` into ``out``; return their paths."""
    if fmt not in ("csv", "parquet"):
        raise ExportError(f"format should be csv or parquet, got {fmt!r}")
    labels, metadata = frames(workspace)
    if fmt == "parquet":  # a timestamp column, where CSV keeps the exact ISO text
        metadata["date"] = pd.to_datetime(metadata["date"], utc=True)
    out = Path(out)
    targets = {"labels": (out / f"labels.{fmt}", labels), "metadata": (out / f"metadata.{fmt}", metadata)}
    for path, frame in targets.values():  # check both before writing either
        _check_schema(path, [str(c) for c in frame.columns])
    out.mkdir(parents=True, exist_ok=True)
    for path, frame in targets.values():
        if fmt == "csv":
            write_atomically(path, lambda stream, frame=frame: frame.to_csv(stream, index=False), text=True)
        else:
            write_atomically(path, lambda stream, frame=frame: frame.to_parquet(stream, index=False))
    return {name: path for name, (path, _) in targets.items()}
