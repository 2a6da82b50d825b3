"""The query strategies: how a chunk's class probabilities become one usefulness score per row.

Every strategy scores rows independently, so that the pool can be scored chunk by chunk. The
batch-aware strategies (``batch_diversity``, and ``balanced``, which adds random exploration picks)
score with an uncertainty measure like the others and then choose among the best candidates at
the end (see :mod:`active_labeling.sampling.diversity` and :mod:`~active_labeling.sampling.exploration`).
"""

from __future__ import annotations

from typing import Callable, Dict

import numpy as np

from active_labeling.sampling.tiebreak import uniform_from_keys
from active_labeling.sampling.uncertainty import entropy, least_confidence, margin, margin_and_confidence

LEAST_CONFIDENCE = "least_confidence"
MARGIN = "margin"
MARGIN_AND_CONFIDENCE = "margin_and_confidence"
ENTROPY = "entropy"
RANDOM = "random"
BATCH_DIVERSITY = "batch_diversity"
BALANCED = "balanced"
# Why balanced is the default: docs/strategies.md (never below random in the cases measured).
DEFAULT_STRATEGY = BALANCED
# Strategies that choose a batch at the end among candidates scored by an uncertainty measure.
BATCH_STRATEGIES = (BATCH_DIVERSITY, BALANCED)

UNCERTAINTY_MEASURES: Dict[str, Callable[[np.ndarray], np.ndarray]] = {
    LEAST_CONFIDENCE: least_confidence,
    MARGIN: margin,
    ENTROPY: entropy,
    MARGIN_AND_CONFIDENCE: margin_and_confidence,
}
STRATEGIES = (BALANCED, LEAST_CONFIDENCE, MARGIN, ENTROPY, RANDOM, BATCH_DIVERSITY)
# The measure a batch strategy uses unless told otherwise: balanced's is measured in
# docs/strategies.md (least confidence's share finds rare classes and wins on texts).
DEFAULT_MEASURES = {BATCH_DIVERSITY: MARGIN, BALANCED: MARGIN_AND_CONFIDENCE}
# What the recipe and `sample` call "the strategy's own measure".
AUTO_MEASURE = "auto"


def default_measure(strategy: str) -> str:
    """The uncertainty measure ``strategy`` ranks its candidates with by default (margin for the others)."""
    return DEFAULT_MEASURES.get(strategy, MARGIN)


def row_scores(strategy: str, proba: np.ndarray, keys: Callable[[], np.ndarray],
               measure: str = MARGIN) -> np.ndarray:
    """Usefulness scores of one chunk's rows; higher is more useful to label.

    Parameters
    ----------
    strategy : str
        One of :data:`STRATEGIES`.
    proba : ndarray of shape (n_rows, n_classes)
        Class probabilities of the scored rows.
    keys : callable
        Returns the rows' seeded tie-break keys (uint64); only the ``random`` strategy calls it,
        so that the others do not pay for keys of rows that will not be kept.
    measure : str
        The uncertainty measure behind ``batch_diversity`` and ``balanced``.

    Returns
    -------
    scores : ndarray of float64, shape (n_rows,)
    """
    if strategy == RANDOM:
        # A seeded uniform draw per pool position: the same whatever the chunk size.
        return uniform_from_keys(keys())
    if strategy in BATCH_STRATEGIES:
        strategy = measure
    try:
        return UNCERTAINTY_MEASURES[strategy](proba)
    except KeyError:
        raise ValueError(f"unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}") from None
