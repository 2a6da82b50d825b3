"""Rewriting a DSS dataset from its full content: bounds the files that appends pile up.

On a file-based connection each append session most likely adds a file, and every reader (the
webapp at start, the trigger every few seconds) pays for each one. A compaction reads the
dataset's rows as stored text, keeps those a ``keep`` function chooses, and writes them back in
one overwrite session: one file again, every value as it was.

An overwrite cut off midway (the backend killed) may leave the dataset empty or partial. The
labels dataset is then repaired from the metadata at the next start. The metadata dataset has no
such partner, so its rows are first saved to a journal file on the backend's disk and removed
once the overwrite has closed; the next start appends back whatever the dataset lacks
(:func:`recover_journal`).
"""

from __future__ import annotations

import logging
import os
from typing import Callable, List, Optional

import numpy as np
import pandas as pd

from active_labeling.atomic_files import write_atomically
from active_labeling.dss.dataset_io import fresh, read_text

_log = logging.getLogger(__name__)


def rewrite(name: str, names: List[str], keep: Optional[Callable[[pd.DataFrame], np.ndarray]] = None,
            journal: Optional[str] = None) -> int:
    """Rewrite dataset ``name`` with its rows that ``keep`` selects (all by default).

    Parameters
    ----------
    name : str
        The dataset (the caller holds the lock of every write to it).
    names : list of str
        Its columns, in schema order.
    keep : callable, optional
        ``keep(rows)`` gives a boolean mask of the rows to keep.
    journal : str, optional
        A file where the kept rows are saved before the overwrite starts and removed once it
        closed.

    Returns
    -------
    int
        The number of rows kept.
    """
    rows = read_text(fresh(name), names)
    if keep is not None:
        rows = rows[keep(rows)]
    if journal:
        _save(rows, journal)
    dataset = fresh(name)
    dataset.spec_item["appendMode"] = False
    with dataset.get_writer() as writer:
        writer.write_dataframe(rows[names])
    if journal:
        os.remove(journal)
    return len(rows)


def _save(rows: pd.DataFrame, path: str) -> None:
    # Text cells as they are; an empty cell is written as "" and read back as missing.
    write_atomically(path, lambda stream: rows.to_csv(stream, index=False), text=True)


def recover_journal(path: Optional[str], present_ids: set, id_column: str) -> Optional[pd.DataFrame]:
    """Rows of a journal left by a cut-off compaction that the dataset lacks (None: no journal).

    Parameters
    ----------
    path : str, optional
        The journal file.
    present_ids : set of int
        Values of ``id_column`` the dataset holds now.
    id_column : str
        The column that tells rows apart (``label_id``).
    """
    if not path or not os.path.exists(path):
        return None
    saved = pd.read_csv(path, dtype=object, keep_default_na=False, na_values=[""])
    numbers = pd.to_numeric(saved[id_column], errors="coerce")
    missing = saved[~numbers.isin(present_ids)]
    _log.warning("found the journal of a compaction of the metadata dataset that was cut off: %d of its "
                 "%d rows are missing from the dataset and are appended back", len(missing), len(saved))
    return missing


def forget_journal(path: Optional[str]) -> None:
    """Remove a journal whose rows are all in the dataset again."""
    if path and os.path.exists(path):
        os.remove(path)
