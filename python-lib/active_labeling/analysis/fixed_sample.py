"""A fixed sample of a pool read in chunks: the same rows at every retrain, whatever the chunking."""

from __future__ import annotations

from typing import Iterable, Optional

import numpy as np
import pandas as pd

from active_labeling.sampling.tiebreak import position_keys


def fixed_sample(chunks: Iterable[pd.DataFrame], size: int, seed: int) -> pd.DataFrame:
    """The ``size`` rows whose seeded position hash is smallest, in pool order.

    A row's hash depends only on its position and the seed, so an unchanged pool gives the same
    sample every time; memory stays at about two chunks plus the sample.

    Parameters
    ----------
    chunks : iterable of DataFrame
        The pool, in reading order.
    size : int
        Rows to keep.
    seed : int
        Seed of the hash.
    """
    kept: Optional[pd.DataFrame] = None
    kept_keys = np.zeros(0, dtype=np.uint64)
    start = 0
    for chunk in chunks:
        keys = position_keys(np.arange(start, start + len(chunk)), seed)
        chunk = chunk.reset_index(drop=True).assign(_position=np.arange(start, start + len(chunk)))
        start += len(chunk)
        kept = chunk if kept is None else pd.concat([kept, chunk], ignore_index=True)
        kept_keys = np.concatenate([kept_keys, keys])
        if len(kept) > size:
            best = np.argsort(kept_keys, kind="stable")[:size]
            kept, kept_keys = kept.iloc[best].reset_index(drop=True), kept_keys[best]
    if kept is None:
        return pd.DataFrame()
    return kept.sort_values("_position").drop(columns="_position").reset_index(drop=True)
