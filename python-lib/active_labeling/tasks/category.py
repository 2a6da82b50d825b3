"""The ``category`` task: one category per item (the labeling webapps' default).

The label is a category name; the label column holds it as it is.
"""

from __future__ import annotations

from typing import Any, FrozenSet, Iterable, Mapping, Optional, Sequence, Union

from active_labeling.sampling.suggestions import PREDICTION_COLUMN
from active_labeling.tasks.base import LabelContext, LabelError, Task


class CategoryTask(Task):
    """One category per item."""

    name = "category"
    # The Query Sampler's guess for each query (active_labeling.sampling.suggestions).
    prelabel_column = PREDICTION_COLUMN
    ranks_predictions = False

    def check(self, label: Any, context: LabelContext) -> str:
        """The category name; unknown names and non-text are refused."""
        if not isinstance(label, str):
            raise LabelError("label should be one category name (text)")
        if label not in context.categories:
            raise LabelError(f"unknown category {label!r}; categories are {sorted(context.categories)}")
        return label

    def encode(self, label: Any) -> str:
        """The name itself."""
        return str(label)

    def decode(self, text: str) -> str:
        """The name itself."""
        return text

    def categories_of(self, label: Any) -> Iterable[str]:
        """The label's one category."""
        return () if label is None else (label,)

    def agreement(self, first: Any, second: Any) -> float:
        """1 for the same category, else 0."""
        return float(first == second)

    def uncertainty(self, prediction: Union[Mapping[str, float], Sequence[float]]) -> float:
        """Least confidence: one minus the probability of the likeliest class."""
        values = [float(v) for v in (prediction.values() if isinstance(prediction, Mapping) else prediction)]
        return 1.0 - max(values) if values else 1.0

    def suggestion(self, raw: Any, categories: FrozenSet[str]) -> Optional[str]:
        """A known category name given as a pre-label, else None."""
        return raw if isinstance(raw, str) and raw in categories else None
