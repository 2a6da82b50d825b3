"""The ``balanced`` strategy's batch: diverse uncertain rows, plus seeded random exploration picks.

The sampler streams the pool into two bounded sets: the most uncertain candidates (as for
``batch_diversity``) and the rows with the highest seeded random keys (a uniform draw that does
not depend on how the pool is cut into chunks, ``factor`` times the batch). Here the batch is made
from both: the exploration share of :mod:`active_labeling.sampling.exploration` is taken from the
random set in turn from each class the model predicts there (in an order drawn for each run), the rest
is chosen for diversity among the candidates, and the exploration picks are spread through the
ranks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np
import pandas as pd

from active_labeling.sampling.diversity import diverse_choice
from active_labeling.sampling.exploration import class_aware_order, exploration_count, exploration_ranks
from active_labeling.sampling.strategies import BALANCED, UNCERTAINTY_MEASURES
from active_labeling.sampling.topk import Candidates

# The strategy column of an exploration pick: the user can tell why an easy item was asked.
EXPLORATION_LABEL = BALANCED + ":explore"


@dataclass
class BalancedBatch:
    """The chosen rows in rank order, their uncertainty scores and how each was chosen."""

    rows: pd.DataFrame
    scores: np.ndarray
    strategies: List[str]
    explored: int
    proba: Optional[np.ndarray] = None  # the chosen rows' class probabilities, in rank order


def _head(candidates: Candidates, count: int) -> Candidates:
    return Candidates(candidates.rows.iloc[:count], candidates.scores[:count], candidates.keys[:count],
                      candidates.proba[:count])


def balanced_batch(best: Candidates, random_pool: Optional[Candidates], n_queries: int, n_labeled: int,
                   n_classes: int, measure: str, factor: int, seed: int, space: str,
                   ignore: Sequence[str] = (), only: Optional[Sequence[str]] = None,
                   surprise: Optional[float] = None) -> BalancedBatch:
    """Choose a balanced batch of (at most) ``n_queries`` rows.

    Parameters
    ----------
    best : Candidates
        The most uncertain rows, best first (at least ``factor × n_queries`` when the pool has them).
    random_pool : Candidates, optional
        Rows with the highest seeded random keys, in that order (``factor × n_queries`` when the
        pool has them): the uniform sample the class-aware exploration picks come from.
    n_labeled, n_classes : int
        Labels so far and the model's classes: they set the exploration share.
    surprise : float, optional
        The surprise of the earlier exploration picks (:mod:`active_labeling.sampling.surprise`),
        which scales the share once there are enough labels per class; None: the schedule.
    measure, factor, seed, space, ignore, only
        The uncertainty measure and the batch-diversity settings
        (see :func:`~active_labeling.sampling.diversity.diverse_choice`).
    """
    # Seeded by the labels so far too: the count's rounding and the class order change from one run
    # to the next, and the same inputs give the same queries.
    order_rng = np.random.default_rng([int(seed) % 2**63, max(int(n_labeled), 0)])
    n_random = exploration_count(n_queries, n_labeled, n_classes, surprise, order_rng)
    n_diverse = n_queries - n_random
    candidates = _head(best, factor * n_diverse)
    diverse = np.zeros(0, dtype=int)
    if n_diverse:
        diverse = diverse_choice(candidates, n_diverse, seed, space, ignore, only)
    explore = np.zeros(0, dtype=int)
    if random_pool is not None and n_random:
        # Keys hash pool positions one to one: equal keys are the same row.
        fresh = np.flatnonzero(~np.isin(random_pool.keys, candidates.keys[diverse]))
        predicted = np.argmax(random_pool.proba[fresh], axis=1) if random_pool.proba.shape[1] else \
            np.zeros(len(fresh), dtype=np.int64)
        explore = fresh[class_aware_order(predicted, n_random, order_rng)]
    total = len(diverse) + len(explore)
    at = exploration_ranks(total, len(explore))
    is_explore = np.zeros(total, dtype=bool)
    is_explore[at] = True
    rows = [candidates.rows.take(diverse)]
    scores = np.empty(total, dtype=np.float64)
    scores[~is_explore] = candidates.scores[diverse]
    if len(explore):
        rows.append(random_pool.rows.take(explore))
        # Their own uncertainty, not the random key: the score keeps one meaning in the output.
        scores[is_explore] = UNCERTAINTY_MEASURES[measure](random_pool.proba[explore])
    order = np.empty(total, dtype=np.int64)  # rank -> row of the concatenation (diverse, then explore)
    order[~is_explore] = np.arange(len(diverse))
    order[is_explore] = len(diverse) + np.arange(len(explore))
    joined = pd.concat(rows, ignore_index=True) if len(rows) > 1 else rows[0].reset_index(drop=True)
    strategies = [EXPLORATION_LABEL if e else BALANCED for e in is_explore]
    proba = candidates.proba[diverse]
    if len(explore):
        proba = np.concatenate([proba, random_pool.proba[explore]])
    return BalancedBatch(joined.take(order).reset_index(drop=True), scores, strategies, len(explore),
                         proba[order])
