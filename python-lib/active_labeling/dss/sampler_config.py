"""The Query Sampler recipe's settings, read from its raw DSS config.

Pure: no ``dataiku``, no I/O (see :mod:`active_labeling.dss.components`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from active_labeling.params import ParamError, ParamReader
from active_labeling.sampling.diversity import AUTO, SPACES
from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.sampler import SamplerSettings
from active_labeling.sampling.strategies import (
    AUTO_MEASURE,
    BATCH_STRATEGIES,
    DEFAULT_STRATEGY,
    STRATEGIES,
    UNCERTAINTY_MEASURES,
)

COMPONENT = "Query Sampler recipe"
LABELS = {
    "strategy": "Strategy",
    "n_queries": "Number of queries",
    "chunk_size": "Chunk size",
    "random_seed": "Random seed",
    "item_id_column": "Item id column",
    "diversity_measure": "Uncertainty measure",
    "diversity_factor": "Candidates per query",
    "diversity_space": "Clustering space",
}


@dataclass
class SamplerConfig:
    """Typed settings of the recipe."""

    settings: SamplerSettings
    chunk_size: int
    item_id_column: Optional[str]


def parse_sampler_config(raw: Optional[Mapping[str, Any]]) -> SamplerConfig:
    """Validate the recipe's raw config into a :class:`SamplerConfig`.

    Raises
    ------
    ParamError
        Naming the parameter and what to change.
    """
    reader = ParamReader(raw, COMPONENT, LABELS)
    strategy = reader.choice("strategy", STRATEGIES, DEFAULT_STRATEGY)
    n_queries = reader.integer("n_queries", 1000, minimum=0)
    chunk_size = reader.integer("chunk_size", 10000, minimum=100, maximum=1_000_000)
    seed = reader.integer("random_seed", 0)
    item_id_column = reader.string("item_id_column", None)
    measure, factor, space = None, 10, AUTO
    if strategy in BATCH_STRATEGIES:
        measure = reader.choice("diversity_measure", [AUTO_MEASURE, *sorted(UNCERTAINTY_MEASURES)],
                                AUTO_MEASURE)
        factor = reader.integer("diversity_factor", 10, minimum=2, maximum=100)
        space = reader.choice("diversity_space", SPACES, AUTO)
    try:
        settings = SamplerSettings(strategy=strategy, n_queries=n_queries, seed=seed,
                                   diversity_measure=measure, diversity_factor=factor, diversity_space=space)
    except SamplerError as error:
        raise ParamError(f"{COMPONENT}: {error}. Fix it in the recipe's settings.") from None
    return SamplerConfig(settings=settings, chunk_size=chunk_size, item_id_column=item_id_column)
