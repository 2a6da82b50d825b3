"""The Query Sampler for object detection: images ranked by how unsure a detector is of its boxes.

The detector is not run here (no deep learning in this plugin): its output arrives as a table of
one row per image, a path and its boxes with confidences (``[{"bbox": [x, y, w, h], "category",
"confidence"}]``, what DSS's object detection scoring writes; see :mod:`active_labeling.tasks.boxes`).
Each image's score is the boxes task's uncertainty: one minus the mean confidence of its boxes,
so that images with only weak boxes come first, images with only sure boxes last, and an image
with no box sits in between (:data:`~active_labeling.tasks.boxes.NO_BOX_SCORE`). The queries keep
the boxes, which the labeling webapp draws as pre-boxes.

The table is read chunk by chunk; only the best ``n_queries`` rows are kept between chunks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterable, Optional, Tuple

import numpy as np
import pandas as pd

from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.exclusion import LabeledFilter
from active_labeling.sampling.folder_rows import PATH_COLUMN
from active_labeling.sampling.report import SamplingReport
from active_labeling.tasks.boxes import PREDICTION_COLUMN, BoxesTask, DetectionFormatError

STRATEGY = "detection_uncertainty"
OUTPUT_COLUMNS = (PATH_COLUMN, PREDICTION_COLUMN, "score", "rank", "strategy", "model_version")


@dataclass
class DetectionSettings:
    """What to sample.

    Attributes
    ----------
    n_queries : int
        How many images to keep, most uncertain first; 0 keeps them all.
    path_column, prediction_column : str
        The table's columns of image paths and of boxes.
    """

    n_queries: int = 1000
    path_column: str = PATH_COLUMN
    prediction_column: str = PREDICTION_COLUMN

    def __post_init__(self):
        if self.n_queries < 0:
            raise SamplerError("the number of queries must be 0 (all images) or more")


def detection_scores(cells: Iterable) -> Tuple[np.ndarray, np.ndarray]:
    """Each cell's uncertainty and whether it could be read (a cell that is not boxes is NaN, False)."""
    task = BoxesTask()
    scores, readable = [], []
    for cell in cells:
        try:
            scores.append(task.uncertainty(cell))
            readable.append(True)
        except DetectionFormatError:
            scores.append(np.nan)
            readable.append(False)
    return np.asarray(scores, dtype=float), np.asarray(readable, dtype=bool)


def rank_detections(chunks: Iterable[pd.DataFrame], settings: DetectionSettings,
                    labeled: Optional[LabeledFilter] = None,
                    model_version: str = "") -> Tuple[pd.DataFrame, SamplingReport]:
    """The queries: ``path``, ``prediction`` (the boxes as JSON text), ``score``, ``rank``...

    Parameters
    ----------
    chunks : iterable of DataFrame
        The detector's output, with ``settings.path_column`` and ``settings.prediction_column``.
    labeled : LabeledFilter, optional
        Images it reports as labeled are left out (on the ``path`` column).

    Raises
    ------
    SamplerError
        A column is missing, the table is empty, or no row holds boxes.
    """
    started = time.perf_counter()
    report = SamplingReport(strategy=STRATEGY, model_version=str(model_version))
    kept: Optional[pd.DataFrame] = None
    capacity = settings.n_queries or None
    for chunk in chunks:
        missing = [c for c in (settings.path_column, settings.prediction_column) if c not in chunk.columns]
        if missing:
            raise SamplerError(f"the detector's output has no column {', '.join(missing)} (columns: "
                               f"{', '.join(map(str, chunk.columns))}): give the column of image paths "
                               "and the column of boxes")
        report.rows_read += len(chunk)
        rows = pd.DataFrame({PATH_COLUMN: ["/" + str(p).lstrip("/") for p in chunk[settings.path_column]],
                             PREDICTION_COLUMN: chunk[settings.prediction_column].to_numpy(dtype=object)})
        if labeled is not None:
            excluded = labeled.excluded(rows)
            report.rows_excluded += int(excluded.sum())
            rows = rows[~excluded]
        scores, readable = detection_scores(rows[PREDICTION_COLUMN].tolist())
        report.rows_dropped += int((~readable).sum())
        rows = rows[readable].assign(score=scores[readable])
        report.rows_scored += len(rows)
        kept = rows if kept is None else pd.concat([kept, rows], ignore_index=True)
        if capacity is not None and len(kept) > capacity:
            kept = _best(kept).head(capacity)
    if not report.rows_read:
        raise SamplerError("the detector's output is empty: score the images first")
    if not report.rows_scored and report.rows_dropped:
        raise SamplerError(f"none of the {report.rows_dropped} rows of the detector's output holds boxes "
                           f"(a JSON list of {{\"bbox\": [x, y, width, height], \"category\", "
                           f"\"confidence\"}}): check the column of boxes")
    if kept is None:
        kept = pd.DataFrame(columns=[PATH_COLUMN, PREDICTION_COLUMN, "score"])
    queries = _best(kept)
    if capacity is not None:
        queries = queries.head(capacity)
    queries = queries.reset_index(drop=True)
    queries[PREDICTION_COLUMN] = [_as_text(v) for v in queries[PREDICTION_COLUMN].tolist()]
    queries["score"] = queries["score"].astype(np.float64)
    queries["rank"] = np.arange(1, len(queries) + 1, dtype=np.int64)
    queries["strategy"] = STRATEGY
    queries["model_version"] = str(model_version)
    report.queries_written = len(queries)
    report.seconds = time.perf_counter() - started
    return queries[list(OUTPUT_COLUMNS)], report


def _best(rows: pd.DataFrame) -> pd.DataFrame:
    # Most uncertain first; equal scores in path order, so that a run is reproducible.
    return rows.sort_values(["score", PATH_COLUMN], ascending=[False, True], kind="mergesort")


def _as_text(cell) -> str:
    import json

    if isinstance(cell, str):
        return cell
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return "[]"
    return json.dumps(cell, ensure_ascii=False)
