"""Local pools read in chunks: a CSV or Parquet file, or the paths of a folder's files."""

from __future__ import annotations

import os
from typing import Iterator, List, Optional

import pandas as pd

from active_labeling.sampling.errors import SamplerError
from active_labeling.table_files import TABLE_SUFFIXES, CsvFormat, TableFileError, read_chunks


def table_chunks(path: str, chunk_size: int, csv: Optional[CsvFormat] = None) -> Iterator[pd.DataFrame]:
    """The rows of a CSV or Parquet file, ``chunk_size`` at a time, without loading the whole file.

    ``csv``: the separator and quote character the user gave (``active_labeling.table_files``).

    Raises
    ------
    SamplerError
        The file is missing, neither CSV nor Parquet, or cannot be parsed.
    """
    extension = os.path.splitext(path)[1].lower()
    if extension not in TABLE_SUFFIXES:
        raise SamplerError(f"{path}: expected a .csv or .parquet file, or a folder of images or sounds")
    if not os.path.isfile(path):
        raise SamplerError(f"{path}: no such file")
    try:
        yield from read_chunks(path, chunk_size, csv)
    except TableFileError as error:
        raise SamplerError(str(error)) from None


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
