"""The PNG plots of a simulation: one learning-curve chart per metric, spread over repetitions."""

from __future__ import annotations

from typing import Dict, List

from active_labeling.analysis.plotting import Reference, Series, clipped, line_chart, to_png
from active_labeling.analysis.simulation import SimulationResult
from active_labeling.sampling.strategies import DEFAULT_STRATEGY

METRICS = {"accuracy": "Accuracy", "macro_f1": "Macro F1", "balanced_accuracy": "Balanced accuracy"}


def curve_series(result: SimulationResult, metric: str) -> List[Series]:
    """One :class:`Series` per strategy: mean over repetitions, band of ± one standard deviation.

    The default strategy comes last, so that it is drawn over the others, and is emphasised.
    """
    strategies = sorted(result.settings.strategies, key=lambda s: s == DEFAULT_STRATEGY)
    series = []
    for strategy in strategies:
        runs = result.curves[result.curves["strategy"] == strategy]
        if runs.empty:
            continue
        stats = runs.groupby("labels")[metric].agg(["mean", "std"]).fillna(0.0)
        series.append(Series(label=strategy + (" (default)" if strategy == DEFAULT_STRATEGY else ""),
                             x=stats.index.tolist(), y=stats["mean"].tolist(),
                             low=clipped(stats["mean"] - stats["std"], 0.0, 1.0),
                             high=clipped(stats["mean"] + stats["std"], 0.0, 1.0),
                             emphasis=strategy == DEFAULT_STRATEGY))
    return series


def references(result: SimulationResult, metric: str) -> List[Reference]:
    """The full-data score and its 95% target; for accuracy, the majority class's share too when
    the curves come near it (predicting that class alone scores it)."""
    full = float(result.full_data[metric].mean())
    lines = [Reference("full data", full, "-"), Reference("95% of it", 0.95 * full, "--")]
    if metric == "accuracy" and "majority_share" in result.full_data.columns:
        majority = float(result.full_data["majority_share"].mean())
        lowest = result.curves.groupby(["strategy", "labels"])[metric].mean().min()
        if majority >= lowest - 0.05:
            lines.append(Reference("majority class share", majority, ":"))
    return lines


def learning_curve_pngs(result: SimulationResult) -> Dict[str, bytes]:
    """File name → PNG bytes: ``learning_curves_<metric>.png`` for accuracy, macro F1 and
    balanced accuracy."""
    settings = result.settings
    subtitle = (f"{settings.model.replace('_', ' ')}, batch {settings.batch_size}, "
                f"{settings.initial_labels} initial labels, {settings.repetitions} repetition(s); "
                "band: ± 1 standard deviation")
    pngs = {}
    for metric, name in METRICS.items():
        if metric not in result.curves.columns:
            continue
        figure = line_chart(curve_series(result, metric), f"{name} vs labels\n{subtitle}", "labels", name,
                            references(result, metric))
        pngs[f"learning_curves_{metric}.png"] = to_png(figure)
    return pngs
