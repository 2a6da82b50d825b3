"""Simulated active learning on a fully labeled table: the learning curve of each strategy.

Each repetition splits the data into a pool and a held-out test set, draws the initial labels,
then, for each strategy, retrains the model, picks a batch, "labels" it by revealing its true
labels, and so on until the budget is spent. Every strategy of a repetition starts from the same
split and the same initial labels, so that differences come from the strategies alone.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from active_labeling.analysis.models import LOGISTIC_REGRESSION, fit_model, make_model
from active_labeling.analysis.policies import DEFAULT_STRATEGY, MODEL_FREE, select_batch
from active_labeling.sampling.strategies import MARGIN, RANDOM

logger = logging.getLogger(__name__)

CURVE_COLUMNS = ["strategy", "repetition", "labels", "accuracy", "macro_f1"]


@dataclass
class SimulationSettings:
    """What to simulate.

    ``budget`` is the number of labels at the end, initial labels included. The curve is measured
    every ``eval_every`` rounds and at the last one: a coarser curve is cheaper (a model-free
    strategy such as random then skips the refits in between) and its labels-to-target figures are
    only as fine as ``batch_size * eval_every``.
    """

    model: str = LOGISTIC_REGRESSION
    strategies: Sequence[str] = (RANDOM, MARGIN, DEFAULT_STRATEGY)
    batch_size: int = 10
    initial_labels: int = 20
    budget: int = 300
    repetitions: int = 5
    seed: int = 0
    test_size: float = 0.3
    eval_every: int = 1


@dataclass
class SimulationResult:
    """Learning curves (one row per strategy, repetition and measured label count) and the
    score of the model trained on the whole pool, per repetition."""

    curves: pd.DataFrame
    full_data: pd.DataFrame
    settings: SimulationSettings
    classes: List = field(default_factory=list)


ProgressCallback = Callable[[str, int, int, float], None]


def run_simulation(X: np.ndarray, y: np.ndarray, settings: SimulationSettings,
                   progress: Optional[ProgressCallback] = None) -> SimulationResult:
    """Simulate every strategy of ``settings`` on ``(X, y)``.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_features)
        Numeric, ideally standardized features (see :mod:`active_labeling.analysis.prepare`).
    y : ndarray of shape (n_rows,)
        The true labels.
    settings : SimulationSettings
    progress : callable, optional
        Called as ``progress(strategy, repetition, labels, accuracy)`` after each measured round.

    Returns
    -------
    SimulationResult
    """
    # Hundreds of fits on small matrices: BLAS/OpenMP threads cost more than they save, and
    # oversubscribe a shared machine.
    with threadpool_limits(limits=1):
        return _run(np.asarray(X, dtype=np.float64), np.asarray(y), settings, progress)


def _run(X, y, settings, progress) -> SimulationResult:
    classes = np.unique(y)
    template = make_model(settings.model, seed=settings.seed)
    rows, full_rows = [], []
    for repetition in range(settings.repetitions):
        split = _split(X, y, settings, repetition)
        pool_X, test_X, pool_y, test_y = split
        full_model = fit_model(template, pool_X, pool_y)
        full_rows.append({"repetition": repetition, **_scores(full_model, test_X, test_y, classes)})
        init_rng = np.random.default_rng([settings.seed, repetition, 0])
        initial = init_rng.choice(len(pool_y), size=min(settings.initial_labels, len(pool_y)), replace=False)
        for strategy in settings.strategies:
            rng = np.random.default_rng([settings.seed, repetition, _stable_id(strategy)])
            for labels, scores in _curve(strategy, pool_X, pool_y, test_X, test_y, initial,
                                         template, settings, rng, classes):
                rows.append({"strategy": strategy, "repetition": repetition, "labels": labels, **scores})
                logger.info("%s, repetition %d: %d labels, accuracy %.3f, macro F1 %.3f",
                            strategy, repetition + 1, labels, scores["accuracy"], scores["macro_f1"])
                if progress:
                    progress(strategy, repetition, labels, scores["accuracy"])
    return SimulationResult(curves=pd.DataFrame(rows, columns=CURVE_COLUMNS),
                            full_data=pd.DataFrame(full_rows, columns=["repetition", "accuracy", "macro_f1"]),
                            settings=settings, classes=list(classes))


def _curve(strategy, pool_X, pool_y, test_X, test_y, initial, template, settings, rng, classes):
    labeled = np.zeros(len(pool_y), dtype=bool)
    labeled[initial] = True
    budget = min(settings.budget, len(pool_y))
    round_index = 0
    while True:
        n_labeled = int(labeled.sum())
        done = n_labeled >= budget or labeled.all()
        measure = done or round_index % settings.eval_every == 0
        model = None
        if measure or strategy not in MODEL_FREE:
            model = fit_model(template, pool_X[labeled], pool_y[labeled])
        if measure:
            yield n_labeled, _scores(model, test_X, test_y, classes)
        if done:
            return
        unlabeled = np.flatnonzero(~labeled)
        proba = model.predict_proba(pool_X[unlabeled]) if model is not None else None
        picks = select_batch(strategy, proba, pool_X[unlabeled], min(settings.batch_size, budget - n_labeled),
                             rng, n_labeled=n_labeled, n_classes_seen=len(np.unique(pool_y[labeled])))
        labeled[unlabeled[picks]] = True
        round_index += 1


def _split(X, y, settings, repetition):
    seed = int(np.random.default_rng([settings.seed, repetition]).integers(2**31 - 1))
    _, counts = np.unique(y, return_counts=True)
    # Stratify when every class can appear on both sides; rare classes make it impossible.
    stratify = y if counts.min() >= 2 else None
    return train_test_split(X, y, test_size=settings.test_size, random_state=seed, stratify=stratify)


def _scores(model, X, y, classes) -> dict:
    predicted = model.predict(X)
    return {"accuracy": float(accuracy_score(y, predicted)),
            "macro_f1": float(f1_score(y, predicted, labels=classes, average="macro", zero_division=0))}


def _stable_id(strategy: str) -> int:
    # A strategy's random stream depends on its name only, not on which others run beside it.
    return zlib.crc32(strategy.encode("utf-8"))
