"""Feeding a :class:`StoppingMonitor` from fitted scikit-learn models (the local retrain worker)."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from active_labeling.analysis.stopping import StoppingMonitor, StoppingReport


def check_retrain(monitor: StoppingMonitor, model: Any, sample: Any, previous: Optional[Any] = None,
                  new_rows: Optional[Any] = None, new_labels: Optional[Sequence] = None,
                  labels_total: Optional[int] = None) -> StoppingReport:
    """Update ``monitor`` with a model just retrained and return the verdict.

    Parameters
    ----------
    monitor : StoppingMonitor
        Built from the state saved after the previous retrain (``monitor.to_state()``).
    model : fitted classifier
        The new model (``predict``, and ``predict_proba`` when it has one).
    sample : array-like or DataFrame
        The same unlabeled items at every retrain, in the same order.
    previous : fitted classifier, optional
        The model before this retrain, to count contradictions.
    new_rows, new_labels : optional
        The items labeled since the previous retrain (model inputs) and their labels.
    labels_total : int, optional
        How many labels the new model learned from.
    """
    proba = model.predict_proba(sample) if hasattr(model, "predict_proba") else None
    before = None
    if previous is not None and new_rows is not None and new_labels is not None and len(new_labels):
        before = list(previous.predict(new_rows))
    return monitor.update(list(model.predict(sample)), list(new_labels) if before is not None else None,
                          before, proba, labels_total=labels_total)
