"""What DSS's visual ML writes for a saved model version, and a small training like its own.

A version made from a fitted estimator (``describe_version``) gets the parameters DSS would have
written for those input columns; ``train`` fits a pipeline the way a visual ML design with default
settings does (numbers imputed with their mean and standardised, categories dummified with an
``N/A`` dummy, texts in TF-IDF, a logistic regression) on a dataset's rows as DSS reads them for
training (only an empty cell is missing), and describes it. The feature names follow
``doctor/preprocessing`` of the DSS 9.0.5 distribution: ``dummy:<column>:<value>``,
``dummy:<column>:N/A``, ``tfidfvec:<column>:<idf>:<word>``.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

FEATURE_TYPES = ("NUMERIC", "CATEGORY", "TEXT")
_DSS_TYPE_OF = {"NUMERIC": "double", "CATEGORY": "string", "TEXT": "string"}


def as_text(values) -> np.ndarray:
    """Texts for the vectorizer: a missing text is empty (module level: pickled with the model)."""
    return pd.Series(np.ravel(values), dtype=object).fillna("").astype(str).to_numpy()


def describe_version(features, feature_types: Optional[Dict[str, str]] = None,
                     schema: Optional[List[dict]] = None, drop_rows_with_missing: bool = True,
                     target: Optional[str] = None, generated: Optional[List[str]] = None,
                     threshold: float = 0.5) -> dict:
    """``version.json`` for a model whose input columns are ``features``.

    Parameters
    ----------
    features : list of str or dict
        The input columns; a dict gives each one's feature type (``NUMERIC`` by default).
    schema : list of {"name", "type"}, optional
        The training data's schema (default: numbers as double, others as string).
    generated : list of str, optional
        The generated feature names (default: each column's own name for numbers, only the
        ``N/A`` dummy for categories whose values are unknown).
    """
    types = dict(features) if isinstance(features, dict) else {f: "NUMERIC" for f in features}
    types.update(feature_types or {})
    unknown = sorted(set(types.values()) - set(FEATURE_TYPES))
    if unknown:
        raise ValueError(f"feature types are {FEATURE_TYPES}, not {unknown}")
    missing = "DROP_ROW" if drop_rows_with_missing else "IMPUTE"
    per_feature = {name: {"role": "INPUT", "type": kind, "missing_handling": missing if kind == "NUMERIC"
                          else "IMPUTE"} for name, kind in types.items()}
    if target:
        per_feature[target] = {"role": "TARGET", "type": "CATEGORY"}
    schema = schema or [{"name": n, "type": _DSS_TYPE_OF[k]} for n, k in types.items()]
    if generated is None:
        generated = [n if k == "NUMERIC" else f"dummy:{n}:N/A" for n, k in types.items() if k != "TEXT"]
    return {"per_feature": per_feature, "schema": schema, "generated_features": list(generated),
            "threshold": threshold}


def train(frame: pd.DataFrame, target: str, features: Dict[str, str],
          schema: Sequence[dict]) -> Tuple[object, dict]:
    """Fit a visual-ML-like pipeline on ``frame`` (cells as text, empty ones missing).

    Returns
    -------
    (estimator, version description)
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    rows = frame[frame[target].notna()]
    X = rows[list(features)].copy()
    for name, kind in features.items():
        X[name] = pd.to_numeric(X[name], errors="coerce") if kind == "NUMERIC" else X[name].astype(object)
    parts, generated = [], []
    numeric = [n for n, k in features.items() if k == "NUMERIC"]
    if numeric:
        parts.append(("num", make_pipeline(SimpleImputer(), StandardScaler()), numeric))
        generated += numeric
    for name in (n for n, k in features.items() if k == "CATEGORY"):
        values = sorted(X[name].dropna().astype(str).unique())
        encoder = make_pipeline(SimpleImputer(strategy="constant", fill_value="N/A"),
                                OneHotEncoder(categories=[values + ["N/A"]], handle_unknown="ignore"))
        parts.append((f"cat_{name}", encoder, [name]))
        generated += [f"dummy:{name}:{v}" for v in values] + [f"dummy:{name}:N/A"]
    for name in (n for n, k in features.items() if k == "TEXT"):
        vectorizer = TfidfVectorizer()
        parts.append((f"text_{name}", make_pipeline(FunctionTransformer(as_text), vectorizer), name))
    estimator = make_pipeline(ColumnTransformer(parts), LogisticRegression(max_iter=1000))
    estimator.fit(X, rows[target].astype(str))
    for name, kind in features.items():
        if kind == "TEXT":
            vectorizer = estimator[0].named_transformers_[f"text_{name}"][-1]
            generated += [f"tfidfvec:{name}:{idf:.3f}:{word}"
                          for word, idf in zip(vectorizer.get_feature_names_out(), vectorizer.idf_)]
    version = describe_version(features, schema=list(schema), drop_rows_with_missing=False, target=target,
                               generated=generated)
    return estimator, version
