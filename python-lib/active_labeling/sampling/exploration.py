"""The ``balanced`` strategy's share of random exploration picks, and where they go in the ranking.

One implementation for the Query Sampler and the strategy simulations, so that what the analysis
measures is what the recipe does. Uncertainty only asks about what the current model finds hard;
random picks keep finding where it is wrong *and sure*. Their share is high while there are few
labels per class (the model's confidence is worthless then), then decays, never below a floor.
When earlier exploration picks have been labeled, their *surprise* (how much more often the model
was wrong on them than its own probabilities said, :mod:`active_labeling.sampling.surprise`)
scales the share between a lower floor and that schedule: a model that is wrong *and sure* keeps
exploring, one that knows where it is unsure spends nearly all its labels on uncertainty.

The picks are class-aware: they are taken in turn from each class the model predicts among a
uniform random sample of the pool, in an order of the classes drawn afresh for each batch, a
class predicted for fewer rows more likely first. A uniform draw finds a class of 3% about once
in 33 picks; taking turns asks about rows the model puts in a rare class (or near it) from the
first batches, and the model's mistakes there are what teach it the class. The order is drawn,
not fixed: with fewer picks than classes, a fixed order (least predicted first, as before) spends
every batch on the same few classes and never looks inside the class the model predicts most,
where a class it has not seen yet hides (iris from 3 labels: the third species was never asked
in 60 labels).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

EXPLORATION_START = 0.5
# The schedule's floor: without evidence, exploration never falls below it.
EXPLORATION_FLOOR = 0.1
# The floor once labeled picks show no surprise: the model's confidence has earned trust, but a
# few picks keep watching for what it has not met yet (and keep the evidence coming).
EVIDENCE_FLOOR = 0.03
# Exploration decays once there are this many labels per class.
LABELS_PER_CLASS_WARM = 5
# A surprise this large (the model wrong on 20% more exploration picks than it expected) keeps the
# whole schedule; none keeps the floor only.
FULL_SURPRISE = 0.2


def exploration_share(n_labeled: int, n_classes: int, surprise: Optional[float] = None) -> float:
    """The share of random picks for a labeled set of ``n_labeled`` labels over ``n_classes`` classes.

    Parameters
    ----------
    n_labeled, n_classes : int
        Labels so far and the model's classes.
    surprise : float, optional
        The surprise of the exploration picks labeled so far
        (:meth:`active_labeling.sampling.surprise.ExplorationEvidence.surprise`); None when there
        is no such evidence yet.

    Returns
    -------
    share : float
        The schedule: half the batch until there are :data:`LABELS_PER_CLASS_WARM` labels per
        class, then decaying as 1 / labels, never below :data:`EXPLORATION_FLOOR`. Past that cold
        phase, with a surprise:
        ``EVIDENCE_FLOOR + (schedule - EVIDENCE_FLOOR) * min(1, max(surprise, 0) / FULL_SURPRISE)``.
    """
    if not _set_by_evidence(n_labeled, n_classes, surprise):
        return _schedule(n_labeled, n_classes)
    weight = min(1.0, max(float(surprise), 0.0) / FULL_SURPRISE)
    return EVIDENCE_FLOOR + (_schedule(n_labeled, n_classes) - EVIDENCE_FLOOR) * weight


def _warm(n_classes: int) -> int:
    return LABELS_PER_CLASS_WARM * max(int(n_classes), 2)


def _schedule(n_labeled: int, n_classes: int) -> float:
    warm = _warm(n_classes)
    if n_labeled <= warm:
        return EXPLORATION_START
    return max(EXPLORATION_FLOOR, EXPLORATION_START * warm / n_labeled)


def _set_by_evidence(n_labeled: int, n_classes: int, surprise: Optional[float]) -> bool:
    return n_labeled > _warm(n_classes) and surprise is not None and bool(np.isfinite(surprise))


def exploration_count(batch_size: int, n_labeled: int, n_classes: int, surprise: Optional[float] = None,
                      rng: Optional[np.random.Generator] = None) -> int:
    """How many of a batch of ``batch_size`` are random picks.

    On the schedule (the cold phase, or no evidence yet), ``batch_size × share`` rounded, and at
    least one in a batch of two or more. Once the evidence sets the share, it is rounded at random
    (up with a chance equal to the fraction) when ``rng`` is given, with no minimum: a share of 3%
    in batches of 10 asks one pick every third batch or so instead of one in every batch, which
    would be 10%. Other parameters: :func:`exploration_share`.
    """
    wanted = batch_size * exploration_share(n_labeled, n_classes, surprise)
    if not _set_by_evidence(n_labeled, n_classes, surprise):
        count = max(1, round(wanted)) if batch_size >= 2 else round(wanted)
    elif rng is None:
        count = round(wanted)
    else:
        count = int(np.floor(wanted))
        count += int(rng.random() < wanted - count)
    return min(int(count), batch_size)


def exploration_ranks(total: int, explored: int) -> np.ndarray:
    """0-based ranks of the exploration picks in a ranking of ``total`` items.

    Spread evenly (one in the middle of each stretch of ``total / explored`` ranks), so that an
    annotator who labels only the first items still gets the mix.
    """
    if explored <= 0 or total <= 0:
        return np.zeros(0, dtype=np.int64)
    explored = min(explored, total)
    return np.floor((np.arange(explored) + 0.5) * total / explored).astype(np.int64)


def class_aware_order(predicted: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``count`` rows of a random sample, taken in turn from each predicted class.

    Parameters
    ----------
    predicted : ndarray of int, shape (n,)
        The model's predicted class of each row of the sample; the sample is in random order
        (a seeded draw), which is kept within each class.
    count : int
        How many rows to take.
    rng : numpy Generator
        Draws the order of the classes, the class predicted for fewer rows more likely first
        (chances inversely proportional to the rows); the caller seeds it differently for each
        batch, so that every class gets picks over the batches even when there are fewer picks
        than classes.

    Returns
    -------
    indices : ndarray of int
        Round after round, one row per predicted class (while it has rows left), the classes in
        the drawn order.
    """
    predicted = np.asarray(predicted)
    count = min(max(int(count), 0), len(predicted))
    if not count:
        return np.zeros(0, dtype=np.int64)
    classes, sizes = np.unique(predicted, return_counts=True)
    # The classes' order is a draw without replacement, each next class chosen with a chance
    # inversely proportional to its number of rows (Gumbel keys draw it in one go).
    keys = rng.gumbel(size=len(classes)) - np.log(sizes)
    class_place = np.empty(len(classes), dtype=np.int64)
    class_place[np.argsort(-keys, kind="stable")] = np.arange(len(classes))
    # A row's turn: its place within its class (0 for the first of each class), then its class's
    # place in the drawn order.
    which = np.searchsorted(classes, predicted)
    within = np.empty(len(predicted), dtype=np.int64)
    for k in range(len(classes)):
        members = np.flatnonzero(which == k)
        within[members] = np.arange(len(members))
    return np.lexsort((class_place[which], within))[:count].astype(np.int64)
