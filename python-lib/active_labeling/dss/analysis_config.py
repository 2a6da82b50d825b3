"""The Query Strategy Analysis recipe's settings, read from its raw DSS config.

Pure: no ``dataiku``, no I/O (see :mod:`active_labeling.dss.components`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Mapping, Optional

from active_labeling.analysis.models import LOGISTIC_REGRESSION, MODEL_FAMILIES
from active_labeling.analysis.policies import DEFAULT_STRATEGY, SIMULATED_STRATEGIES
from active_labeling.analysis.simulation import SimulationSettings
from active_labeling.params import ParamError, ParamReader
from active_labeling.sampling.strategies import MARGIN, RANDOM

COMPONENT = "Query Strategy Analysis recipe"
LABELS = {
    "target_column": "Label column",
    "feature_columns": "Feature columns",
    "path_column": "Path column",
    "media_kind": "Kind of files",
    "model_family": "Model",
    "strategies": "Strategies to compare",
    "batch_size": "Batch size",
    "initial_labels": "Initial labels",
    "budget": "Label budget",
    "repetitions": "Repetitions",
    "random_seed": "Random seed",
    "test_share": "Held-out share",
    "eval_every": "Measure every",
}
DEFAULT_STRATEGIES = (RANDOM, MARGIN, "batch_diversity", DEFAULT_STRATEGY)


@dataclass
class AnalysisConfig:
    """Typed settings of the recipe."""

    settings: SimulationSettings
    target_column: str
    feature_columns: List[str] = field(default_factory=list)
    path_column: str = "path"
    media_kind: str = "image"


def parse_analysis_config(raw: Optional[Mapping[str, Any]]) -> AnalysisConfig:
    """Validate the recipe's raw config into an :class:`AnalysisConfig`.

    Raises
    ------
    ParamError
        Naming the parameter and what to change.
    """
    reader = ParamReader(raw, COMPONENT, LABELS)
    target = reader.string("target_column")
    features = reader.string_list("feature_columns")
    path_column = reader.string("path_column", "path")
    media_kind = reader.choice("media_kind", ("image", "sound"), "image")
    model = reader.choice("model_family", MODEL_FAMILIES, LOGISTIC_REGRESSION)
    strategies = reader.choices("strategies", SIMULATED_STRATEGIES, DEFAULT_STRATEGIES)
    if not strategies:
        raise ParamError(f"{COMPONENT}: parameter 'Strategies to compare' (strategies) should list at "
                         "least one strategy. Fix it in the settings of the recipe.")
    batch_size = reader.integer("batch_size", 10, minimum=1, maximum=10000)
    initial = reader.integer("initial_labels", 20, minimum=1)
    budget = reader.integer("budget", 300, minimum=2)
    if budget <= initial:
        raise ParamError(f"{COMPONENT}: parameter 'Label budget' (budget) should be more than the "
                         f"initial labels ({initial}), got {budget}. Fix it in the settings of the recipe.")
    settings = SimulationSettings(
        model=model, strategies=tuple(dict.fromkeys(strategies)), batch_size=batch_size,
        initial_labels=initial, budget=budget,
        repetitions=reader.integer("repetitions", 5, minimum=1, maximum=100),
        seed=reader.integer("random_seed", 0),
        test_size=reader.number("test_share", 0.3, minimum=0.05, maximum=0.9),
        eval_every=reader.integer("eval_every", 1, minimum=1))
    return AnalysisConfig(settings=settings, target_column=target, feature_columns=features,
                          path_column=path_column, media_kind=media_kind)
