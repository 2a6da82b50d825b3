"""Summary figures of learning curves: area under the curve and labels needed to reach a target.

Targets are fractions of the full-data score, the accuracy of the same model trained on the whole
pool of the same repetition: "95% of what labeling everything would give".
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

TARGETS = (0.95, 0.99)


def area_under_curve(labels: Sequence[float], scores: Sequence[float]) -> float:
    """Normalized area under a learning curve: its mean score over the labels spent (0 to 1).

    Trapezoids between measured points, divided by the width of the label range, so that curves
    over the same range compare directly; a single point gives its own score.
    """
    x = np.asarray(labels, dtype=float)
    s = np.asarray(scores, dtype=float)
    if len(x) == 1 or x[-1] == x[0]:
        return float(s[-1])
    return float(np.sum((s[1:] + s[:-1]) * np.diff(x)) / 2.0 / (x[-1] - x[0]))


def labels_to_reach(labels: Sequence[float], scores: Sequence[float], target: float) -> float:
    """The first measured label count whose score is at least ``target``; NaN when never reached."""
    reached = np.flatnonzero(np.asarray(scores, dtype=float) >= target)
    return float(np.asarray(labels)[reached[0]]) if len(reached) else float("nan")


def summarize(curves: pd.DataFrame, full_data: pd.DataFrame,
              targets: Sequence[float] = TARGETS) -> pd.DataFrame:
    """One row per strategy: means and spreads over repetitions, best area first.

    Parameters
    ----------
    curves : DataFrame
        ``strategy, repetition, labels, accuracy, macro_f1`` (see ``run_simulation``).
    full_data : DataFrame
        ``repetition, accuracy``: the full-data accuracy of each repetition.
    targets : sequence of float
        Fractions of the full-data accuracy.

    Returns
    -------
    DataFrame
        ``strategy, repetitions, aulc_accuracy, aulc_accuracy_std, aulc_macro_f1, final_accuracy,
        final_accuracy_std`` and, per target t (as a percentage p), ``labels_to_p`` (mean over
        repetitions, a repetition that never reached it counting as its last label count: then a
        lower bound), ``labels_to_p_std`` and ``reached_p`` (how many repetitions reached it).
    """
    full = full_data.set_index("repetition")["accuracy"]
    per_run = []
    for (strategy, repetition), run in curves.sort_values("labels").groupby(["strategy", "repetition"],
                                                                              sort=False):
        row = {"strategy": strategy, "repetition": repetition,
               "aulc_accuracy": area_under_curve(run["labels"], run["accuracy"]),
               "aulc_macro_f1": area_under_curve(run["labels"], run["macro_f1"]),
               "final_accuracy": float(run["accuracy"].iloc[-1])}
        for target in targets:
            needed = labels_to_reach(run["labels"], run["accuracy"], target * full[repetition])
            row[f"reached_{_pct(target)}"] = not np.isnan(needed)
            row[f"labels_to_{_pct(target)}"] = float(run["labels"].iloc[-1]) if np.isnan(needed) else needed
        per_run.append(row)
    runs = pd.DataFrame(per_run)
    grouped = runs.groupby("strategy", sort=False)
    summary = pd.DataFrame({"repetitions": grouped.size()})
    for column in ("aulc_accuracy", "aulc_macro_f1", "final_accuracy"):
        summary[column] = grouped[column].mean()
        summary[f"{column}_std"] = grouped[column].std(ddof=0)
    for target in targets:
        key = _pct(target)
        summary[f"labels_to_{key}"] = grouped[f"labels_to_{key}"].mean()
        summary[f"labels_to_{key}_std"] = grouped[f"labels_to_{key}"].std(ddof=0)
        summary[f"reached_{key}"] = grouped[f"reached_{key}"].sum().astype(int)
    summary["full_data_accuracy"] = float(full.mean())
    summary = summary.sort_values("aulc_accuracy", ascending=False).reset_index()
    return summary


def _pct(target: float) -> str:
    return f"{round(target * 100):d}"
