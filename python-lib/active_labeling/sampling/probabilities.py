"""A chunk's class probabilities as the sampler uses them: a numpy table and the rows it covers.

A DSS saved model answers with a DataFrame of ``proba_<class>`` columns indexed like the chunk,
where rows its preprocessing dropped are absent: :func:`from_frame` aligns such an answer. A
scorer that knows it scored every row in order (a local scikit-learn model) can answer with a
:class:`ChunkProbabilities` directly and spare the DataFrame round trip, which costs as much as
the sampler's own work on small chunks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np
import pandas as pd

from active_labeling.sampling.errors import SamplerError

PROBA_PREFIX = "proba_"


@dataclass
class ChunkProbabilities:
    """Class probabilities of a chunk's scored rows.

    Attributes
    ----------
    values : ndarray of float64, shape (n_scored, n_classes)
    columns : list of str
        ``proba_<class>`` for each column of ``values``.
    scored : ndarray of int, optional
        Positions, within the chunk, of the rows of ``values``; None when every row was scored, in
        order.
    """

    values: np.ndarray
    columns: List[str]
    scored: Optional[np.ndarray] = None


def from_frame(chunk: pd.DataFrame, frame: pd.DataFrame,
               columns: Optional[Sequence[str]] = None) -> ChunkProbabilities:
    """Align a model's ``proba_<class>`` answer with the chunk it scored.

    Parameters
    ----------
    chunk : DataFrame
        The rows given to the model (unique index).
    frame : DataFrame
        The model's answer: one ``proba_<class>`` column per class, indexed like ``chunk``; rows
        the model dropped are absent. Other columns (a prediction) are ignored.
    columns : sequence of str, optional
        The probability columns of earlier chunks, so that every chunk has the same class order.

    Raises
    ------
    SamplerError
        The answer has no probability column (a regression model).
    """
    if not len(frame):  # every row dropped: an empty answer may lack the probability columns
        return ChunkProbabilities(np.zeros((0, len(columns or ()))), list(columns or ()),
                                  np.zeros(0, dtype=np.int64))
    if columns is None:
        columns = [c for c in frame.columns if str(c).startswith(PROBA_PREFIX)]
        if not columns:
            raise SamplerError("the model returned no class probabilities: "
                               "choose a classification model, not a regression one")
    if list(frame.columns) != list(columns):  # selecting columns copies: only when needed
        frame = frame[list(columns)]
    values = frame.to_numpy(dtype=np.float64)
    if len(frame) == len(chunk) and frame.index.equals(chunk.index):
        return ChunkProbabilities(values, list(columns))
    where = chunk.index.get_indexer(frame.index)
    return ChunkProbabilities(values[where >= 0], list(columns), where[where >= 0])
