"""A detector's predictions dataset as the queries of a labeling webapp (the boxes task).

The dataset holds one row per image: its path in the folder and the detector's boxes, as DSS's
scoring recipe writes them for an object detection model (a ``prediction`` column of JSON boxes
with their confidences) on a dataset listing the folder. Its boxes become the pre-boxes the page
draws, and its images are served most uncertain first (the task's uncertainty).

DSS tells no generation for such a dataset: it is read again in the background every
``recheck_seconds``, and a content that changed makes a new generation (the page's order follows).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Optional

import numpy as np
import pandas as pd

from active_labeling.dss.dataset_io import fresh, read_text
from active_labeling.dss.pools import PoolError
from active_labeling.storage.background_read import BackgroundRead
from active_labeling.storage.base import Pool, Queries

RECHECK_SECONDS = 60.0
_log = logging.getLogger(__name__)


class DssPredictionsSource:
    """Queries (order and pre-annotations) from a predictions dataset.

    Parameters
    ----------
    dataset_name : str
    path_column, prediction_column : str
        The image's path (as the folder lists it, with or without the leading "/") and its boxes.
    rank_by : callable
        ``rank_by(cell)`` scores an image (higher first); a cell it can't read (``ValueError``)
        leaves the image out of the order (it is served later, in the random order).
    recheck_seconds : float, optional
    """

    def __init__(self, dataset_name: str, path_column: str, prediction_column: str,
                 rank_by: Callable[[Any], float], recheck_seconds: Optional[float] = None,
                 clock: Callable[[], float] = time.monotonic):
        self.name = dataset_name
        self.path_column = path_column
        self.prediction_column = prediction_column
        self.rank_by = rank_by
        self._frame = self._read()  # at start: a wrong setting stops the backend with its message
        self._generation = 1
        every = RECHECK_SECONDS if recheck_seconds is None else recheck_seconds
        self._reread = BackgroundRead(self._read, every, clock, f"read {dataset_name}")

    def _read(self) -> pd.DataFrame:
        dataset = fresh(self.name)  # a kept handle would keep the schema it saw first
        names = [str(c["name"]) for c in dataset.read_schema(raise_if_empty=False) or []]
        if not names:
            return pd.DataFrame({"path": [], "prediction": []})  # not built yet: no order, no boxes
        missing = [c for c in (self.path_column, self.prediction_column) if c not in names]
        if missing:
            raise PoolError(f"the 'Predictions dataset' {self.name} has no column {', '.join(missing)} "
                            f"(columns: {', '.join(names)}): set 'Path column' and 'Boxes column' to "
                            "its columns of image paths and of boxes.")
        frame = read_text(dataset, [self.path_column, self.prediction_column])
        return pd.DataFrame({"path": frame[self.path_column].tolist(),
                             "prediction": frame[self.prediction_column].tolist()})

    def generation(self) -> int:
        """1 at start, one more each time a background read finds other content."""
        try:
            frame = self._reread.poll()
        except Exception:
            _log.warning("could not read the predictions dataset %s again; keeping what was read",
                         self.name, exc_info=True)
            frame = None
        if frame is not None and not frame.equals(self._frame):
            self._frame = frame
            self._generation += 1
        return self._generation

    def load(self, pool: Pool) -> Queries:
        """The images most uncertain first, with their boxes as pre-annotations."""
        generation = self.generation()
        frame = self._frame
        ids = pool.ids_for_rows(frame[["path"]])
        cells = frame["prediction"].tolist()
        scores = np.array([self._score(cell) for cell in cells], dtype=float)
        order = np.argsort(-np.nan_to_num(scores, nan=-np.inf), kind="stable")
        ranked = [(ids[i], float(scores[i])) for i in order.tolist()
                  if ids[i] is not None and not np.isnan(scores[i])]
        prelabels = {i: cell for i, cell in zip(ids, cells)
                     if i is not None and isinstance(cell, str) and cell}
        return Queries(generation, [i for i, _ in ranked], [s for _, s in ranked], prelabels)

    def _score(self, cell: Any) -> float:
        try:
            return float(self.rank_by(cell))
        except ValueError:
            return float("nan")
