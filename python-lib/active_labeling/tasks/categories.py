"""The ``categories`` task: several categories per item (multi-label).

The label is a non-empty list of category names without repeats; the label column holds it as a
JSON list, e.g. ``["cat", "dog"]`` (parse it with ``json.loads``).
"""

from __future__ import annotations

import json
from typing import Any, FrozenSet, Iterable, List, Mapping, Optional

from active_labeling.sampling.suggestions import PREDICTION_COLUMN
from active_labeling.tasks.base import LabelContext, LabelError, Task


class CategoriesTask(Task):
    """Several categories per item."""

    name = "categories"
    multi_label = True
    # The Query Sampler's guess for each query (active_labeling.sampling.suggestions).
    prelabel_column = PREDICTION_COLUMN
    ranks_predictions = False

    def check(self, label: Any, context: LabelContext) -> List[str]:
        """The names in the order given, repeats dropped."""
        if not isinstance(label, list) or not label or not all(isinstance(x, str) for x in label):
            raise LabelError("label should be a non-empty list of category names (multi-label mode)")
        unknown = [x for x in label if x not in context.categories]
        if unknown:
            raise LabelError(f"unknown category {unknown[0]!r}; categories are {sorted(context.categories)}")
        return list(dict.fromkeys(label))

    def encode(self, label: Any) -> str:
        """A JSON list of names (a single name becomes a list of one)."""
        labels = list(label) if isinstance(label, (list, tuple)) else [label]
        return json.dumps(labels, ensure_ascii=False)

    def decode(self, text: str) -> List[str]:
        """A JSON list of names; a text that is not JSON is one category (written by hand)."""
        try:
            value = json.loads(text)
        except ValueError:
            return [text]
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def categories_of(self, label: Any) -> Iterable[str]:
        """Each chosen category."""
        if label is None:
            return ()
        return label if isinstance(label, list) else (label,)

    def agreement(self, first: Any, second: Any) -> float:
        """Jaccard index of the two sets of categories (1 when both are empty)."""
        a, b = set(self.categories_of(first)), set(self.categories_of(second))
        return 1.0 if not a | b else len(a & b) / len(a | b)

    def uncertainty(self, prediction: Mapping[str, float]) -> float:
        """Mean closeness to 0.5 of each category's probability: 1 when all are 0.5, 0 when all are sure."""
        values = [float(v) for v in prediction.values()]
        return sum(1.0 - abs(2.0 * v - 1.0) for v in values) / len(values) if values else 1.0

    def suggestion(self, raw: Any, categories: FrozenSet[str]) -> Optional[List[str]]:
        """The known names of a pre-label list, else None."""
        if isinstance(raw, str):
            raw = self.decode(raw)
        if not isinstance(raw, list):
            return None
        known = [x for x in dict.fromkeys(raw) if isinstance(x, str) and x in categories]
        return known or None
