"""Summary figures of learning curves: area under the curve, labels needed to reach a target.

Targets are fractions of the full-data score: the score of the same model trained on the whole
pool, "what labeling everything would give". Each metric (accuracy, macro F1, balanced accuracy)
has its own target, since a target on accuracy means nothing when the majority class alone
reaches it.

Labels to a target are read where the *mean* curve over repetitions first reaches the mean
target, with the number of repetitions that reached it on their own: a repetition that never
got there has no label count, and averaging in the budget instead would turn a failure into a
flattering lower bound.
"""

from __future__ import annotations

from typing import List, Optional, Sequence

import numpy as np
import pandas as pd

TARGETS = (0.95, 0.99)
# Metrics with their own 95% target beside accuracy's (whose target also has a 99% version).
OTHER_METRICS = ("macro_f1", "balanced_accuracy")


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
    reached = np.flatnonzero(np.asarray(scores, dtype=float) >= target - 1e-12)
    return float(np.asarray(labels)[reached[0]]) if len(reached) else float("nan")


def target_column(target: float, metric: str = "accuracy") -> str:
    """The summary column of labels to ``target`` of ``metric``: ``labels_to_95_macro_f1``..."""
    suffix = "" if metric == "accuracy" else f"_{metric}"
    return f"labels_to_{_pct(target)}{suffix}"


def reached_column(target: float, metric: str = "accuracy") -> str:
    """The summary column of how many repetitions reached the target."""
    return "reached" + target_column(target, metric)[len("labels_to"):]


