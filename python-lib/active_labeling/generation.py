"""The queries generation: a counter bumped each time the Query Sampler writes new queries.

In DSS it lives in the project's *local* variables (runtime state, not exported with bundles),
under one key holding a counter per queries dataset, so that webapps and the trigger notice a new
generation without reading the queries dataset itself.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

GENERATION_VARIABLE = "active_labeling_queries_generation"


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


def with_generation_bumped(variables: Mapping[str, Any], queries_dataset: str) -> tuple:
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
    return new, generation
