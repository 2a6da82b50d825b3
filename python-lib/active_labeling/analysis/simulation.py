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
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from active_labeling.analysis.models import LOGISTIC_REGRESSION, fit_model, make_model
from active_labeling.analysis.policies import DEFAULT_STRATEGY, MODEL_FREE, balanced_picks, select_batch
from active_labeling.sampling.strategies import BALANCED, MARGIN, RANDOM
from active_labeling.sampling.surprise import ExplorationEvidence, ExplorationPick

logger = logging.getLogger(__name__)

METRICS = ("accuracy", "macro_f1", "balanced_accuracy")
# Each row also carries its repetition's full-data scores, so that the curves alone tell how far
# from "labeling everything" each point is, repetition by repetition.
CURVE_COLUMNS = ["strategy", "repetition", "labels", *METRICS, "fewest_labels_per_class",
                 *(f"full_data_{m}" for m in METRICS)]
FULL_DATA_COLUMNS = ["repetition", *METRICS, "majority_share"]
COVERAGE_COLUMNS = ["strategy", "repetition", "labels_to_5_per_class"]
# "Each class found": every class has this many labels (or all its rows of the pool, when fewer).
LABELS_PER_CLASS_FOUND = 5


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
    """What a simulation measured.

    Attributes
    ----------
    curves : DataFrame
        One row per strategy, repetition and measured label count (:data:`CURVE_COLUMNS`).
    full_data : DataFrame
        Per repetition, the scores of the model trained on the whole pool and the held-out share
        of the most frequent class (:data:`FULL_DATA_COLUMNS`).
    coverage : DataFrame
        Per strategy and repetition, the labels spent until every class had
        :data:`LABELS_PER_CLASS_FOUND` labels (NaN when the budget ran out first).
    pool_size : int
        Rows a strategy could label (the data less the held-out part): the budget's ceiling.
    """

    curves: pd.DataFrame
    full_data: pd.DataFrame
    settings: SimulationSettings
    classes: List = field(default_factory=list)
    coverage: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COVERAGE_COLUMNS))
    pool_size: int = 0


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
    rows, full_rows, coverage = [], [], []
    pool_size = 0
    for repetition in range(settings.repetitions):
        split = _split(X, y, settings, repetition)
        pool_X, test_X, pool_y, test_y = split
        pool_size = len(pool_y)
        full_model = fit_model(template, pool_X, pool_y)
        full = _scores(full_model, test_X, test_y, classes)
        _, test_counts = np.unique(test_y, return_counts=True)
        majority = float(test_counts.max() / len(test_y))
        full_rows.append({"repetition": repetition, **full, "majority_share": majority})
        full_columns = {f"full_data_{metric}": value for metric, value in full.items()}
        init_rng = np.random.default_rng([settings.seed, repetition, 0])
        initial = init_rng.choice(len(pool_y), size=min(settings.initial_labels, len(pool_y)), replace=False)
        for strategy in settings.strategies:
            rng = np.random.default_rng([settings.seed, repetition, _stable_id(strategy)])
            run = _Run(strategy, pool_X, pool_y, classes)
            for labels, scores in run.curve(test_X, test_y, initial, template, settings, rng):
                rows.append({"strategy": strategy, "repetition": repetition, "labels": labels, **scores,
                             **full_columns})
                logger.info("%s, repetition %d: %d labels, accuracy %.3f, macro F1 %.3f",
                            strategy, repetition + 1, labels, scores["accuracy"], scores["macro_f1"])
                if progress:
                    progress(strategy, repetition, labels, scores["accuracy"])
            coverage.append({"strategy": strategy, "repetition": repetition,
                             "labels_to_5_per_class": run.classes_found_at})
    return SimulationResult(curves=pd.DataFrame(rows, columns=CURVE_COLUMNS),
                            full_data=pd.DataFrame(full_rows, columns=FULL_DATA_COLUMNS),
                            settings=settings, classes=list(classes),
                            coverage=pd.DataFrame(coverage, columns=COVERAGE_COLUMNS), pool_size=pool_size)


