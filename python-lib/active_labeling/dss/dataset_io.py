"""Reading DSS datasets so that what is read, and written back, is exactly what was stored.

Three DSS behaviours make a naive read unsafe (``shared/dss-runtime.md``):

- a ``Dataset`` handle caches its schema at its first read, an empty one too, so a long-lived
  backend that kept a handle never sees a schema written later by a recipe: open a fresh handle
  for each read (:func:`fresh`);
- ``infer_with_pandas=False`` raises on an int, bigint or boolean column with a blank and reads
  ``float`` columns as float32; the default (``True``) turns ``"007"`` into 7;
- pandas's default NA spellings turn a label or comment ``NA``, ``None``, ``null``... into a
  missing value.

So the plugin reads the cells as the text DSS stores (:func:`iter_text`, :func:`read_text`): only
an empty cell is missing. Written back as text, every value is what it was: DSS parses the text
with the column's type, as it did the first time. Where a model needs typed values, DSS's own
predictor casts the columns to its training schema's types (``Predictor.predict``), so text chunks
suit it as well.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Sequence

import dataiku
import pandas as pd

CHUNK_ROWS = 10000
NUMERIC_TYPES = frozenset({"tinyint", "smallint", "int", "bigint", "float", "double"})
# Only an empty cell is missing; "NA", "None", "null"... stay text.
TEXT_CELLS: Dict[str, Any] = {"keep_default_na": False, "na_values": [""]}


def fresh(name: str) -> dataiku.Dataset:
    """A new handle on the dataset ``name``: its first read fetches the current schema."""
    return dataiku.Dataset(name)


def schema_of(name: str) -> List[Dict[str, str]]:
    """The dataset's current schema as ``[{"name", "type"}]`` (empty when it has none yet)."""
    return [{"name": str(c["name"]), "type": str(c.get("type") or "string")}
            for c in fresh(name).read_schema(raise_if_empty=False) or []]


def iter_text(dataset: dataiku.Dataset, columns: Optional[Sequence[str]] = None,
              chunksize: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """The dataset's cells as text, chunk by chunk: empty cells are NaN, nothing else is.

    Parameters
    ----------
    dataset : dataiku.Dataset
        A handle (open it with :func:`fresh` in a long-lived process).
    columns : sequence of str, optional
        The columns to read, in this order (default: all, in schema order).
    chunksize : int

    Yields
    ------
    DataFrame
        Object columns; the index counts rows from 0 over the whole dataset.
    """
    names = list(columns) if columns is not None else [
        str(c["name"]) for c in dataset.read_schema(raise_if_empty=False) or []]
    if not names:
        return
    start = 0
    for chunk in _text_chunks(dataset, names, chunksize):
        chunk.index = pd.RangeIndex(start, start + len(chunk))
        start += len(chunk)
        yield chunk


def _text_chunks(dataset: dataiku.Dataset, names: List[str], chunksize: int) -> Iterator[pd.DataFrame]:
    forced = getattr(dataset, "iter_dataframes_forced_types", None)
    if forced is not None:  # DSS 9 to 14: the read DSS's own scoring recipes use
        yield from forced(names, {name: object for name in names}, False, chunksize=chunksize, **TEXT_CELLS)
        return
    # A dataiku package without it: pandas guesses numbers, but text stays text.
    yield from dataset.iter_dataframes(chunksize=chunksize, columns=names, parse_dates=False,
                                       bool_as_str=True, **TEXT_CELLS)


def read_text(dataset: dataiku.Dataset, columns: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """The whole dataset (or ``columns`` of it) as text; see :func:`iter_text`."""
    names = list(columns) if columns is not None else [
        str(c["name"]) for c in dataset.read_schema(raise_if_empty=False) or []]
    chunks = list(iter_text(dataset, names))
    if not chunks:
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in names})
    return pd.concat(chunks) if len(chunks) > 1 else chunks[0]


def read_with_exact_columns(name: str, exact: Sequence[str]) -> pd.DataFrame:
    """The dataset typed by pandas (for a model), but with the ``exact`` columns as stored text.

    Labels must stay what the annotators chose: a category ``"NA"`` or ``"007"`` is not a
    missing value nor a number.
    """
    frame = fresh(name).get_dataframe()
    wanted = [c for c in exact if c in frame.columns]
    if wanted:
        text = read_text(fresh(name), wanted)
        for column in wanted:
            frame[column] = text[column].to_numpy()
    return frame


def typed_view(frame: pd.DataFrame, schema: Sequence[Dict[str, str]],
               keep_text: Sequence[str] = ()) -> pd.DataFrame:
    """``frame`` (text cells) with its numeric columns, by the schema's types, as float64.

    What a model or a distance reads, and what item ids hash: the same number written ``3`` or
    ``3.0`` (by a connection that formats numbers its own way) is one value. A cell that is not a
    number reads as missing. Other columns, and those in ``keep_text`` (an id column), stay text.
    """
    numeric = [c["name"] for c in schema if c.get("type") in NUMERIC_TYPES
               and c["name"] in frame.columns and c["name"] not in keep_text]
    if not numeric:
        return frame
    view = frame.copy(deep=False)
    for name in numeric:
        view[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    return view
