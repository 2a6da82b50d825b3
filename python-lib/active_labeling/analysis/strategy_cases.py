"""More offline labeled sets for comparing strategies: rare classes, many classes, short texts.

Everything is generated or bundled with scikit-learn (nothing is downloaded), so the strategy
benchmark and the tests can run anywhere. The texts are made of words, as real short messages
are: each class has its own words, every class shares a common vocabulary, and some messages
borrow words of another class, so that a model needs more than a handful of labels.
"""

from __future__ import annotations

from typing import Dict, Sequence, Tuple

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

from active_labeling.analysis.datasets import DATASETS, Loader

# Words of each class of the generated support messages; the last class is rare.
TOPIC_WORDS: Dict[str, Sequence[str]] = {
    "billing": ["invoice", "charged", "refund", "payment", "card", "bill", "price", "twice", "receipt",
                "fee"],
    "delivery": ["parcel", "courier", "late", "tracking", "address", "shipped", "arrived", "box", "driver",
                 "warehouse"],
    "account": ["password", "login", "email", "locked", "profile", "username", "reset", "verify", "code",
                "settings"],
    "product": ["broken", "screen", "battery", "button", "size", "colour", "manual", "works", "noise",
                "charger"],
    "safety": ["smoke", "burn", "fire", "overheating", "sparks", "melted", "shock", "injury", "hazard",
               "recall"],
}
COMMON_WORDS = ["hello", "please", "help", "order", "today", "thanks", "still", "again", "week", "my", "the",
                "urgent", "issue", "problem", "since", "yesterday", "need", "answer", "support", "customer"]


def support_messages(seed: int = 0, n_samples: int = 1500,
                     shares: Sequence[float] = (0.34, 0.28, 0.2, 0.15, 0.03)) -> pd.DataFrame:
    """Short support messages (``text``) and their topic (``label``); ``safety`` is 3% of them.

    A message has 1 to 4 words of its topic, 5 to 10 common words, and with probability 0.4 two or
    three words of another topic, so that topics overlap as real messages do.
    """
    rng = np.random.default_rng(seed)
    topics = list(TOPIC_WORDS)
    labels = rng.choice(len(topics), size=n_samples, p=np.asarray(shares) / np.sum(shares))
    texts = []
    for label in labels:
        words = list(rng.choice(TOPIC_WORDS[topics[label]], size=rng.integers(1, 5)))
        words += list(rng.choice(COMMON_WORDS, size=rng.integers(5, 11)))
        if rng.random() < 0.4:
            other = topics[rng.choice([i for i in range(len(topics)) if i != label])]
            words += list(rng.choice(TOPIC_WORDS[other], size=rng.integers(2, 4)))
        rng.shuffle(words)
        texts.append(" ".join(words))
    return pd.DataFrame({"text": texts, "label": [topics[i] for i in labels]})


def support_text(seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """:func:`support_messages` as ``simulate`` reads them: TF-IDF reduced by LSA."""
    from active_labeling.analysis.prepare import prepare_table

    X, y, _ = prepare_table(support_messages(seed), "label", text_columns=["text"], seed=seed)
    return X, y


def rare_binary(seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """Two classes, the positive one 4% of the rows, with label noise (a fraud-like table)."""
    X, y = make_classification(n_samples=2000, n_features=10, n_informative=5, n_redundant=2,
                               weights=[0.96, 0.04], flip_y=0.01, class_sep=1.2, random_state=seed)
    return StandardScaler().fit_transform(X), y


def many_classes(seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """Fifteen classes of unequal sizes (2% to 14%), one cluster each, overlapping."""
    weights = np.geomspace(7, 1, 15)
    X, y = make_classification(n_samples=2000, n_features=20, n_informative=12, n_redundant=2, n_classes=15,
                               n_clusters_per_class=1, weights=list(weights / weights.sum()), class_sep=1.6,
                               random_state=seed)
    return StandardScaler().fit_transform(X), y


def rare_classes(seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """Six classes, two of them rare (1.5% and 3%), two clusters per class."""
    X, y = make_classification(n_samples=2000, n_features=16, n_informative=8, n_classes=6,
                               n_clusters_per_class=2, weights=[0.4, 0.25, 0.15, 0.145, 0.04, 0.015],
                               class_sep=1.4, random_state=seed + 7)
    return StandardScaler().fit_transform(X), y


CASE_DATASETS: Dict[str, Loader] = {
    **DATASETS,
    "support_text": support_text,
    "rare_binary": rare_binary,
    "many_classes": many_classes,
    "rare_classes": rare_classes,
}


def load_case_dataset(name: str, seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """Features and labels of ``name``: one of :data:`CASE_DATASETS`."""
    try:
        return CASE_DATASETS[name](seed)
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; expected one of {', '.join(CASE_DATASETS)}") from None
