"""Write a workspace's labels and metadata as CSV or Parquet files.

The labels file has the item's columns (tabular) or ``path`` (folders), then the label column:
one row per item and annotator, their latest label. The metadata file has every decision,
changes and skips included. An existing file with other columns is refused, never replaced.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Tuple, Union

import pandas as pd

from active_labeling.local.tabular import read_table
from active_labeling.local.workspace import Workspace

METADATA_COLUMNS = ["label_id", "item_id", "annotator", "date", "status", "label", "comment", "session"]


class ExportError(Exception):
    """The export can't be written as asked; nothing was written."""


def _label_text(raw):
    # Multi-label lists stay JSON text so that CSV and Parquet hold the same thing.
    if raw is None:
        return None
    value = json.loads(raw)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def frames(workspace: Workspace) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """The labels and the metadata of ``workspace`` as DataFrames."""
    label_column = workspace.setup().get("label_column", "label")
    rows = workspace.db.execute(
        "SELECT item_id, label, item_values FROM labels ORDER BY label_id").fetchall()
    records: List[Dict] = []
    for item_id, label, values in rows:
        record = json.loads(values) if values else {"item_id": item_id}
        if label_column in record:
            raise ExportError(f"the items have a column named '{label_column}', the label column: "
                              "serve with another --label-column")
        record[label_column] = _label_text(label)
        records.append(record)
    labels = pd.DataFrame.from_records(records)
    if labels.empty:
        labels = pd.DataFrame(columns=[label_column])
    metadata = pd.DataFrame(workspace.db.execute(
        f"SELECT {', '.join(METADATA_COLUMNS)} FROM decisions ORDER BY label_id").fetchall(),
        columns=METADATA_COLUMNS)
    metadata["label"] = metadata["label"].map(_label_text)
    return labels, metadata


def _check_schema(path: Path, columns: List[str]) -> None:
    if not path.exists():
        return
    try:
        existing = list(read_table(path).columns) if path.stat().st_size else []
    except Exception as error:
        raise ExportError(f"{path} exists and can't be read ({error}); it was left untouched: "
                          "choose another --out folder") from None
    if existing != columns:
        raise ExportError(f"{path} exists with columns {existing}, not {columns}; it was left untouched: "
                          "choose another --out folder or remove the file")


def export(workspace: Workspace, out: Union[str, Path], fmt: str = "csv") -> Dict[str, Path]:
    """Write ``labels.<fmt>`` and ``metadata.<fmt>`` into ``out``; return their paths."""
    if fmt not in ("csv", "parquet"):
        raise ExportError(f"format should be csv or parquet, got {fmt!r}")
    labels, metadata = frames(workspace)
    out = Path(out)
    targets = {"labels": (out / f"labels.{fmt}", labels), "metadata": (out / f"metadata.{fmt}", metadata)}
    for path, frame in targets.values():  # check both before writing either
        _check_schema(path, [str(c) for c in frame.columns])
    out.mkdir(parents=True, exist_ok=True)
    for path, frame in targets.values():
        temporary = path.with_name(path.name + ".partial")
        if fmt == "csv":
            frame.to_csv(temporary, index=False)
        else:
            frame.to_parquet(temporary, index=False)
        temporary.replace(path)  # readers never see a half-written file
    return {name: path for name, (path, _) in targets.items()}