def summarize(curves: pd.DataFrame, full_data: pd.DataFrame, targets: Sequence[float] = TARGETS,
              coverage: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """One row per strategy: means and spreads over repetitions.

    Parameters
    ----------
    curves : DataFrame
        ``strategy, repetition, labels`` and the scores (see ``run_simulation``).
    full_data : DataFrame
        ``repetition`` and the full-data scores of each repetition (``majority_share`` too, when known).
    targets : sequence of float
        Fractions of the full-data accuracy; macro F1 and balanced accuracy get the first one.
    coverage : DataFrame, optional
        ``strategy, repetition, labels_to_5_per_class`` (see ``SimulationResult.coverage``).

    Returns
    -------
    DataFrame
        Best first (by area under the accuracy curve, or under the macro F1 curve when accuracy's
        target is within reach of the majority class alone, see :func:`accuracy_target_is_trivial`):
        ``strategy, repetitions``; ``aulc_<metric>`` and ``aulc_<metric>_std``; ``final_accuracy``
        (``_std``) and ``final_macro_f1``; per target, ``labels_to_<p>[_<metric>]`` (where the mean
        curve first reaches the target; NaN when it never does) and ``reached_<p>[_<metric>]``
        (repetitions that reached it); ``labels_to_5_per_class`` (median over repetitions, NaN
        when fewer than half got there) and ``reached_5_per_class``; the mean full-data scores
        ``full_data_<metric>`` and ``majority_share``; ``rank_accuracy`` and ``rank_macro_f1``.
    """
    metrics = _metrics_of(curves)
    full = full_data.set_index("repetition")
    runs = run_figures(curves, full_data, targets)
    grouped = runs.groupby("strategy", sort=False)
    summary = pd.DataFrame({"repetitions": grouped.size()})
    for metric in metrics:
        summary[f"aulc_{metric}"] = grouped[f"aulc_{metric}"].mean()
        summary[f"aulc_{metric}_std"] = grouped[f"aulc_{metric}"].std(ddof=0)
    summary["final_accuracy"] = grouped["final_accuracy"].mean()
    summary["final_accuracy_std"] = grouped["final_accuracy"].std(ddof=0)
    if "macro_f1" in metrics:
        summary["final_macro_f1"] = grouped["final_macro_f1"].mean()
    for metric in metrics:
        mean_full = float(full[metric].mean())
        for target in _targets_of(metric, targets):
            summary[target_column(target, metric)] = [
                _mean_curve_crossing(curves[curves["strategy"] == strategy], metric, target * mean_full)
                for strategy in summary.index]
            reached = reached_column(target, metric)
            summary[reached] = grouped[reached].sum().astype(int)
    if coverage is not None and len(coverage):
        found = coverage.groupby("strategy", sort=False)["labels_to_5_per_class"]
        summary["labels_to_5_per_class"] = found.apply(_censored_median).reindex(summary.index)
        summary["reached_5_per_class"] = found.count().reindex(summary.index).fillna(0).astype(int)
    for metric in metrics:
        summary[f"full_data_{metric}"] = float(full[metric].mean())
    if "majority_share" in full.columns:
        summary["majority_share"] = float(full["majority_share"].mean())
    summary["rank_accuracy"] = summary["aulc_accuracy"].rank(ascending=False, method="min").astype(int)
    if "macro_f1" in metrics:
        summary["rank_macro_f1"] = summary["aulc_macro_f1"].rank(ascending=False, method="min").astype(int)
    order = "aulc_macro_f1" if accuracy_target_is_trivial(summary) else "aulc_accuracy"
    return summary.sort_values(order, ascending=False, kind="mergesort").reset_index()


def run_figures(curves: pd.DataFrame, full_data: pd.DataFrame,
                targets: Sequence[float] = TARGETS) -> pd.DataFrame:
    """One row per strategy and repetition: what :func:`summarize` averages.

    Parameters are :func:`summarize`'s. Returns ``strategy, repetition, final_accuracy``
    (``final_macro_f1``), ``aulc_<metric>`` and, per target, ``reached_<p>[_<metric>]`` (whether
    that repetition's own curve reached the target times its full-data score).
    """
    metrics = _metrics_of(curves)
    full = full_data.set_index("repetition")
    per_run = []
    for (strategy, repetition), run in curves.sort_values("labels").groupby(["strategy", "repetition"],
                                                                              sort=False):
        row = {"strategy": strategy, "repetition": repetition,
               "final_accuracy": float(run["accuracy"].iloc[-1])}
        if "macro_f1" in metrics:
            row["final_macro_f1"] = float(run["macro_f1"].iloc[-1])
        for metric in metrics:
            row[f"aulc_{metric}"] = area_under_curve(run["labels"], run[metric])
            for target in _targets_of(metric, targets):
                needed = labels_to_reach(run["labels"], run[metric], target * full.loc[repetition, metric])
                row[reached_column(target, metric)] = not np.isnan(needed)
        per_run.append(row)
    return pd.DataFrame(per_run)


def _metrics_of(curves: pd.DataFrame) -> List[str]:
    return [m for m in ("accuracy", *OTHER_METRICS) if m in curves.columns]


def accuracy_target_is_trivial(summary: pd.DataFrame, target: float = TARGETS[0]) -> bool:
    """Whether ``target`` × the full-data accuracy is at most the majority class's share.

    Predicting the most frequent class for every item then "reaches" it: every strategy does so
    with its first labels, and labels to that target tell strategies apart no more.
    """
    if not len(summary) or "majority_share" not in summary.columns or "aulc_macro_f1" not in summary.columns:
        return False
    return bool(target * summary["full_data_accuracy"].iloc[0] <= summary["majority_share"].iloc[0])


def _targets_of(metric: str, targets: Sequence[float]) -> Sequence[float]:
    return targets if metric == "accuracy" else tuple(targets[:1])


def _mean_curve_crossing(runs: pd.DataFrame, metric: str, target: float) -> float:
    # Repetitions share one label grid (they stop at the same budget), so the mean at each count is
    # over every repetition.
    mean = runs.groupby("labels")[metric].mean()
    return labels_to_reach(mean.index.to_numpy(), mean.to_numpy(), target)


def _censored_median(values: pd.Series) -> float:
    # Runs that never got there are larger than any label count: the median stays defined while
    # at least half the runs got there.
    ordered = np.sort(np.where(values.isna(), np.inf, values.to_numpy(dtype=float)))
    median = float(np.median(ordered)) if len(ordered) else float("inf")
    return median if np.isfinite(median) else float("nan")


def _pct(target: float) -> str:
    return f"{round(target * 100):d}"
