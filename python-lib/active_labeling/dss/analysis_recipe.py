"""The Query Strategy Analysis recipe's DSS side: read the labeled data, simulate, write the outputs."""

from __future__ import annotations

import logging
from typing import Optional

import dataiku

from active_labeling.analysis.figures import learning_curve_pngs
from active_labeling.analysis.outputs import format_summary, summary_notes, summary_of
from active_labeling.analysis.prepare import (
    PreparationError,
    labels_from_subfolders,
    media_files,
    prepare_media,
    prepare_table,
)
from active_labeling.analysis.simulation import run_simulation
from active_labeling.dss.analysis_config import COMPONENT, AnalysisConfig
from active_labeling.dss.dataset_io import fresh, read_text, read_with_exact_columns, schema_of

LOG = logging.getLogger(__name__)


def run_strategy_analysis(config: AnalysisConfig, data: str, labels: Optional[str], curves: str,
                          summary: str, plots: Optional[str]) -> None:
    """Simulate the configured strategies and write the curves, the summary and the plots.

    Parameters
    ----------
    config : AnalysisConfig
    data : str
        Full name of the labeled dataset, or of a managed folder of images or sounds.
    labels : str, optional
        For a folder: a dataset with the path column and the label column (else labels come
        from the folder's class subfolders).
    curves, summary : str
        Output datasets.
    plots : str, optional
        Output managed folder for the PNG plots.
    """
    try:
        X, y = _read(config, data, labels)
    except PreparationError as error:
        raise ValueError(f"{COMPONENT}: {error}.") from None
    LOG.info("simulating %s on %d rows, %d features", ", ".join(config.settings.strategies), *X.shape)
    result = run_simulation(X, y, config.settings)
    table = summary_of(result)
    LOG.info("summary (full-data accuracy %.3f):\n%s\n%s", result.full_data["accuracy"].mean(),
             format_summary(table), "\n".join(f"- {note}" for note in summary_notes(result, table)))
    dataiku.Dataset(curves).write_with_schema(result.curves)
    dataiku.Dataset(summary).write_with_schema(table)
    if plots:
        folder = dataiku.Folder(plots)
        for name, png in learning_curve_pngs(result).items():
            folder.upload_data(name, png)


def _read(config: AnalysisConfig, data: str, labels: Optional[str]):
    if _is_folder(data):
        folder = dataiku.Folder(data)
        if labels:
            columns = [c["name"] for c in schema_of(labels)]
            for column in (config.path_column, config.target_column):
                if column not in columns:
                    raise PreparationError(f"the labels dataset has no column {column!r}")
            # Paths and labels as stored: a label "NA" is a label, not a missing value.
            table = read_text(fresh(labels), [config.path_column, config.target_column])
            table = table[table[config.target_column].notna()]
            paths = ["/" + str(p).lstrip("/") for p in table[config.path_column]]
            values = table[config.target_column].tolist()
        else:
            paths, values = labels_from_subfolders(media_files(folder.list_paths_in_partition(),
                                                               config.media_kind))
        return prepare_media(paths, values, config.media_kind, folder.get_download_stream)
    frame = read_with_exact_columns(data, [config.target_column])
    X, y, used = prepare_table(frame, config.target_column, config.feature_columns or None)
    for line in used:  # which columns the simulated model uses, and how
        LOG.info("%s: features: %s", COMPONENT, line)
    return X, y


def _is_folder(name: str) -> bool:
    # Inputs of a role may be datasets or folders: the flow spec does not say which, so ask DSS.
    try:
        dataiku.Folder(name).list_paths_in_partition()
        return True
    except Exception:
        return False
