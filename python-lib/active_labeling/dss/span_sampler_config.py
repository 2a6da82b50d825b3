"""The Span Query Sampler recipe's settings, read from its raw DSS config.

Pure: no ``dataiku``, no I/O (see :mod:`active_labeling.dss.components`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from active_labeling.params import ParamReader

COMPONENT = "Span Query Sampler recipe"
LABELS = {"text_column": "Text column", "id_column": "Item id column", "label_column": "Label column",
          "n_queries": "Number of queries"}


@dataclass
class SpanSamplerConfig:
    """Typed settings of the recipe."""

    text_column: str
    id_column: Optional[str] = None
    label_column: str = "label"
    n_queries: int = 1000


def parse_span_sampler_config(raw: Optional[Mapping[str, Any]]) -> SpanSamplerConfig:
    """Validate the recipe's raw config (pure: no ``dataiku`` call).

    Raises
    ------
    ParamError
        Naming the parameter and what to change.
    """
    reader = ParamReader(raw, COMPONENT, LABELS)
    return SpanSamplerConfig(text_column=reader.string("text_column"),
                             id_column=reader.string("id_column", default=None),
                             label_column=reader.string("label_column", "label"),
                             n_queries=reader.integer("n_queries", 1000, minimum=0))
