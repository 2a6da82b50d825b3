"""The model families a simulation can retrain at each round.

Settings favour speed over the last point of accuracy: a simulation refits the model hundreds of
times, and what it compares is how strategies rank, not the best reachable score.
"""

from __future__ import annotations

import warnings
from typing import Optional

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

LOGISTIC_REGRESSION = "logistic_regression"
RANDOM_FOREST = "random_forest"
GRADIENT_BOOSTING = "gradient_boosting"
MODEL_FAMILIES = (LOGISTIC_REGRESSION, RANDOM_FOREST, GRADIENT_BOOSTING)


def make_model(family: str, seed: int = 0) -> BaseEstimator:
    """An unfitted classifier of ``family`` (one of :data:`MODEL_FAMILIES`).

    Parameters
    ----------
    family : str
        Model family.
    seed : int
        Seed of the model's own randomness (forests, boosting).
    """
    if family == LOGISTIC_REGRESSION:
        # A capped iteration count keeps each of the many refits short; features are
        # standardized beforehand, so lbfgs is close to converged well before the cap.
        return LogisticRegression(C=1.0, max_iter=200)
    if family == RANDOM_FOREST:
        return RandomForestClassifier(n_estimators=50, min_samples_leaf=1, random_state=seed, n_jobs=1)
    if family == GRADIENT_BOOSTING:
        return HistGradientBoostingClassifier(max_iter=50, random_state=seed, early_stopping=False)
    raise ValueError(f"unknown model family {family!r}; expected one of {', '.join(MODEL_FAMILIES)}")


class _OneClassModel(ClassifierMixin, BaseEstimator):
    """What the model says when every label so far is the same class: that class, surely."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.ones((len(X), 1))

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def fit_model(template: BaseEstimator, X: np.ndarray, y: np.ndarray) -> BaseEstimator:
    """A fitted copy of ``template``; a constant model when ``y`` holds a single class.

    A cold start often has one class only, which scikit-learn classifiers refuse.
    """
    if len(np.unique(y)) < 2:
        return _OneClassModel().fit(X, y)
    model = clone(template)
    with warnings.catch_warnings():
        # Capped iterations are a deliberate trade (see module docstring).
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return model


def full_proba(model: BaseEstimator, X: np.ndarray, classes: Optional[np.ndarray] = None) -> np.ndarray:
    """``predict_proba`` of ``model``, with columns for ``classes`` (zeros for classes it never saw)."""
    proba = model.predict_proba(X)
    if classes is None:
        return proba
    table = np.zeros((len(X), len(classes)))
    positions = np.searchsorted(classes, model.classes_)
    table[:, positions] = proba
    return table
