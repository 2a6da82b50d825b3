"""The ``balanced`` strategy's share of random exploration picks, and where they go in the ranking.

One implementation for the Query Sampler and the strategy simulations, so that what the analysis
measures is what the recipe does. Uncertainty only asks about what the current model finds hard;
random picks keep finding where it is wrong *and sure*. Their share is high while there are few
labels per class (the model's confidence is worthless then), then decays, never below a floor.

The picks are class-aware: they are taken in turn from each class the model predicts among a
uniform random sample of the pool, the class it predicts least often first. A uniform draw
finds a class of 3% about once in 33 picks; taking turns finds rows the model puts in it (or
near it) from the first batch, and the model's mistakes there are what teach it the class.
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


def class_aware_order(predicted: np.ndarray, count: int) -> np.ndarray:
    """Indices of ``count`` rows of a random sample, taken in turn from each predicted class.

    Parameters
    ----------
    predicted : ndarray of int, shape (n,)
        The model's predicted class of each row of the sample; the sample is in random order
        (a seeded draw), which is kept within each class.
    count : int
        How many rows to take.

    Returns
    -------
    indices : ndarray of int
        Round after round, one row per predicted class, the class predicted for the fewest rows
        of the sample first (ties: lower class index first).
    """
    predicted = np.asarray(predicted)
    count = min(max(int(count), 0), len(predicted))
    if not count:
        return np.zeros(0, dtype=np.int64)
    classes, sizes = np.unique(predicted, return_counts=True)
    # A row's turn: its place within its class (0 for the first of each class), then its class's
    # place from the least often predicted.
    class_place = np.empty(len(classes), dtype=np.int64)
    class_place[np.lexsort((classes, sizes))] = np.arange(len(classes))
    which = np.searchsorted(classes, predicted)
    within = np.empty(len(predicted), dtype=np.int64)
    for k in range(len(classes)):
        members = np.flatnonzero(which == k)
        within[members] = np.arange(len(members))
    return np.lexsort((class_place[which], within))[:count].astype(np.int64)
