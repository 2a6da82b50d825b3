"""Reading only the requested text columns of the data files, as a columnar store would.

DSS serves ``get_dataframe(columns=[...])`` from its storage: a SQL table or a columnar file reads
the requested columns only. The stand-in keeps header-less CSV files, so this reader uses pyarrow's
multi-threaded CSV reader, which tokenizes each file once and materializes only the requested
columns. It answers exactly what pandas would (the same strings, NaN for the same missing
spellings) and only where that is certain: schema-typed reads (``infer_with_pandas=False``) of
columns that come back as objects. Anything else, or a file it cannot parse the way pandas would
(rows written before a schema change), is left to the pandas reader (``None``).
"""

from __future__ import annotations

import mmap
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

try:
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pa_csv
except ImportError:  # pragma: no cover - pyarrow is a dependency of the project
    pa = None

try:
    from pandas._libs.parsers import STR_NA_VALUES  # the cells pandas reads as missing by default
except ImportError:  # pragma: no cover - moved in a later pandas
    STR_NA_VALUES = {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
                     "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}

# Share of distinct values in a column's first rows below which its strings are shared, as
# pandas's parser does: a status column then costs one string, a date column is not hashed.
_SAMPLE = 1000
_SHARE_BELOW = 0.5


def can_read(schema: Sequence[dict], columns: Optional[Sequence[str]], infer_with_pandas: bool,
             object_types: Sequence[str]) -> bool:
    """Whether :func:`read_text_columns` may answer this read.

    ``object_types`` are the DSS types a schema-typed read returns as objects.
    """
    if pa is None or infer_with_pandas:
        return False
    wanted = [c["name"] for c in schema] if columns is None else list(columns)
    if not wanted or len(set(wanted)) != len(wanted):  # pyarrow reads every column for []
        return False
    types = {c["name"]: c["type"] for c in schema}
    return all(types.get(name) in object_types for name in wanted)


def read_text_columns(files: Sequence[Path], schema: Sequence[dict], columns: Optional[Sequence[str]],
                      limit: Optional[int]) -> Optional[pd.DataFrame]:
    """The requested columns of every data file, as object columns, or None to let pandas read.

    The frame is indexed by row number; missing cells are NaN, as pandas gives them.
    """
    names = [c["name"] for c in schema]
    wanted = names if columns is None else list(columns)
    options = {"read_options": pa_csv.ReadOptions(column_names=names),
               "convert_options": pa_csv.ConvertOptions(
                   include_columns=wanted, column_types={name: pa.string() for name in wanted},
                   null_values=sorted(STR_NA_VALUES), strings_can_be_null=True)}
    tables: List[pa.Table] = []
    rows = 0
    for path in files:
        if limit is not None and rows >= limit:
            break
        if path.stat().st_size == 0:
            continue
        try:
            # A quoted value (a comment) may span lines; splitting rows is slower then.
            parse = pa_csv.ParseOptions(newlines_in_values=_has_quotes(path))
            table = pa_csv.read_csv(path, parse_options=parse, **options)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None  # e.g. shorter rows written before columns were added: pandas pads them
        tables.append(table)
        rows += table.num_rows
    if not tables:
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in wanted})
    table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
    if limit is not None:
        table = table.slice(0, limit)
    data: Dict[str, np.ndarray] = {name: _objects(table.column(name)) for name in wanted}
    # copy=False: one block per column, no copy of a million pointers into a consolidated block.
    return pd.DataFrame(data, index=pd.RangeIndex(table.num_rows), columns=wanted, copy=False)


def _has_quotes(path: Path) -> bool:
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as view:
        return view.find(b'"') >= 0


def _objects(column: pa.ChunkedArray) -> np.ndarray:
    head = column.slice(0, _SAMPLE)
    share = len(head) > 0 and pc.count_distinct(head).as_py() < _SHARE_BELOW * len(head)
    values = np.asarray(column.to_pandas(deduplicate_objects=bool(share)), dtype=object)
    if column.null_count:
        if not values.flags.writeable:
            values = values.copy()
        values[np.asarray(column.is_null())] = np.nan
    return values
