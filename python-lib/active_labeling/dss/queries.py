"""The Query Sampler's output as the labeling service reads it in DSS."""

from __future__ import annotations

import logging
import time
from typing import Callable, Optional

import dataiku
import numpy as np
import pandas as pd

from active_labeling.dss.dataset_io import fresh, read_text
from active_labeling.generation import read_generation
from active_labeling.sampling.suggestions import query_reasons
from active_labeling.storage.base import Pool, Queries

_log = logging.getLogger(__name__)


class DssQueriesSource:
    """Queries from a DSS dataset; its generation from the project's local variables.

    Parameters
    ----------
    dataset_name : str
        The queries dataset (short or full name).
    cache_seconds : float
        ``generation()`` asks DSS at most this often: the service calls it on every batch.
    prelabel_column : str, optional
        The column of pre-annotations (a detector's boxes, the boxes task's ``prediction``), read
        when the dataset has it.
    """

    def __init__(self, dataset_name: str, cache_seconds: float = 3.0,
                 clock: Callable[[], float] = time.monotonic, prelabel_column: Optional[str] = None):
        self.dataset_name = dataset_name
        self.prelabel_column = prelabel_column
        # The Query Sampler counts generations under the dataset's full name.
        self.full_name = fresh(dataset_name).full_name
        self.cache_seconds = cache_seconds
        self._clock = clock
        self._cached: Optional[int] = None
        self._read_at = 0.0
        self._loaded = False

    def generation(self, fresh: bool = False) -> int:
        """The current generation (0 when the Query Sampler never ran), cached a few seconds."""
        now = self._clock()
        if fresh or self._cached is None or now - self._read_at >= self.cache_seconds:
            self._cached = read_generation(dataiku.Project().get_variables(), self.full_name)
            self._read_at = now
        return self._cached

    def load(self, pool: Pool) -> Queries:
        """The queries mapped to the pool's items, most useful first (by rank, else score).

        The generation is read before the rows: the Query Sampler writes rows, then bumps the
        counter, so rows are never older than the generation reported with them.

        Queries that don't fit the pool stop the backend at start (the message says why); later,
        while annotators are at work, they are logged and the random order is served instead.
        """
        generation = self.generation(fresh=True)
        try:
            queries = self._read(generation, pool)
        except Exception:
            if not self._loaded:
                raise
            _log.exception("the queries of generation %d can't be used; serving in random order", generation)
            queries = Queries(generation)
        self._loaded = True
        return queries

    def _read(self, generation: int, pool: Pool) -> Queries:
        # A fresh handle: one kept since the start would still hold the schema it saw then, empty
        # before the first Query Sampler run, and never see the queries.
        dataset = fresh(self.dataset_name)
        if not dataset.read_schema(raise_if_empty=False):
            return Queries(generation)
        frame = read_text(dataset)  # the item columns exactly as the Query Sampler copied them
        score = (pd.to_numeric(frame["score"], errors="coerce") if "score" in frame.columns
                 else pd.Series(np.nan, index=frame.index))
        if "rank" in frame.columns:
            frame = frame.iloc[np.argsort(pd.to_numeric(frame["rank"], errors="coerce").to_numpy(),
                                          kind="stable")]
        elif "score" in frame.columns:
            frame = frame.iloc[np.argsort(-score.to_numpy(), kind="stable")]
        ids = pool.ids_for_rows(frame)
        scores = score.loc[frame.index].to_numpy(dtype=float)
        kept = [(i, float(s)) for i, s in zip(ids, scores.tolist()) if i is not None]
        prelabels = {}
        if self.prelabel_column and self.prelabel_column in frame.columns:
            prelabels = {i: v for i, v in zip(ids, frame[self.prelabel_column].tolist())
                         if i is not None and isinstance(v, str) and v}
        return Queries(generation, [i for i, _ in kept], [s for _, s in kept], prelabels,
                       query_reasons(frame, ids))
