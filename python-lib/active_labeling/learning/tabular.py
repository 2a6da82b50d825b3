"""The default tabular model: scaled numbers, one-hot categories, the text model's TF-IDF of free-text
columns (word and character n-grams, ``learning.text``), a logistic regression."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from active_labeling.learning.model_input import texts
from active_labeling.learning.text import describe_text_features, text_features

NUMERIC, CATEGORY, TEXT = "numeric", "category", "text"
# A text column has long values or words, and many distinct values; otherwise it is a category.
_TEXT_MIN_MEAN_LENGTH = 20
_TEXT_MIN_DISTINCT_SHARE = 0.5


def column_kinds(frame: pd.DataFrame, columns: Sequence[str]) -> Dict[str, str]:
    """How each column is treated: ``numeric``, ``category`` or ``text``."""
    kinds = {}
    for column in columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            present = values.dropna().astype(str)
            present = present[present != ""]  # a missing text, as model inputs write it
            distinct = present.nunique() / max(len(present), 1)
            wordy = (present.str.len().mean() >= _TEXT_MIN_MEAN_LENGTH
                     or present.str.contains(" ").mean() > 0.5)
            is_text = len(present) and wordy and distinct >= _TEXT_MIN_DISTINCT_SHARE
            kinds[column] = TEXT if is_text else CATEGORY
        else:
            kinds[column] = NUMERIC
    return kinds


def as_text(values) -> np.ndarray:
    """Values as strings, missing ones as empty text (module-level so that pipelines pickle)."""
    frame = pd.DataFrame(values)
    return frame.fillna("").astype(str).to_numpy()


def as_text_1d(values) -> np.ndarray:
    """One column's values as a flat array of strings, for TF-IDF (the rule of ``model_input``)."""
    return texts(values)


def describe_columns(kinds: Dict[str, str], pool_size: Optional[int] = None) -> str:
    """Which columns the default tabular model uses, and how, in words."""
    how = {NUMERIC: "numbers (median-imputed, standardized)", CATEGORY: "categories (one-hot)",
           TEXT: f"text: {describe_text_features(pool_size)}"}
    parts = []
    for kind in (TEXT, NUMERIC, CATEGORY):
        names = [c for c, k in kinds.items() if k == kind]
        if names:
            parts.append(f"{', '.join(names)}: {how[kind]}")
    return "; ".join(parts)


def tabular_pipeline(frame: pd.DataFrame, columns: Sequence[str], seed: int = 0,
                     pool_size: Optional[int] = None) -> Pipeline:
    """An unfitted pipeline suited to ``columns`` of ``frame`` (the labeled rows).

    Parameters
    ----------
    frame : DataFrame
        Rows used to tell numeric, category and text columns apart.
    columns : sequence of str
        The feature columns (leave out ids and labels).
    seed : int
        Seeds the logistic regression's solver.
    pool_size : int, optional
        Rows in the pool: text features are hashed in a large one (``learning.text``).
    """
    kinds = column_kinds(frame, columns)
    parts: List = []
    numeric = [c for c in columns if kinds[c] == NUMERIC]
    if numeric:
        parts.append((NUMERIC, make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric))
    categories = [c for c in columns if kinds[c] == CATEGORY]
    if categories:
        parts.append((CATEGORY, make_pipeline(FunctionTransformer(as_text),
                                              OneHotEncoder(handle_unknown="ignore")), categories))
    for column in (c for c in columns if kinds[c] == TEXT):
        # One vectorizer per text column: TF-IDF reads one column of strings at a time.
        parts.append((f"{TEXT}:{column}", make_pipeline(FunctionTransformer(as_text_1d),
                                                        text_features(pool_size)), [column]))
    if not parts:
        raise ValueError("no feature column to learn from")
    features = ColumnTransformer(parts, remainder="drop")
    return Pipeline([("features", features),
                     ("classifier", LogisticRegression(max_iter=1000, random_state=seed))])
