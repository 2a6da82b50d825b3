"""Uncertainty scores from class-probability tables.

Every function takes an ``(n_samples, n_classes)`` array of probabilities and returns one score
per row, where a higher score means a label on that row is expected to teach the model more.
"""

from __future__ import annotations

import numpy as np


def _as_probabilities(proba) -> np.ndarray:
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2 or proba.shape[1] < 1:
        raise ValueError(f"expected a 2-D table of class probabilities, got shape {proba.shape}")
    return proba


def least_confidence(proba) -> np.ndarray:
    """One minus the probability of the most likely class.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)

    Returns
    -------
    scores : ndarray of shape (n_samples,)
    """
    proba = _as_probabilities(proba)
    return 1.0 - proba.max(axis=1)


def margin(proba) -> np.ndarray:
    """One minus the gap between the two most likely classes (a small gap scores high).

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)

    Returns
    -------
    scores : ndarray of shape (n_samples,)
    """
    proba = _as_probabilities(proba)
    if proba.shape[1] == 1:
        return np.zeros(proba.shape[0])
    if proba.shape[1] == 2:  # the common binary case, without a partition
        return 1.0 - np.abs(proba[:, 0] - proba[:, 1])
    top_two = -np.partition(-proba, 1, axis=1)[:, :2]
    return 1.0 - (top_two[:, 0] - top_two[:, 1])


def entropy(proba) -> np.ndarray:
    """Shannon entropy of the class distribution, in nats.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)

    Returns
    -------
    scores : ndarray of shape (n_samples,)
    """
    proba = _as_probabilities(proba)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(proba > 0, proba * np.log(proba), 0.0)
    return -terms.sum(axis=1)
