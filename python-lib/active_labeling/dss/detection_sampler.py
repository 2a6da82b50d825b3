"""The Object detection Query Sampler recipe's story: read a detector's boxes, rank, write the queries.

The boxes come either from an object detection saved model (its active version's ``predict`` on
the folder's image paths, DSS 10.0 and later) or from a predictions dataset (the output of DSS's
scoring recipe with such a model, one row per image). The queries hold each image's path, its boxes
(the labeling webapp's pre-boxes), its score and rank; the generation is bumped so that the
webapps follow.
"""

from __future__ import annotations

import logging
import posixpath
from typing import Iterator, Optional

import dataiku
import pandas as pd

from active_labeling.dss import sampler_io
from active_labeling.dss.dataset_io import fresh, iter_text
from active_labeling.dss.detection_config import COMPONENT, DetectionSamplerConfig
from active_labeling.dss.pools import display_name
from active_labeling.sampling.detections import rank_detections
from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.exclusion import LabeledFilter
from active_labeling.sampling.folder_rows import IMAGE_EXTENSIONS, PATH_COLUMN
from active_labeling.sampling.report import SamplingReport
from active_labeling.tasks.boxes import PREDICTION_COLUMN

log = logging.getLogger("active_labeling.detection_sampler")


def run_detection_sampler(config: DetectionSamplerConfig, detector: Optional[str], images: Optional[str],
                          predictions: Optional[str], metadata: Optional[str],
                          queries: str) -> SamplingReport:
    """Run the recipe on full names of its inputs and output; logs and returns the report.

    Raises
    ------
    SamplerError
        With a message that says what to change.
    """
    settings = config.settings
    try:
        if predictions and detector:
            raise SamplerError("give either a detector (a saved model, with the images' folder) or a "
                               "predictions dataset, not both")
        if predictions:
            chunks, version = _prediction_rows(predictions, settings, config.chunk_size), predictions
        elif detector and images:
            chunks, version = _detector_rows(detector, images, config.chunk_size)
            settings.path_column, settings.prediction_column = PATH_COLUMN, PREDICTION_COLUMN
        else:
            raise SamplerError("give a detector (an object detection saved model) and the folder of images "
                               "it scores, or a predictions dataset (one row per image with its boxes)")
        labeled = LabeledFilter(sampler_io.read_labeled_ids(metadata), PATH_COLUMN) if metadata else None
        rows, report = rank_detections(chunks, settings, labeled, version)
    except SamplerError as error:
        raise SamplerError(f"{COMPONENT}: {error}") from None
    sampler_io.write_queries(queries, rows)
    generation = sampler_io.bump_generation(queries)
    for line in report.lines():
        log.info("%s: %s", COMPONENT, line)
    if report.rows_dropped:
        log.warning("%s: %d rows hold no readable boxes and are not in the queries", COMPONENT,
                    report.rows_dropped)
    log.info("%s: queries generation of %s is now %d", COMPONENT, queries, generation)
    return report


def _prediction_rows(name: str, settings, chunk_size: int) -> Iterator[pd.DataFrame]:
    dataset = fresh(name)
    columns = [c.get("name") for c in dataset.read_schema(raise_if_empty=False) or []]
    if not columns:
        raise SamplerError(f"the predictions dataset {name} is empty (no columns): build it first")
    wanted = [settings.path_column, settings.prediction_column]
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise SamplerError(f"the predictions dataset {name} has no column {', '.join(missing)} (columns: "
                           f"{', '.join(columns)}): set 'Path column' and 'Boxes column'")
    return iter_text(dataset, wanted, chunk_size)


def _detector_rows(model_name: str, folder_name: str, chunk_size: int):
    """The folder's images scored by the saved model, as (path, prediction) chunks; and its version."""
    model = dataiku.Model(model_name)
    shown = display_name(model, model_name)
    versions = model.list_versions()
    active = [v for v in versions if v.get("active")] or versions[-1:]
    version = str(active[0].get("versionId")) if active else "unknown"
    predictor = sampler_io.load_predictor(model, shown, None)
    inputs = list(sampler_io.input_columns(predictor) or [])
    # The model names its image path column as its training data did ("path" from a folder listing).
    column = inputs[0] if len(inputs) == 1 else PATH_COLUMN
    folder = dataiku.Folder(folder_name)
    listed = (str(p) for p in folder.list_paths_in_partition())
    paths = sorted(p if p.startswith("/") else "/" + p for p in listed
                   if posixpath.splitext(p)[1].lower() in IMAGE_EXTENSIONS)
    if not paths:
        kinds = ", ".join(sorted(IMAGE_EXTENSIONS))
        raise SamplerError(f"the folder {display_name(folder, folder_name)} has no image ({kinds}): "
                           "choose the folder of the labeling webapp")

    def chunks() -> Iterator[pd.DataFrame]:
        for start in range(0, len(paths), chunk_size):
            batch = pd.DataFrame({column: paths[start:start + chunk_size]})
            answer = predictor.predict(batch)
            if PREDICTION_COLUMN not in answer.columns:
                raise SamplerError(f"the saved model {shown} answered without a prediction column: choose "
                                   "an object detection model")
            cells = answer[PREDICTION_COLUMN].reindex(batch.index)  # rows it dropped: no boxes read
            yield pd.DataFrame({PATH_COLUMN: batch[column].tolist(), PREDICTION_COLUMN: cells.tolist()})
    return chunks(), version
