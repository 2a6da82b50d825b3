"""Batch diversity: choose uncertain rows that are not near-duplicates of each other.

Plain uncertainty sampling tends to return many copies of the same hard case. Here the
``factor × n`` most uncertain rows are kept as candidates, grouped into ``n`` clusters, and the
most uncertain row of each cluster is chosen. Clusters are made in the space of the pool's
numeric columns (standardised) when there are some, else in the model's probability space.
"""

from __future__ import annotations

import warnings
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.topk import Candidates

AUTO = "auto"
FEATURES = "features"
PROBABILITIES = "probabilities"
SPACES = (AUTO, FEATURES, PROBABILITIES)
# Above this many candidates, full k-means gets slow: mini-batches trade a little quality for speed.
_FULL_KMEANS_LIMIT = 20000


def clustering_space(rows: pd.DataFrame, proba: np.ndarray, space: str,
                     ignore: Sequence[str] = (), only: Optional[Sequence[str]] = None) -> np.ndarray:
    """The points to cluster: standardised numeric columns, or class probabilities.

    Parameters
    ----------
    rows : DataFrame
        The candidates' values.
    proba : ndarray of shape (n, n_classes)
        The candidates' class probabilities.
    space : str
        ``"features"``, ``"probabilities"``, or ``"auto"`` (features when there are numeric columns).
    ignore : sequence of str
        Columns that are not features (the item id column).
    only : sequence of str, optional
        The model's features when known: other columns (row numbers, dates as numbers...) would
        only add noise to the distances.
    """
    allowed = set(rows.columns if only is None else only) - set(ignore)
    numeric = [c for c in rows.columns if c in allowed and pd.api.types.is_numeric_dtype(rows[c])
               and not pd.api.types.is_bool_dtype(rows[c])]
    if space == PROBABILITIES or (space == AUTO and not numeric):
        return np.asarray(proba, dtype=np.float64)
    if not numeric:
        raise SamplerError("batch diversity in feature space needs numeric columns in the unlabeled data; "
                           "choose the probability space (or auto) instead")
    values = rows[numeric].to_numpy(dtype=np.float64, na_value=np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: handled just below
        centre, spread = np.nanmean(values, axis=0), np.nanstd(values, axis=0)
    spread = np.where(np.isfinite(spread) & (spread > 0), spread, 1.0)
    scaled = (values - np.nan_to_num(centre)) / spread
    return np.nan_to_num(scaled, nan=0.0, posinf=0.0, neginf=0.0)


def diverse_choice(candidates: Candidates, n: int, seed: int, space: str = AUTO,
                   ignore: Sequence[str] = (), only: Optional[Sequence[str]] = None) -> np.ndarray:
    """Indices of ``n`` candidates, one per cluster, best first.

    Parameters
    ----------
    candidates : Candidates
        Ordered best first (as :class:`~active_labeling.sampling.topk.TopCandidates` returns them).
    n : int
        How many to choose (the number of clusters).
    seed : int
        Seed of the clustering.
    space, ignore, only
        See :func:`clustering_space`.

    Returns
    -------
    indices : ndarray of int, ascending (so still best first)
    """
    if len(candidates) <= n:
        return np.arange(len(candidates))
    points = clustering_space(candidates.rows, candidates.proba, space, ignore, only)
    labels = _cluster(points, n, seed)
    # Candidates are sorted best first: a cluster's first member is its most uncertain one.
    _, firsts = np.unique(labels, return_index=True)
    chosen = np.sort(firsts)
    if len(chosen) < n:
        # Fewer distinct clusters than asked (duplicate points): top up with the best others.
        others = np.setdiff1d(np.arange(len(candidates)), chosen, assume_unique=True)
        chosen = np.sort(np.concatenate([chosen, others[:n - len(chosen)]]))
    return chosen


def _cluster(points: np.ndarray, n_clusters: int, seed: int) -> np.ndarray:
    from sklearn.cluster import KMeans, MiniBatchKMeans

    n_clusters = min(n_clusters, len(points))
    model: Optional[object]
    if len(points) <= _FULL_KMEANS_LIMIT:
        model = KMeans(n_clusters=n_clusters, n_init=1, random_state=seed)
    else:
        model = MiniBatchKMeans(n_clusters=n_clusters, n_init=3, random_state=seed,
                                batch_size=max(1024, 3 * n_clusters))
    with warnings.catch_warnings():
        # Duplicate points give fewer distinct clusters than asked: diverse_choice tops up.
        warnings.simplefilter("ignore")
        return model.fit_predict(points)
