"""``dataiku.Dataset`` and its writer, backed by ``<root>/projects/<KEY>/datasets/<name>/``.

On disk: ``schema.json``, ``metadata.json`` and ``data/part-NNNNN.csv``, one data file per write
session. An OVERWRITE session replaces every data file by its own; an APPEND session adds one file,
which is how tests tell an append from a rewrite. ``get_dataframe`` reads only the requested
columns when it can (``_columnar``), as DSS's storage does for a column-restricted read.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pandas as pd

from . import _columnar, _tables
from ._base import check_declared, read_json, split_name, standin_root, write_json


class Dataset:
    """A dataset of the project (``name`` is ``"KEY.name"`` or ``"name"`` in the current project)."""

    def __init__(self, name: str, project_key: Optional[str] = None, ignore_flow: bool = False):
        self.project_key, self.short_name = split_name(name, project_key)
        self.name = f"{self.project_key}.{self.short_name}"
        self.full_name = self.name
        self.ignore_flow = ignore_flow
        entry, direction = check_declared("Dataset", self.name, ignore_flow)
        # In a recipe: the flow's entry (with the appendMode the user chose); elsewhere a plain dict.
        self.spec_item = entry if entry is not None else {"appendMode": False}
        self.writable = direction != "in"
        self.readable = True
        self.writePartition = None
        self._in_flow = entry is not None
        # DSS caches the schema on the handle at its first read (an empty one too); only
        # write_schema on this same handle forgets it (python/dataiku/core/dataset.py, self.cols).
        self.cols: Optional[List[dict]] = None

    # -- storage ---------------------------------------------------------------------------
    @property
    def _dir(self) -> Path:
        return standin_root() / "projects" / self.project_key / "datasets" / self.short_name

    def _require_exists(self) -> None:
        if not (self._dir / "schema.json").exists():
            raise Exception(f"Dataset {self.name} does not exist")

    def _data_files(self) -> List[Path]:
        return sorted((self._dir / "data").glob("part-*.csv"), key=lambda p: int(p.stem.split("-")[1]))

    # -- schema and metadata ---------------------------------------------------------------
    def read_schema(self, raise_if_empty: bool = True) -> List[dict]:
        if self.cols is None:
            self._require_exists()
            self.cols = read_json(self._dir / "schema.json", {"columns": []})["columns"]
        columns = self.cols
        if raise_if_empty and not columns:
            raise Exception(f"No column in schema of {self.name}. "
                            "Have you set up the schema for this dataset?")
        return [dict(c) for c in columns]

    def write_schema(self, columns: List[dict]) -> None:
        self._require_exists()
        if not self.writable:
            raise Exception(f"You cannot write the schema for the dataset {self.name}, "
                            "as it is not declared as an output")
        clean = []
        for column in columns:
            if not isinstance(column.get("name"), str) or not isinstance(column.get("type"), str):
                raise Exception(f"Columns {column} has no string attributes name and type")
            if column["type"] not in _tables.DSS_TYPES:
                raise Exception("Column {}: unknown DSS type {!r}".format(column["name"], column["type"]))
            clean.append({"name": column["name"], "type": column["type"]})
        write_json(self._dir / "schema.json", {"columns": clean})
        self.cols = None

    def write_schema_from_dataframe(self, df: pd.DataFrame) -> None:
        self.write_schema(_tables.schema_from_dataframe(df))

    def read_metadata(self) -> dict:
        self._require_exists()
        return read_json(self._dir / "metadata.json", {"checklists": {"checklists": []}, "custom": {"kv": {}},
                                                        "tags": []})

    def write_metadata(self, meta: dict) -> None:
        self._require_exists()
        for key in ("checklists", "custom", "tags"):
            if key not in meta:
                raise Exception(f"Metadata must have the key {key!r}")
        write_json(self._dir / "metadata.json", meta)

    def set_write_partition(self, spec: str) -> None:
        if self._in_flow:
            raise Exception("You cannot explicitly set partitions when running within Dataiku Flow")
        self.writePartition = spec

    # -- reading ---------------------------------------------------------------------------
    # Parsing follows DSS's client: names and dtypes from the (cached) schema, pandas's NA
    # spellings, float precision and date options as given (python/dataiku/core/dataset.py).
    def iter_dataframes(self, chunksize: int = 10000, infer_with_pandas: bool = True, sampling: str = "head",
                        sampling_column=None, parse_dates: bool = True, limit: Optional[int] = None,
                        ratio=None, columns: Optional[List[str]] = None, bool_as_str: bool = False,
                        float_precision=None, na_values=None,
                        keep_default_na: bool = True) -> Iterator[pd.DataFrame]:
        options = _tables.ReadOptions(self.read_schema(), columns, infer_with_pandas, parse_dates,
                                      bool_as_str, float_precision, na_values, keep_default_na)
        return self._iter(options, chunksize, sampling, limit)

    def iter_dataframes_forced_types(self, names: List[str], dtypes, parse_date_columns,
                                     chunksize: int = 10000, sampling: str = "head", sampling_column=None,
                                     limit: Optional[int] = None, ratio=None, float_precision=None,
                                     na_values=None, keep_default_na: bool = True) -> Iterator[pd.DataFrame]:
        """DSS's scoring recipes' read: the columns ``names`` parsed with the caller's ``dtypes``."""
        schema = self.read_schema()
        dates = False
        if parse_date_columns:
            # DSS hands pandas these as it got them; the stand-in accepts names only.
            if not all(isinstance(c, str) for c in parse_date_columns):
                raise Exception("DSS stand-in: give parse_date_columns as column names")
            dates = list(parse_date_columns)
        options = _tables.ReadOptions(schema, names, True, False, False, float_precision, na_values,
                                      keep_default_na, dtypes=dict(dtypes or {}))
        for chunk in self._iter(options, chunksize, sampling, limit):
            for name in dates or []:
                chunk[name] = pd.to_datetime(chunk[name])
            yield chunk

    def _iter(self, options: _tables.ReadOptions, chunksize: int, sampling: str,
              limit: Optional[int]) -> Iterator[pd.DataFrame]:
        if sampling != "head":
            raise NotImplementedError("The DSS stand-in only implements sampling='head'")
        seen = 0
        for chunk in _tables.iter_chunks(self._data_files(), options, chunksize):
            if limit is not None and seen + len(chunk) >= limit:
                yield chunk.iloc[: limit - seen]
                return
            seen += len(chunk)
            yield chunk

    def get_dataframe(self, columns: Optional[List[str]] = None, sampling: str = "head", sampling_column=None,
                      limit: Optional[int] = None, ratio=None, infer_with_pandas: bool = True,
                      parse_dates: bool = True, bool_as_str: bool = False, float_precision=None,
                      na_values=None, keep_default_na: bool = True) -> pd.DataFrame:
        options = _tables.ReadOptions(self.read_schema(), columns, infer_with_pandas, parse_dates,
                                      bool_as_str, float_precision, na_values, keep_default_na)
        if sampling == "head" and options.default_na and _columnar.can_read(
                options.schema, columns, infer_with_pandas, _tables.OBJECT_TYPES):
            frame = _columnar.read_text_columns(self._data_files(), options.schema, columns, limit)
            if frame is not None:
                return _tables.finish(frame, options.schema, columns, parse_dates)
        chunks = list(self._iter(options, 10000, sampling, limit))
        if not chunks:
            return _tables.empty_frame(options)
        return pd.concat(chunks) if len(chunks) > 1 else chunks[0]

    # -- writing ---------------------------------------------------------------------------
    def get_writer(self) -> DatasetWriter:
        return DatasetWriter(self)

    def write_with_schema(self, df: pd.DataFrame, **_ignored) -> None:
        """Set the schema from the dtypes, then write ``df`` through a writer (which, like DSS's, appends
        instead of replacing when ``spec_item["appendMode"]`` is true)."""
        if not hasattr(df, "to_csv"):
            raise ValueError("Method write_with_schema expects a dataframe as argument.")
        self.write_schema_from_dataframe(df)
        with self.get_writer() as writer:
            writer.write_dataframe(df)

    def write_dataframe(self, df: pd.DataFrame, infer_schema: bool = False, **_ignored) -> None:
        if infer_schema:
            self.write_schema_from_dataframe(df)
        with self.get_writer() as writer:
            writer.write_dataframe(df)


