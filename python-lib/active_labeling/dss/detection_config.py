"""The Object detection Query Sampler recipe's settings, read from its raw DSS config.

Pure: no ``dataiku``, no I/O (see :mod:`active_labeling.dss.components`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from active_labeling.params import ParamReader
from active_labeling.sampling.detections import DetectionSettings

COMPONENT = "Object detection Query Sampler recipe"
LABELS = {
    "n_queries": "Number of queries",
    "chunk_size": "Chunk size",
    "path_column": "Path column",
    "prediction_column": "Boxes column",
}


@dataclass
class DetectionSamplerConfig:
    """Typed settings of the recipe."""

    settings: DetectionSettings
    chunk_size: int


def parse_detection_sampler_config(raw: Optional[Mapping[str, Any]]) -> DetectionSamplerConfig:
    """Validate the recipe's raw config.

    Raises
    ------
    ParamError
        Naming the parameter and what to change.
    """
    reader = ParamReader(raw, COMPONENT, LABELS)
    settings = DetectionSettings(n_queries=reader.integer("n_queries", 1000, minimum=0),
                                 path_column=reader.string("path_column", "path"),
                                 prediction_column=reader.string("prediction_column", "prediction"))
    return DetectionSamplerConfig(settings, reader.integer("chunk_size", 1000, minimum=10, maximum=1_000_000))
