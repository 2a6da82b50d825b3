"""The settings of the "every n labelings" trigger, read from its raw DSS config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from active_labeling.params import ParamReader

COMPONENT = "Every n labelings trigger"
LABELS = {
    "n": "Number of labelings",
    "metadata_dataset": "Metadata dataset",
    "queries_dataset": "Queries dataset",
}


@dataclass(frozen=True)
class TriggerConfig:
    """Validated trigger settings; dataset names are as DSS gives them (short or full)."""

    n: int
    metadata_dataset: str
    queries_dataset: Optional[str]


def parse_trigger_config(raw: Optional[Mapping[str, Any]]) -> TriggerConfig:
    """Validate the trigger's config (what ``get_trigger_config()`` returns).

    Raises
    ------
    ParamError
        With the parameter's label and what to fix.
    """
    reader = ParamReader(raw, COMPONENT, LABELS)
    return TriggerConfig(
        n=reader.integer("n", default=100, minimum=1),
        metadata_dataset=reader.string("metadata_dataset"),
        queries_dataset=reader.string("queries_dataset", default=None),
    )
