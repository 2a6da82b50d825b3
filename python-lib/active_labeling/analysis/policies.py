"""How a simulated round picks its batch from the unlabeled pool, one function per strategy.

Scoring and the batch-diversity choice reuse the sampler's functions, so the simulation ranks
and picks rows as the Query Sampler recipe would. What is batch-level (diversity
among the picks, a share of class-aware random exploration) is decided here.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
import pandas as pd

from active_labeling.sampling.diversity import FEATURES, diverse_choice
from active_labeling.sampling.exploration import class_aware_order, exploration_count
from active_labeling.sampling.strategies import (
    BALANCED,
    BATCH_DIVERSITY,
    DEFAULT_STRATEGY,
    ENTROPY,
    LEAST_CONFIDENCE,
    MARGIN,
    RANDOM,
    default_measure,
    row_scores,
)
from active_labeling.sampling.topk import Candidates

__all__ = ["CANDIDATE_FACTOR", "DEFAULT_STRATEGY", "MODEL_FREE", "SIMULATED_STRATEGIES", "balanced_picks",
           "diverse_among_best", "select_batch"]
SIMULATED_STRATEGIES = (RANDOM, LEAST_CONFIDENCE, MARGIN, ENTROPY, BATCH_DIVERSITY, BALANCED)
# Strategies whose picks never look at the model: a simulation need not refit between evaluations.
MODEL_FREE = (RANDOM,)

# batch_diversity looks for diverse rows among this many times the batch's most uncertain rows.
CANDIDATE_FACTOR = 10


def select_batch(strategy: str, proba: Optional[np.ndarray], features: np.ndarray, batch_size: int,
                 rng: np.random.Generator, class_counts: Optional[np.ndarray] = None) -> np.ndarray:
    """Positions (in the pool) of the ``batch_size`` rows ``strategy`` asks to label next.

    Parameters
    ----------
    strategy : str
        One of :data:`SIMULATED_STRATEGIES`.
    proba : ndarray of shape (n_pool, n_classes), or None
        The current model's class probabilities on the pool (unused by ``random``).
    features : ndarray of shape (n_pool, n_features)
        The pool's features (used by the diversity-aware strategies).
    batch_size : int
        How many rows to pick; all of the pool when it is smaller.
    rng : numpy Generator
        Source of every random choice, for reproducible runs.
    class_counts : ndarray of int, optional
        Labels so far per class of the model (the columns of ``proba``); they set the share of
        exploration picks and, for the class-aware strategies, which classes need them.

    Returns
    -------
    positions : ndarray of int, distinct
    """
    n_pool = len(features)
    batch_size = min(batch_size, n_pool)
    if strategy == RANDOM:
        return rng.choice(n_pool, size=batch_size, replace=False)
    counts = np.zeros(0, dtype=int) if class_counts is None else np.asarray(class_counts)
    if strategy == BALANCED:
        # Without earlier picks: the share's schedule (a simulation passes their surprise to balanced_picks).
        return np.concatenate(balanced_picks(proba, features, batch_size, rng, counts))
    # Random tie-breaks: with one class seen, every score is equal and the order must not be the pool's.
    scores = row_scores(strategy, proba, keys=lambda: rng.integers(0, 2**63, n_pool).astype(np.uint64))
    if strategy == BATCH_DIVERSITY:
        return diverse_among_best(scores, features, batch_size, rng)
    return _best(scores, batch_size, rng)


def balanced_picks(proba: Optional[np.ndarray], features: np.ndarray, batch_size: int,
                   rng: np.random.Generator, class_counts: np.ndarray,
                   surprise: Optional[float] = None) -> Tuple[np.ndarray, np.ndarray]:
    """``balanced``'s batch as (diverse uncertain picks, exploration picks), positions in the pool.

    The parameters are :func:`select_batch`'s, and ``surprise``: the surprise of the earlier
    exploration picks (:class:`active_labeling.sampling.surprise.ExplorationEvidence`), which
    scales their share as in the sampler
    (:func:`active_labeling.sampling.exploration.exploration_count`); None: the schedule.
    """
    batch_size = min(batch_size, len(features))
    n_random = exploration_count(batch_size, int(class_counts.sum()), int((class_counts > 0).sum()), surprise,
                                 rng)
    scores = row_scores(default_measure(BALANCED), proba, keys=lambda: None)
    chosen = diverse_among_best(scores, features, batch_size - n_random, rng)
    rest = np.setdiff1d(np.arange(len(features)), chosen)
    # As the sampler: a uniform sample of factor × batch rows, then turns over the predicted classes.
    sample = rng.choice(rest, size=min(CANDIDATE_FACTOR * batch_size, len(rest)), replace=False)
    predicted = np.argmax(proba[sample], axis=1) if proba is not None else np.zeros(len(sample), dtype=int)
    explored = sample[class_aware_order(predicted, n_random, rng)]
    return chosen.astype(int), explored.astype(int)


def _best(scores: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    # Ties are broken at random, not by pool order.
    order = np.lexsort((rng.random(len(scores)), -scores))
    return order[:count]


def diverse_among_best(scores: np.ndarray, features: np.ndarray, count: int,
                       rng: np.random.Generator) -> np.ndarray:
    """``count`` rows spread over the feature space, taken among the best-scored rows.

    The sampler's own batch-diversity choice (:func:`active_labeling.sampling.diversity.diverse_choice`)
    on the ``CANDIDATE_FACTOR * count`` best rows, so that the simulation picks as the recipe would.
    """
    if count <= 0:
        return np.zeros(0, dtype=int)
    best = _best(scores, min(len(scores), CANDIDATE_FACTOR * count), rng)
    candidates = Candidates(rows=pd.DataFrame(features[best]), scores=scores[best],
                            keys=np.arange(len(best), dtype=np.uint64), proba=np.zeros((len(best), 1)))
    chosen = diverse_choice(candidates, count, seed=int(rng.integers(2**31 - 1)), space=FEATURES)
    return best[chosen]
