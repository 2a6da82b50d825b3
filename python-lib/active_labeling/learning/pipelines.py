"""The default model of each kind of pool, as an unfitted scikit-learn pipeline, and what it uses.

Each model takes what :mod:`active_labeling.learning.model_input` gives for its pool: a DataFrame
of the item columns (tabular), the texts as a 1-D array of strings (text), a DataFrame with a
``path`` column (folders).
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Sequence

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from active_labeling.kinds import NAMES
from active_labeling.learning.files import Reader
from active_labeling.learning.media_features import ImageFeatures, SoundFeatures
from active_labeling.learning.tabular import column_kinds, describe_columns, tabular_pipeline
from active_labeling.learning.text import describe_text_features, text_pipeline

KINDS = NAMES


def _media(features, seed: int) -> Pipeline:
    return Pipeline([("features", features), ("scale", StandardScaler()),
                     ("classifier", LogisticRegression(max_iter=1000, random_state=seed))])


def _names(frame: pd.DataFrame, columns: Optional[Sequence[str]]) -> list:
    return list(columns if columns is not None else frame.columns)


# kind -> (frame, columns, reader, seed, pool_size) -> an unfitted pipeline
_BUILDERS: Dict[str, Callable[..., Pipeline]] = {
    "tabular": lambda frame, columns, reader, seed, pool_size: tabular_pipeline(
        frame, _names(frame, columns), seed, pool_size),
    "text": lambda frame, columns, reader, seed, pool_size: text_pipeline(pool_size, seed),
    "image": lambda frame, columns, reader, seed, pool_size: _media(ImageFeatures(reader), seed),
    "sound": lambda frame, columns, reader, seed, pool_size: _media(SoundFeatures(reader), seed),
}
# kind -> (frame, columns, pool_size, text_column) -> which columns the model uses, and how
_DESCRIPTIONS: Dict[str, Callable[..., str]] = {
    "tabular": lambda frame, columns, pool_size, text_column: describe_columns(
        column_kinds(frame, _names(frame, columns)), pool_size),
    "text": lambda frame, columns, pool_size, text_column: (
        f"{text_column or 'the text column'}: {describe_text_features(pool_size)}"),
    "image": lambda frame, columns, pool_size, text_column: (
        "path: downscaled pixels and color histograms of each image"),
    "sound": lambda frame, columns, pool_size, text_column: "path: MFCC means and deviations of each sound",
}


def default_pipeline(kind: str, frame: Optional[pd.DataFrame] = None, columns: Optional[Sequence[str]] = None,
                     reader: Optional[Reader] = None, seed: int = 0,
                     pool_size: Optional[int] = None) -> Pipeline:
    """An unfitted pipeline for a pool of ``kind``.

    Parameters
    ----------
    kind : str
        ``tabular``, ``text``, ``image`` or ``sound``.
    frame : DataFrame, optional
        Tabular: the labeled rows, to tell column types apart.
    columns : sequence of str, optional
        Tabular feature columns; default: every column of ``frame``.
    reader : callable, optional
        Folders: path → binary stream or bytes.
    seed : int
        Seeds the classifier.
    pool_size : int, optional
        Items in the pool: text features are hashed in a large one.
    """
    if kind not in _BUILDERS:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    return _BUILDERS[kind](frame, columns, reader, seed, pool_size)


def describe_default(kind: str, frame: Optional[pd.DataFrame] = None, columns: Optional[Sequence[str]] = None,
                     pool_size: Optional[int] = None, text_column: Optional[str] = None) -> str:
    """Which columns the default model of ``kind`` uses and how, in words (for ``status`` and logs)."""
    return f"{_DESCRIPTIONS[kind](frame, columns, pool_size, text_column)}; logistic regression"
