"""The queries generation: a counter bumped each time the Query Sampler writes new queries.

In DSS it lives in the project's *local* variables (runtime state, not exported with bundles),
under one key holding a counter per queries dataset, so that webapps and the trigger notice a new
generation without reading the queries dataset itself.
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any, Mapping, Optional

GENERATION_VARIABLE = "active_labeling_queries_generation"
# When each generation was written (ISO 8601 UTC): decisions dated after it belong to it, which
# lets the trigger count "labelings in the current generation" from the metadata's dates alone.
GENERATION_DATE_VARIABLE = "active_labeling_queries_generation_date"


def read_generation(variables: Mapping[str, Any], queries_dataset: str) -> int:
    """The current generation of ``queries_dataset`` (a full name), 0 when never written.

    Parameters
    ----------
    variables : mapping
        What ``Project.get_variables()`` returns: ``{"standard": {...}, "local": {...}}``.
    queries_dataset : str
        Full name ``PROJECTKEY.name`` of the queries dataset.
    """
    counters = (variables.get("local") or {}).get(GENERATION_VARIABLE) or {}
    try:
        return int(counters.get(queries_dataset, 0))
    except (TypeError, ValueError):
        return 0


def read_generation_date(variables: Mapping[str, Any], queries_dataset: str) -> Optional[str]:
    """When the current generation of ``queries_dataset`` was written (ISO 8601 UTC), or None."""
    dates = (variables.get("local") or {}).get(GENERATION_DATE_VARIABLE) or {}
    value = dates.get(queries_dataset)
    return value if isinstance(value, str) and value else None


def with_generation_bumped(variables: Mapping[str, Any], queries_dataset: str,
                           now: Optional[datetime] = None) -> tuple:
    """A copy of ``variables`` with the generation of ``queries_dataset`` incremented.

    Returns
    -------
    (variables, generation) : the new variables (both keys kept) and the new generation number.
    """
    new = {"standard": copy.deepcopy(dict(variables.get("standard") or {})),
           "local": copy.deepcopy(dict(variables.get("local") or {}))}
    counters = dict(new["local"].get(GENERATION_VARIABLE) or {})
    generation = read_generation(variables, queries_dataset) + 1
    counters[queries_dataset] = generation
    new["local"][GENERATION_VARIABLE] = counters
    dates = dict(new["local"].get(GENERATION_DATE_VARIABLE) or {})
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    dates[queries_dataset] = moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    new["local"][GENERATION_DATE_VARIABLE] = dates
    return new, generation