class _Run:
    """One strategy's run on one split: its curve, and when every class was found."""

    def __init__(self, strategy, pool_X, pool_y, classes):
        self.strategy, self.pool_X, self.pool_y, self.classes = strategy, pool_X, pool_y, classes
        class_index = np.searchsorted(classes, pool_y)
        self.class_index = class_index
        # A class with fewer rows in the pool than asked is found once all of them are labeled.
        self.wanted = np.minimum(LABELS_PER_CLASS_FOUND, np.bincount(class_index, minlength=len(classes)))
        self.classes_found_at = float("nan")

    def curve(self, test_X, test_y, initial, template, settings, rng):
        pool_X, pool_y, classes = self.pool_X, self.pool_y, self.classes
        labeled = np.zeros(len(pool_y), dtype=bool)
        labeled[initial] = True
        budget = min(settings.budget, len(pool_y))
        round_index = 0
        # balanced learns from its labeled exploration picks, as the sampler does between runs.
        evidence = ExplorationEvidence()
        while True:
            n_labeled = int(labeled.sum())
            per_class = np.bincount(self.class_index[labeled], minlength=len(classes))
            if np.isnan(self.classes_found_at) and (per_class >= self.wanted).all():
                self.classes_found_at = float(n_labeled)
            done = n_labeled >= budget or labeled.all()
            measure = done or round_index % settings.eval_every == 0
            model = None
            if measure or self.strategy not in MODEL_FREE:
                model = fit_model(template, pool_X[labeled], pool_y[labeled])
            if measure:
                yield n_labeled, {**_scores(model, test_X, test_y, classes),
                                  "fewest_labels_per_class": int(per_class.min())}
            if done:
                return
            unlabeled = np.flatnonzero(~labeled)
            proba, counts = None, per_class[per_class > 0]
            if model is not None:
                proba = model.predict_proba(pool_X[unlabeled])
                # What a real round knows: the labels per class of the classes the model was trained on.
                counts = per_class[np.searchsorted(classes, model.classes_)]
            batch_size = min(settings.batch_size, budget - n_labeled)
            if self.strategy == BALANCED:
                chosen, explored = balanced_picks(proba, pool_X[unlabeled], batch_size, rng, counts,
                                                  evidence.surprise())
                evidence = self._labeled_picks(evidence, model, proba, unlabeled, explored)
                picks = np.concatenate([chosen, explored])
            else:
                picks = select_batch(self.strategy, proba, pool_X[unlabeled], batch_size, rng,
                                     class_counts=counts)
            labeled[unlabeled[picks]] = True
            round_index += 1


    def _labeled_picks(self, evidence, model, proba, unlabeled, explored):
        # The simulated annotator labels every pick: each exploration pick is an outcome at once.
        picks = [ExplorationPick(str(unlabeled[e]), float(proba[e].max()),
                                 str(model.classes_[np.argmax(proba[e])])) for e in explored]
        return evidence.with_picks(picks).resolved({p.item_id: self.pool_y[int(p.item_id)] for p in picks})


def _split(X, y, settings, repetition):
    seed = int(np.random.default_rng([settings.seed, repetition]).integers(2**31 - 1))
    _, counts = np.unique(y, return_counts=True)
    # Stratify when every class can appear on both sides; rare classes make it impossible.
    stratify = y if counts.min() >= 2 else None
    return train_test_split(X, y, test_size=settings.test_size, random_state=seed, stratify=stratify)


def _scores(model, X, y, classes) -> dict:
    predicted = model.predict(X)
    return {"accuracy": float(accuracy_score(y, predicted)),
            "macro_f1": float(f1_score(y, predicted, labels=classes, average="macro", zero_division=0)),
            "balanced_accuracy": _balanced_accuracy(y, predicted)}


def _balanced_accuracy(y, predicted) -> float:
    import warnings

    with warnings.catch_warnings():
        # A class never predicted is a recall of 0 for it, which is what this score should say.
        warnings.simplefilter("ignore")
        return float(balanced_accuracy_score(y, predicted))


def _stable_id(strategy: str) -> int:
    # A strategy's random stream depends on its name only, not on which others run beside it.
    return zlib.crc32(strategy.encode("utf-8"))
