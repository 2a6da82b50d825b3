"""The Stopping criteria scenario step's settings, read from its raw DSS config.

Pure: no ``dataiku``, no I/O (see :mod:`active_labeling.dss.components`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from active_labeling.analysis.stopping import StoppingThresholds
from active_labeling.params import ParamReader

COMPONENT = "Stopping criteria step"
LABELS = {
    "model": "Saved model",
    "pool_kind": "Unlabeled items are",
    "pool_dataset": "Unlabeled dataset",
    "pool_folder": "Unlabeled folder",
    "labels_dataset": "Labels dataset",
    "label_column": "Label column",
    "sample_size": "Sample size",
    "random_seed": "Random seed",
    "min_kappa": "Minimum agreement (kappa)",
    "window": "Window (retrains)",
    "max_contradiction": "Maximum contradiction rate",
    "require_uncertainty": "Require low uncertainty",
    "max_uncertainty": "Maximum mean uncertainty",
    "history_dataset": "History dataset",
}


@dataclass
class StoppingStepConfig:
    """Typed settings of the step."""

    model: str
    pool: str
    labels_dataset: str
    label_column: str
    thresholds: StoppingThresholds
    sample_size: int = 1000
    seed: int = 0
    history_dataset: Optional[str] = None


def parse_stopping_config(raw: Optional[Mapping[str, Any]]) -> StoppingStepConfig:
    """Validate the step's raw config into a :class:`StoppingStepConfig`.

    Raises
    ------
    ParamError
        Naming the parameter and what to change.
    """
    reader = ParamReader(raw, COMPONENT, LABELS)
    model = reader.string("model")
    kind = reader.choice("pool_kind", ("dataset", "folder"), "dataset")
    pool = reader.string("pool_dataset") if kind == "dataset" else reader.string("pool_folder")
    labels_dataset = reader.string("labels_dataset")
    label_column = reader.string("label_column", "label")
    sample_size = reader.integer("sample_size", 1000, minimum=20, maximum=20000)
    seed = reader.integer("random_seed", 0)
    thresholds = StoppingThresholds(
        min_kappa=reader.number("min_kappa", 0.99, minimum=0.0, maximum=1.0),
        window=reader.integer("window", 3, minimum=1, maximum=20),
        max_contradiction=reader.number("max_contradiction", 0.10, minimum=0.0, maximum=1.0),
        max_uncertainty=(reader.number("max_uncertainty", 0.2, minimum=0.0, maximum=1.0)
                         if reader.boolean("require_uncertainty", False) else None))
    history = reader.string("history_dataset", None)
    return StoppingStepConfig(model=model, pool=pool, labels_dataset=labels_dataset,
                              label_column=label_column, thresholds=thresholds, sample_size=sample_size,
                              seed=seed, history_dataset=history)
