"""How dataset rows sit on disk: header-less CSV data files (one per write session) read with the schema.

Reading mimics DSS's ``get_dataframe``: with ``infer_with_pandas=True`` (DSS's default) pandas guesses
the types, so a string column of digits comes back as numbers, exactly as in DSS; with
``infer_with_pandas=False`` the schema types are applied (int -> int32, bigint -> int64, float ->
float32, double -> float64, boolean -> bool, string -> object). Empty cells come back as NaN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List, Optional, Sequence

import numpy as np
import pandas as pd

DSS_TYPES = ("string", "int", "bigint", "float", "double", "boolean", "date",
             "tinyint", "smallint", "array", "object", "map", "geopoint", "geometry")

_PANDAS_OF_DSS = {"tinyint": np.int8, "smallint": np.int16, "int": np.int32, "bigint": np.int64,
                  "float": np.float32, "double": np.float64, "boolean": np.bool_}

# Types a schema-typed read (infer_with_pandas=False) returns as Python objects (text).
OBJECT_TYPES = tuple(t for t in DSS_TYPES if t not in _PANDAS_OF_DSS)

_DSS_OF_PANDAS = {"int64": "bigint", "int32": "int", "int16": "smallint", "int8": "tinyint",
                  "float64": "double", "float32": "float", "bool": "boolean", "boolean": "boolean",
                  "Int64": "bigint", "Int32": "int"}


def schema_from_dataframe(df: pd.DataFrame) -> List[dict]:
    """DSS's ``get_schema_from_df``: one column per DataFrame column, unknown dtypes as string."""
    if len(set(df.columns)) != len(df.columns):
        raise Exception("DSS doesn't support dataframes containing multiple columns with the same name.")
    schema = []
    for name in df.columns:
        dtype = str(df[name].dtype)
        dss_type = "date" if dtype.startswith("datetime64") else _DSS_OF_PANDAS.get(dtype, "string")
        schema.append({"name": str(name), "type": dss_type})
    return schema


def _iso_dates(values: pd.Series) -> pd.Series:
    dates = pd.to_datetime(values, utc=True)
    text = dates.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z"
    return text.where(dates.notna(), "")


def _bool_text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, str):  # text written to a boolean column: "false" must stay false
        lowered = value.strip().lower()
        return lowered if lowered in ("true", "false") else value
    return "true" if bool(value) else "false"


def encode_frame(df: pd.DataFrame, schema: Sequence[dict]) -> pd.DataFrame:
    """The frame as DSS would store it: booleans as true/false, dates as ISO-8601 UTC, ints without '.0'."""
    out = df.copy()
    for col in schema:
        name, dss_type = col["name"], col["type"]
        values = out[name]
        if dss_type == "boolean":
            out[name] = values.map(_bool_text)
        elif dss_type == "date":
            out[name] = _iso_dates(values)
        elif dss_type in ("int", "bigint", "tinyint", "smallint") and values.dtype.kind == "f":
            finite = values.dropna()
            if (finite == np.floor(finite)).all():
                out[name] = values.astype("Int64")
    return out


def encode_row(row: dict, schema: Sequence[dict]) -> list:
    """One row dict as CSV cells in schema order; missing keys are empty cells."""
    cells = []
    for col in schema:
        value = row.get(col["name"])
        if value is None or (isinstance(value, float) and np.isnan(value)):
            cells.append("")
        elif col["type"] == "boolean":
            cells.append(_bool_text(value))
        elif col["type"] == "date":
            cells.append(_iso_dates(pd.Series([value])).iloc[0])
        else:
            cells.append(value)
    return cells


def check_columns(schema: Sequence[dict], columns: Optional[Sequence[str]]) -> None:
    """Refuse requested columns that the schema does not have."""
    names = [c["name"] for c in schema]
    if columns is not None:
        unknown = [c for c in columns if c not in names]
        if unknown:
            raise Exception(f"Column(s) {unknown} not in the dataset schema {names}")


