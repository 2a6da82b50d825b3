"""How good each retrain round is: cross-validated accuracy and macro F1, and how much it changed its mind."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any, Callable, Dict, Optional

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, cross_validate

MAX_FOLDS = 5


@dataclass
class RoundFigures:
    """One round's figures; the cross-validated ones are None when there are too few labels."""

    labels: int
    classes: int
    folds: int
    accuracy: Optional[float]
    macro_f1: Optional[float]
    contradictions: Optional[float]  # share of a fixed sample whose predicted class changed
    seconds: float = 0.0

    def to_dict(self) -> Dict[str, Any]:
        """Plain JSON-ready values."""
        return asdict(self)


def safe_folds(labels: pd.Series) -> int:
    """Stratified folds the labels allow: at most 5, at most the rarest class's count; 0 if < 2."""
    counts = labels.value_counts()
    if len(counts) < 2:
        return 0
    folds = int(min(MAX_FOLDS, counts.min()))
    return folds if folds >= 2 else 0


def cross_validated(make_model: Callable[[], Any], features: pd.DataFrame, labels: pd.Series,
                    seed: int = 0) -> tuple:
    """(folds, accuracy, macro F1), the scores None when the labels allow no 2-fold split."""
    folds = safe_folds(labels)
    if not folds:
        return 0, None, None
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = cross_validate(make_model(), features, labels, cv=splitter,
                            scoring=("accuracy", "f1_macro"), error_score="raise")
    return folds, float(np.mean(scores["test_accuracy"])), float(np.mean(scores["test_f1_macro"]))


def contradiction_share(previous: Any, current: Any, sample: pd.DataFrame) -> Optional[float]:
    """Share of ``sample`` rows whose predicted class differs between two fitted models."""
    if previous is None or not len(sample):
        return None
    before = np.asarray(previous.predict(sample)).astype(str)
    after = np.asarray(current.predict(sample)).astype(str)
    return float(np.mean(before != after))


def evaluate_round(make_model: Callable[[], Any], features: pd.DataFrame, labels: pd.Series,
                   previous: Any, sample: pd.DataFrame, seed: int = 0) -> tuple:
    """Fit the round's model and compute its figures.

    Parameters
    ----------
    make_model : callable
        Returns a fresh unfitted model (called once per fold, and once for the final fit).
    features, labels
        The labeled rows and their labels.
    previous : fitted model, optional
        Last round's model, to count contradictions.
    sample : DataFrame
        A fixed sample of the pool, the same every round, on which contradictions are counted.

    Returns
    -------
    (model, RoundFigures)
    """
    started = time.perf_counter()
    folds, accuracy, macro_f1 = cross_validated(make_model, features, labels, seed)
    model = make_model().fit(features, labels)
    figures = RoundFigures(labels=len(labels), classes=int(labels.nunique()), folds=folds,
                           accuracy=accuracy, macro_f1=macro_f1,
                           contradictions=contradiction_share(previous, model, sample))
    figures.seconds = time.perf_counter() - started
    return model, figures
