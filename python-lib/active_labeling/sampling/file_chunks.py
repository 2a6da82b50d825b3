"""Local pools read in chunks: a CSV or Parquet file, or the paths of a folder's files."""

from __future__ import annotations

import os
from typing import Iterator, List

import pandas as pd

from active_labeling.sampling.errors import SamplerError

TABLE_EXTENSIONS = (".csv", ".parquet", ".pq")


def table_chunks(path: str, chunk_size: int) -> Iterator[pd.DataFrame]:
    """The rows of a CSV or Parquet file, ``chunk_size`` at a time, without loading the whole file.

    Raises
    ------
    SamplerError
        The file is missing, neither CSV nor Parquet, or cannot be parsed.
    """
    extension = os.path.splitext(path)[1].lower()
    if extension not in TABLE_EXTENSIONS:
        raise SamplerError(f"{path}: expected a .csv or .parquet file, or a folder of images or sounds")
    if not os.path.isfile(path):
        raise SamplerError(f"{path}: no such file")
    try:
        yield from _csv_chunks(path, chunk_size) if extension == ".csv" else _parquet_chunks(path, chunk_size)
    except (ValueError, UnicodeDecodeError, OSError) as error:  # parser errors of pandas and pyarrow
        if isinstance(error, SamplerError):
            raise
        raise SamplerError(f"{path} cannot be read as {extension[1:].upper()}: {error}") from None


def _csv_chunks(path: str, chunk_size: int) -> Iterator[pd.DataFrame]:
    try:
        reader = pd.read_csv(path, chunksize=chunk_size)
    except pd.errors.EmptyDataError:
        return  # an empty file is an empty pool, which the sampler reports
    with reader:
        yield from reader


def _parquet_chunks(path: str, chunk_size: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    try:
        # Pre-buffering (the default of recent pyarrow) would read the whole file into memory.
        parquet = pq.ParquetFile(path, pre_buffer=False)
    except TypeError:  # pyarrow without the option never pre-buffers
        parquet = pq.ParquetFile(path)
    for batch in parquet.iter_batches(batch_size=chunk_size):
        yield batch.to_pandas()


def folder_paths(root: str) -> List[str]:
    """Every non-hidden file under ``root``, as folder paths with a leading "/" (like DSS folders)."""
    found = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        relative = os.path.relpath(directory, root)
        for name in files:
            if not name.startswith("."):
                inner = name if relative == "." else os.path.join(relative, name)
                found.append("/" + inner.replace(os.sep, "/"))
    return found
