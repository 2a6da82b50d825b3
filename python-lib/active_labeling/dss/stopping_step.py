"""The Stopping criteria step's DSS side: read the retrained model, the pool and the labels; keep state.

What the criteria need between retrains lives in the project's *local* variables (layout in
:mod:`active_labeling.analysis.stopping_store`), one entry per saved model: the monitor's state,
the model version checked, how many labels had been seen, and the last report (which the
labeling UI shows).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Tuple

import dataiku
import pandas as pd

from active_labeling.analysis.fixed_sample import fixed_sample
from active_labeling.analysis.stopping import StoppingMonitor, StoppingReport
from active_labeling.analysis.stopping_store import STOPPING_VARIABLE, read_entries, with_entry
from active_labeling.dss.dataset_io import fresh, read_text, typed_view
from active_labeling.dss.sampler_io import SavedModelScorer, load_predictor, open_pool, open_saved_model
from active_labeling.dss.stopping_config import StoppingStepConfig
from active_labeling.sampling.probabilities import PROBA_PREFIX

LOG = logging.getLogger(__name__)
__all__ = ["STOPPING_VARIABLE", "run_stopping_step"]
CHUNK_ROWS = 10000


def run_stopping_step(config: StoppingStepConfig) -> Dict[str, Any]:
    """Check the criteria for the saved model's active version; returns the stored entry.

    A version already checked is not counted twice (that would fake agreement): its last report
    is returned again.
    """
    model = open_saved_model(config.model)
    stored = read_entries(dataiku.Project().get_variables())
    entry = dict(stored.get(model.name) or {})
    if entry.get("model_version") == model.version and entry.get("report"):
        LOG.info("model version %s was already checked; last verdict kept", model.version)
        return entry
    pool = open_pool(config.pool, model, CHUNK_ROWS, None)
    sample = fixed_sample(pool.chunks, config.sample_size, config.seed)
    # Rows the model's preprocessing drops are absent from its answer: keep the sample's positions
    # so that successive models are compared item by item.
    scored = pool.scorer(sample).reindex(sample.index)
    predictions = scored["prediction"].astype(str).where(scored["prediction"].notna(), "(no prediction)")
    proba_columns = [c for c in scored.columns if str(c).startswith(PROBA_PREFIX)]
    proba = scored[proba_columns].dropna().to_numpy(dtype=float)
    labels, label_ids = _read_labels(config.labels_dataset)
    last_seen = entry.get("last_label_id")
    if label_ids.notna().any():
        # Label ids grow with time: labels made since the last check have larger ones, whatever
        # a compaction did to the rows' order.
        new = labels if last_seen is None else labels[label_ids > float(last_seen)]
    else:  # a labels dataset not written by the webapp: rows past those counted last time
        seen = int(entry.get("labels_seen", 0))
        new = labels.iloc[seen:] if len(labels) >= seen else labels.iloc[0:0]
    new_labels, before = _previous_predictions(config, model, entry.get("model_version"), new)
    monitor = StoppingMonitor(config.thresholds, entry.get("state"))
    report = monitor.update(predictions.tolist(), new_labels, before, proba if proba.size else None,
                            labels_total=len(labels))
    newest = label_ids.max() if len(label_ids) and label_ids.notna().any() else last_seen
    entry = {"model_version": model.version, "labels_seen": len(labels),
             "last_label_id": None if newest is None else int(newest), "state": monitor.to_state(),
             "report": report.to_dict(), "checked": datetime.now(timezone.utc).isoformat()}
    _write_entry(model.name, entry)
    if config.history_dataset:
        _append_history(config.history_dataset, model.version, len(labels), report)
    return entry


def _previous_predictions(config: StoppingStepConfig, model: SavedModelScorer, previous: Optional[str],
                          new: pd.DataFrame):
    if not previous or new.empty or config.label_column not in new.columns:
        return None, None
    saved = dataiku.Model(config.model)
    if previous not in {str(v.get("versionId")) for v in saved.list_versions()}:
        return None, None  # the previous version was deleted: no contradiction figure this time
    predictor = load_predictor(saved, str(model), previous)
    scorer = replace(model, predictor=predictor, version=previous)
    rows = new[new[config.label_column].notna()]
    features = model.features or []
    if "path" in rows.columns and len(features) == 1 and features[0] not in rows.columns:
        rows = rows.rename(columns={"path": features[0]})  # a folder model names its path column
    predicted = scorer(rows)
    # Rows the model's preprocessing drops are absent from its answer: align on the index.
    kept = rows.loc[predicted.index]
    return kept[config.label_column].astype(str).tolist(), predicted["prediction"].astype(str).tolist()


def _read_labels(name: str) -> Tuple[pd.DataFrame, pd.Series]:
    """The labels rows (stored text, numbers as numbers) and their label ids (NaN when unknown)."""
    dataset = fresh(name)
    schema = dataset.read_schema(raise_if_empty=False)
    if not schema:
        return pd.DataFrame(), pd.Series([], dtype=float)  # nothing labeled yet
    # A label "007" or "NA" stays what it is; an int column with blanks is no error.
    rows = typed_view(read_text(dataset), schema)
    # The webapp writes the label id last (``label_id``, or ``labeling_label_id`` on a clash).
    id_columns = [c["name"] for c in schema if str(c["name"]).endswith("label_id")]
    ids = (pd.to_numeric(rows[id_columns[-1]], errors="coerce") if id_columns
           else pd.Series(float("nan"), index=rows.index))
    return rows, ids


def _write_entry(model_name: str, entry: Dict[str, Any]) -> None:
    # Read-modify-write kept short: another writer in between would lose its update.
    project = dataiku.Project()
    project.set_variables(with_entry(project.get_variables(), model_name, entry))


def _append_history(name: str, version: str, labels: int, report: StoppingReport) -> None:
    figures = report.figures()
    row = pd.DataFrame([{"checked": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                         "model_version": version, "labels": labels, "stable": report.stable,
                         "agreement": figures.get("agreement"), "contradiction": figures.get("contradiction"),
                         "uncertainty": figures.get("uncertainty"), "sentence": report.sentence}])
    dataset = dataiku.Dataset(name)
    if not dataset.read_schema(raise_if_empty=False):
        dataset.write_with_schema(row)
        return
    dataset.spec_item["appendMode"] = True  # outside a flow: one small append, not a rewrite
    with dataset.get_writer() as writer:
        writer.write_dataframe(row)
