"""Labeled datasets available offline, for benchmarks and for trying ``simulate`` without data.

scikit-learn's bundled sets (no download) and generated ones, including a case built to mislead
uncertainty sampling: small clusters, far from the first labels, that a model trained on those
labels is confidently wrong about, so that only exploration finds them.
"""

from __future__ import annotations

from typing import Callable, Dict, Tuple

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine, make_classification
from sklearn.preprocessing import StandardScaler

Loader = Callable[[int], Tuple[np.ndarray, np.ndarray]]


def _bundled(load) -> Loader:
    def loader(seed: int = 0):
        X, y = load(return_X_y=True)
        return StandardScaler().fit_transform(X), y
    return loader


def hidden_clusters(seed: int = 0, n_samples: int = 1500) -> Tuple[np.ndarray, np.ndarray]:
    """Two large classes side by side, plus far, small clusters: one of each class, and a rare class.

    About 20% of the rows sit in the small clusters. A model that has not seen them puts them
    confidently in the large class next to them, so uncertainty sampling has no reason to look there.
    """
    rng = np.random.default_rng(seed)
    centres = [((0.0, 0.0), 0, 0.40), ((4.0, 0.0), 1, 0.40), ((2.0, 7.0), 2, 0.07),
               ((-6.0, 0.0), 1, 0.065), ((10.0, 0.0), 0, 0.065)]
    parts, labels = [], []
    for (cx, cy), label, share in centres:
        count = int(round(share * n_samples))
        parts.append(rng.normal((cx, cy), 0.7, size=(count, 2)))
        labels.append(np.full(count, label))
    X = np.vstack(parts)
    # Uninformative extra dimensions, as real features would have.
    X = np.hstack([X, rng.normal(size=(len(X), 2))])
    return StandardScaler().fit_transform(X), np.concatenate(labels)


def imbalanced(seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """Four classes, 2% to 60% of the rows, two clusters each."""
    X, y = make_classification(n_samples=1500, n_features=12, n_informative=6, n_classes=4,
                               n_clusters_per_class=2, weights=[0.6, 0.25, 0.13, 0.02],
                               class_sep=1.5, random_state=seed)
    return StandardScaler().fit_transform(X), y


DATASETS: Dict[str, Loader] = {
    "iris": _bundled(load_iris),
    "wine": _bundled(load_wine),
    "breast_cancer": _bundled(load_breast_cancer),
    "digits": _bundled(load_digits),
    "imbalanced": imbalanced,
    "hidden_clusters": hidden_clusters,
}


def load_dataset(name: str, seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """Standardized features and labels of the offline dataset ``name`` (see :data:`DATASETS`)."""
    try:
        return DATASETS[name](seed)
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; offline datasets: {', '.join(DATASETS)}") from None
