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
        The file is neither CSV nor Parquet.
    """
    extension = os.path.splitext(path)[1].lower()
    if extension == ".csv":
        try:
            reader = pd.read_csv(path, chunksize=chunk_size)
        except pd.errors.EmptyDataError:
            return  # an empty file is an empty pool, which the sampler reports
        with reader:
            yield from reader
    elif extension in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            # Pre-buffering (the default of recent pyarrow) would read the whole file into memory.
            parquet = pq.ParquetFile(path, pre_buffer=False)
        except TypeError:  # pyarrow without the option never pre-buffers
            parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=chunk_size):
            yield batch.to_pandas()
    else:
        raise SamplerError(f"{path}: expected a .csv or .parquet file, or a folder of images or sounds")


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
