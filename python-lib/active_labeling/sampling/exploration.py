"""The ``balanced`` strategy's share of random exploration picks, and where they go in the ranking.

One implementation for the Query Sampler and the strategy simulations, so that what the analysis
measures is what the recipe does. Uncertainty only asks about what the current model finds hard;
random picks keep finding where it is wrong *and sure*. Their share is high while there are few
labels per class (the model's confidence is worthless then), then decays, never below a floor.
"""

from __future__ import annotations

import numpy as np

EXPLORATION_START = 0.5
EXPLORATION_FLOOR = 0.1
# Exploration decays once there are this many labels per class.
LABELS_PER_CLASS_WARM = 5


def exploration_share(n_labeled: int, n_classes: int) -> float:
    """The share of random picks for a labeled set of ``n_labeled`` labels over ``n_classes`` classes.

    Half the batch until there are :data:`LABELS_PER_CLASS_WARM` labels per class, then decaying
    as 1 / labels, never below :data:`EXPLORATION_FLOOR`.
    """
    warm = LABELS_PER_CLASS_WARM * max(int(n_classes), 2)
    if n_labeled <= warm:
        return EXPLORATION_START
    return max(EXPLORATION_FLOOR, EXPLORATION_START * warm / n_labeled)


def exploration_count(batch_size: int, n_labeled: int, n_classes: int) -> int:
    """How many of a batch of ``batch_size`` are random picks (at least one in a batch of two or more)."""
    count = int(round(batch_size * exploration_share(n_labeled, n_classes)))
    if batch_size >= 2:
        count = max(1, count)
    return min(count, batch_size)


def exploration_ranks(total: int, explored: int) -> np.ndarray:
    """0-based ranks of the exploration picks in a ranking of ``total`` items.

    Spread evenly (one in the middle of each stretch of ``total / explored`` ranks), so that an
    annotator who labels only the first items still gets the mix.
    """
    if explored <= 0 or total <= 0:
        return np.zeros(0, dtype=np.int64)
    explored = min(explored, total)
    return np.floor((np.arange(explored) + 0.5) * total / explored).astype(np.int64)