class ReadOptions:
    """How DSS's client parses a read (``get_dataframe_schema_st`` then ``pandas.read_table``).

    ``dtypes`` is None (pandas guesses) or a dict of column -> dtype; NA spellings, float
    precision and date parsing are pandas's options, passed as DSS passes them.
    """

    def __init__(self, schema: Sequence[dict], columns=None, infer_with_pandas: bool = True,
                 parse_dates: bool = True, bool_as_str: bool = False, float_precision=None,
                 na_values=None, keep_default_na: bool = True, dtypes=None):
        check_columns(schema, columns)
        self.schema = list(schema)
        self.columns = list(columns) if columns is not None else None
        if dtypes is not None:  # iter_dataframes_forced_types: the caller's dtypes
            self.dtypes = dtypes
        elif infer_with_pandas:
            self.dtypes = ({c["name"]: str for c in schema if c["type"] == "boolean"}
                           if bool_as_str else None)
        else:
            self.dtypes = {c["name"]: (str if bool_as_str and c["type"] == "boolean"
                                       else _PANDAS_OF_DSS.get(c["type"], object)) for c in schema}
        self.parse_dates = parse_dates
        self.float_precision = float_precision
        self.na_values = na_values
        self.keep_default_na = keep_default_na

    def pandas(self) -> dict:
        names = [c["name"] for c in self.schema]
        dtypes = self.dtypes
        if dtypes is not None and self.columns is not None:
            dtypes = {k: v for k, v in dtypes.items() if k in self.columns}
        return {"header": None, "names": names, "usecols": self.columns, "dtype": dtypes,
                "float_precision": self.float_precision, "na_values": self.na_values,
                "keep_default_na": self.keep_default_na}

    @property
    def default_na(self) -> bool:
        """Whether missing cells are pandas's default spellings (what the columnar reader knows)."""
        return self.keep_default_na and self.na_values is None and self.float_precision is None


def date_columns_to_parse(schema: Sequence[dict], columns, parse_dates) -> List[str]:
    """The date columns DSS's client asks pandas to parse.

    DSS passes pandas the *positions* of the date columns in the whole schema while the stream
    holds only the requested columns: with ``columns`` and ``parse_dates=True``, another column
    (or none) would be parsed. Stricter than DSS: that case raises instead.
    """
    if parse_dates is not True:
        return []
    dates = [c["name"] for c in schema if c["type"] == "date" and (columns is None or c["name"] in columns)]
    if columns is not None and dates:
        positions = [i for i, c in enumerate(schema) if c["name"] in dates]
        if [list(columns)[i] if i < len(columns) else None for i in positions] != dates:
            raise Exception("DSS stand-in: get_dataframe/iter_dataframes(columns=..., parse_dates=True) "
                            "makes DSS parse the columns at the date columns' positions in the whole "
                            f"schema, not {dates}: pass parse_dates=False and parse them yourself")
    return dates


def finish(df: pd.DataFrame, schema: Sequence[dict], columns, parse_dates: bool) -> pd.DataFrame:
    """The requested columns in the requested order, dates parsed when asked."""
    if columns is not None and list(df.columns) != list(columns):
        df = df[list(columns)]
    for name in date_columns_to_parse(schema, columns, parse_dates):
        df[name] = pd.to_datetime(df[name], utc=True)
    return df


def empty_frame(options: ReadOptions) -> pd.DataFrame:
    wanted = [c for c in options.schema if options.columns is None or c["name"] in options.columns]
    data = {}
    for c in wanted:
        dtype = (options.dtypes or {}).get(c["name"], object)
        data[c["name"]] = pd.Series([], dtype=dtype)
    return finish(pd.DataFrame(data), options.schema, options.columns, options.parse_dates)


def iter_chunks(files: Sequence[Path], options: ReadOptions, chunksize: int) -> Iterator[pd.DataFrame]:
    """Stream the data files, at most ``chunksize`` rows in memory at once, in chunks of exactly
    ``chunksize`` rows (the last one may be shorter), indexed by row number in the dataset."""
    if chunksize < 1:
        raise ValueError("chunksize must be >= 1")
    schema, columns, parse_dates = options.schema, options.columns, options.parse_dates
    date_columns_to_parse(schema, columns, parse_dates)  # refuse before reading
    read = options.pandas()
    pending: List[pd.DataFrame] = []
    pending_rows = 0
    start = 0

    def emit(parts: List[pd.DataFrame]) -> pd.DataFrame:
        nonlocal start
        df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
        df.index = pd.RangeIndex(start, start + len(df))
        start += len(df)
        return finish(df, schema, columns, parse_dates)

    for path in files:
        if path.stat().st_size == 0:
            continue
        with pd.read_csv(path, chunksize=chunksize, **read) as reader:
            for piece in reader:
                pending.append(piece)
                pending_rows += len(piece)
                while pending_rows >= chunksize:
                    merged = pd.concat(pending, ignore_index=True)
                    yield emit([merged.iloc[:chunksize]])
                    rest = merged.iloc[chunksize:]
                    pending, pending_rows = ([rest], len(rest)) if len(rest) else ([], 0)
    if pending_rows:
        yield emit(pending)
