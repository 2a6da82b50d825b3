"""The Query Sampler's output as the labeling service reads it in DSS."""

from __future__ import annotations

import logging
import os
import time
from typing import Callable, Optional

import dataiku
import numpy as np

from active_labeling.generation import read_generation
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
    """

    def __init__(self, dataset_name: str, cache_seconds: float = 3.0,
                 clock: Callable[[], float] = time.monotonic):
        self._dataset = dataiku.Dataset(dataset_name)
        project_key = getattr(self._dataset, "project_key", None) or os.environ.get("DKU_CURRENT_PROJECT_KEY")
        short = dataset_name.split(".", 1)[1] if "." in dataset_name else dataset_name
        # The Query Sampler counts generations under the dataset's full name.
        self.full_name = f"{project_key}.{short}" if project_key else dataset_name
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
        if not self._dataset.read_schema(raise_if_empty=False):
            return Queries(generation)
        frame = self._dataset.get_dataframe()
        if "rank" in frame.columns:
            frame = frame.sort_values("rank", kind="stable")
        elif "score" in frame.columns:
            frame = frame.sort_values("score", ascending=False, kind="stable")
        ids = pool.ids_for_rows(frame)
        scores = (frame["score"].to_numpy(dtype=float) if "score" in frame.columns
                  else np.full(len(frame), np.nan))
        kept = [(i, float(s)) for i, s in zip(ids, scores.tolist()) if i is not None]
        return Queries(generation, [i for i, _ in kept], [s for _, s in kept])
