"""The stopping criteria after each local retrain round, kept with the round's figures.

The verdict (``stopping``) and the monitor's state (``stopping_state``, what the next round needs)
are written in the round's entry of ``retrain/rounds.jsonl``, so a restarted worker goes on from
the last successful round, and ``status`` and the labeling page read the verdict from there.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Dict, List, Mapping, Optional

import pandas as pd

from active_labeling.analysis.stopping import StoppingMonitor, StoppingThresholds
from active_labeling.analysis.stopping_models import check_retrain

REPORT_KEY = "stopping"
STATE_KEY = "stopping_state"


def labeled_after(db: sqlite3.Connection, after: int, upto: int) -> List[str]:
    """Ids of the items whose current label was given in ``(after, upto]`` (label ids)."""
    rows = db.execute("SELECT DISTINCT item_id FROM labels WHERE label_id > ? AND label_id <= ? "
                      "ORDER BY item_id", (after, upto))
    return [row[0] for row in rows]


def check_round(previous_entry: Mapping[str, Any], model: Any, previous: Any, sample: pd.DataFrame,
                new_rows: Optional[pd.DataFrame], new_labels: Optional[List[str]],
                thresholds: Optional[StoppingThresholds] = None,
                labels_total: Optional[int] = None) -> Dict[str, Any]:
    """The stopping verdict of a round: ``{"stopping": report, "stopping_state": state}``.

    Parameters
    ----------
    previous_entry : mapping
        The last successful round's entry (empty for the first round).
    model, previous : fitted classifiers
        This round's model and the previous round's (None when unavailable).
    sample : DataFrame
        The fixed sample of the pool (model inputs), the same every round.
    new_rows, new_labels
        The items labeled since the previous round (model inputs) and their labels.
    labels_total : int, optional
        How many labels this round's model learned from (drawn in the rounds' picture).
    """
    monitor = StoppingMonitor(thresholds, previous_entry.get(STATE_KEY))
    report = check_retrain(monitor, model, sample, previous, new_rows, new_labels, labels_total)
    return {REPORT_KEY: report.to_dict(), STATE_KEY: monitor.to_state()}
