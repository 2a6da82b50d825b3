"""The default model of each kind of pool, as an unfitted scikit-learn pipeline."""

from __future__ import annotations

from typing import Optional, Sequence

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from active_labeling.learning.files import Reader
from active_labeling.learning.media_features import ImageFeatures, SoundFeatures
from active_labeling.learning.tabular import tabular_pipeline

KINDS = ("tabular", "image", "sound")


def default_pipeline(kind: str, frame: pd.DataFrame, columns: Optional[Sequence[str]] = None,
                     reader: Optional[Reader] = None, seed: int = 0) -> Pipeline:
    """An unfitted pipeline for a pool of ``kind``.

    Parameters
    ----------
    kind : str
        ``tabular``, ``image`` or ``sound``.
    frame : DataFrame
        The labeled rows (tabular: to tell column types apart; folders: a ``path`` column).
    columns : sequence of str, optional
        Tabular feature columns; default: every column of ``frame``.
    reader : callable, optional
        Folders: path → binary stream or bytes.
    seed : int
        Seeds the classifier.
    """
    if kind == "tabular":
        return tabular_pipeline(frame, list(columns if columns is not None else frame.columns), seed)
    if kind == "image":
        features = ImageFeatures(reader)
    elif kind == "sound":
        features = SoundFeatures(reader)
    else:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    return Pipeline([("features", features), ("scale", StandardScaler()),
                     ("classifier", LogisticRegression(max_iter=1000, random_state=seed))])
