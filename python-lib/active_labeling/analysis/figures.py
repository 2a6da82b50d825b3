"""The PNG plots of a simulation: one learning-curve chart per metric, spread over repetitions."""

from __future__ import annotations

from typing import Dict

from active_labeling.analysis.plotting import Reference, Series, clipped, line_chart, to_png
from active_labeling.analysis.simulation import SimulationResult

METRICS = {"accuracy": "Accuracy", "macro_f1": "Macro F1"}


def curve_series(result: SimulationResult, metric: str) -> list:
    """One :class:`Series` per strategy: mean over repetitions, band of ± one standard deviation."""
    series = []
    for strategy in result.settings.strategies:
        runs = result.curves[result.curves["strategy"] == strategy]
        if runs.empty:
            continue
        stats = runs.groupby("labels")[metric].agg(["mean", "std"]).fillna(0.0)
        series.append(Series(label=strategy, x=stats.index.tolist(), y=stats["mean"].tolist(),
                             low=clipped(stats["mean"] - stats["std"], 0.0, 1.0),
                             high=clipped(stats["mean"] + stats["std"], 0.0, 1.0)))
    return series


def learning_curve_pngs(result: SimulationResult) -> Dict[str, bytes]:
    """File name → PNG bytes: ``learning_curves_accuracy.png`` and ``learning_curves_macro_f1.png``."""
    settings = result.settings
    subtitle = (f"{settings.model.replace('_', ' ')}, batch {settings.batch_size}, "
                f"{settings.initial_labels} initial labels, {settings.repetitions} repetition(s); "
                "band: ± 1 standard deviation")
    full = float(result.full_data["accuracy"].mean())
    pngs = {}
    for metric, name in METRICS.items():
        references = []
        if metric == "accuracy":
            references = [Reference("full data", full), Reference("95% of it", 0.95 * full)]
        image = line_chart(curve_series(result, metric), f"{name} vs labels: {subtitle}",
                           "labels", name, references)
        pngs[f"learning_curves_{metric}.png"] = to_png(image)
    return pngs
