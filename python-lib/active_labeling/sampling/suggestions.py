"""The model's suggestion for each query: its likeliest category and its most probable ones.

The Query Sampler writes them next to ``score`` and ``rank``, so that the labeling page can offer
the model's guess (accepted with one key) and say why the item was chosen ("the model hesitates
between cat (48%) and dog (41%)"). Two columns:

- ``prediction``: the likeliest category (the column a scored DSS dataset names so; the
  ``category`` task reads it as its pre-annotation);
- ``probabilities``: a JSON object of the (at most) three likeliest categories and their
  probabilities, likeliest first, e.g. ``{"cat": 0.48, "dog": 0.41, "bird": 0.11}``.
"""

from __future__ import annotations

import json
import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from active_labeling.sampling.probabilities import PROBA_PREFIX

PREDICTION_COLUMN = "prediction"
PROBABILITIES_COLUMN = "probabilities"
SUGGESTION_COLUMNS = (PREDICTION_COLUMN, PROBABILITIES_COLUMN)
# Enough to say "hesitates between a and b" and show the next one; the page needs no more.
TOP_CLASSES = 3
# How the strategy column marks a random exploration pick (balanced.EXPLORATION_LABEL).
EXPLORE_SUFFIX = ":explore"


def class_names(columns: Sequence[str]) -> List[str]:
    """Category names from ``proba_<class>`` column names."""
    return [c[len(PROBA_PREFIX):] if c.startswith(PROBA_PREFIX) else c for c in columns]


def suggestions(proba: np.ndarray, columns: Sequence[str]) -> Tuple[List[str], List[str]]:
    """The ``prediction`` and ``probabilities`` cells of rows with class probabilities ``proba``.

    Parameters
    ----------
    proba : ndarray, shape (n_rows, n_classes)
    columns : sequence of str
        The ``proba_<class>`` column of each class.
    """
    names = class_names(columns)
    if not len(proba) or not names:
        return [], []
    top = min(TOP_CLASSES, len(names))
    # Stable on ties: the class listed first wins, as argmax would choose it.
    order = np.argsort(-proba, axis=1, kind="stable")[:, :top]
    values = np.take_along_axis(proba, order, axis=1)
    predictions = [names[i] for i in order[:, 0].tolist()]
    tables = [json.dumps({names[i]: round(float(v), 4) for i, v in zip(row, vals)}, ensure_ascii=False)
              for row, vals in zip(order.tolist(), values.tolist())]
    return predictions, tables


def probability_table(cell: Any) -> Optional[Dict[str, float]]:
    """A ``probabilities`` cell as ``{category: probability}``, likeliest first; None when unreadable."""
    if isinstance(cell, str):
        try:
            cell = json.loads(cell)
        except ValueError:
            return None
    if not isinstance(cell, dict):
        return None
    table = {}
    for name, value in cell.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number):
            table[str(name)] = number
    return dict(sorted(table.items(), key=lambda kv: -kv[1])) or None


def query_reasons(frame: pd.DataFrame, ids: Sequence[Optional[str]]) -> Dict[str, Dict[str, Any]]:
    """Why each query was chosen, as the page explains it: ``{item id: {"probabilities", "explore"}}``.

    Read from the ``probabilities`` and ``strategy`` columns when the queries have them (queries
    written before either existed give nothing, and the page says less).
    """
    tables = frame[PROBABILITIES_COLUMN].tolist() if PROBABILITIES_COLUMN in frame.columns else None
    strategies = frame["strategy"].tolist() if "strategy" in frame.columns else None
    if tables is None and strategies is None:
        return {}
    reasons = {}
    for n, item_id in enumerate(ids):
        if item_id is None:
            continue
        strategy = strategies[n] if strategies is not None else None
        reasons[item_id] = {"probabilities": probability_table(tables[n]) if tables is not None else None,
                            "explore": isinstance(strategy, str) and strategy.endswith(EXPLORE_SUFFIX)}
    return reasons