class DatasetWriter:
    """One write session; rows become visible when it closes, in one new data file."""

    active_writers: Dict[str, DatasetWriter] = {}

    def __init__(self, dataset: Dataset):
        if DatasetWriter.active_writers.get(dataset.full_name):
            raise Exception("Unable to instanciate a new dataset writer. There is already another active "
                            f"writer for this dataset ({dataset.full_name}).")
        if not dataset.writable:
            raise Exception(f"Dataset {dataset.full_name} is an input of the recipe: it cannot be written")
        dataset._require_exists()
        self.dataset = dataset
        self.write_mode = "APPEND" if dataset.spec_item.get("appendMode") else "OVERWRITE"
        self._schema: Optional[List[dict]] = None
        self._tmp: Optional[Path] = None
        self._file = None
        self._csv = None
        self._rows = 0
        self._closed = False
        DatasetWriter.active_writers[dataset.full_name] = self

    def _start_once(self) -> None:
        if self._closed:
            raise Exception(f"This writer of {self.dataset.full_name} is closed")
        if self._file is None:
            # The storage follows the dataset's current schema, whatever this handle cached.
            self._schema = read_json(self.dataset._dir / "schema.json", {"columns": []})["columns"]
            if not self._schema:
                raise Exception(f"No column in schema of {self.dataset.full_name}. "
                                "Have you set up the schema for this dataset?")
            data_dir = self.dataset._dir / "data"
            data_dir.mkdir(parents=True, exist_ok=True)
            self._tmp = data_dir / f".session-{os.getpid()}-{id(self)}.tmp"
            self._file = open(self._tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
            self._csv = csv.writer(self._file, lineterminator="\n")

    def write_dataframe(self, df: pd.DataFrame) -> None:
        self._start_once()
        names = [c["name"] for c in self._schema]
        if [str(c) for c in df.columns] != names:
            # Stricter than DSS, which streams the values by position: a mismatch is a bug either way.
            raise Exception(f"Cannot write {self.dataset.full_name}: the DataFrame's columns "
                            f"{list(df.columns)} differ from the schema's {names} "
                            "(names and order must match)")
        _tables.encode_frame(df, self._schema).to_csv(self._file, header=False, index=False, na_rep="")
        self._rows += len(df)

    def write_row_dict(self, row_dict: dict) -> None:
        self._start_once()
        names = [c["name"] for c in self._schema]
        unknown = [k for k in row_dict if k not in names]
        if unknown:
            raise Exception(f"Cannot write {self.dataset.full_name}: keys {unknown} "
                            f"are not in the schema {names}")
        self._csv.writerow(_tables.encode_row(row_dict, self._schema))
        self._rows += 1

    def write_tuple(self, row) -> None:
        self._start_once()
        self.write_row_dict(dict(zip([c["name"] for c in self._schema], row)))

    def close(self) -> None:
        if self._closed:
            return
        if DatasetWriter.active_writers.get(self.dataset.full_name) is self:
            del DatasetWriter.active_writers[self.dataset.full_name]
        self._start_once()
        self._closed = True
        self._file.close()
        self._commit()

    def _commit(self) -> None:
        # Every committed session is counted (one line each), as a file-based connection's files are.
        with open(self.dataset._dir / "sessions.log", "a", encoding="utf-8") as log:
            log.write(f"{self.write_mode}\n")
        existing = self.dataset._data_files()
        if self.write_mode == "APPEND" and self._rows == 0:
            self._tmp.unlink()
            return
        number = int(existing[-1].stem.split("-")[1]) if existing else 0
        while True:  # link, never replace: a concurrent session (another process) must not lose its file
            number += 1
            try:
                os.link(self._tmp, self._tmp.with_name(f"part-{number:05d}.csv"))
                break
            except FileExistsError:
                continue
        self._tmp.unlink()
        if self.write_mode == "OVERWRITE":
            for old in existing:
                old.unlink(missing_ok=True)

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
