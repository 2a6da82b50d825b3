"""What a strategy analysis hands back: curves, summary table and notes, plots, as files or datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import pandas as pd

from active_labeling.analysis.figures import learning_curve_pngs
from active_labeling.analysis.simulation import SimulationResult
from active_labeling.analysis.summary import (
    accuracy_target_is_trivial,
    reached_column,
    summarize,
    target_column,
)

# (column, title, kind): kind "score" is printed with as many decimals as the strategies need to
# differ, "labels" with the repetitions that reached the target.
TABLE_COLUMNS = [("strategy", "strategy", "text"), ("aulc_accuracy", "AULC acc", "score"),
                 ("aulc_accuracy_std", "± sd", "score"), ("aulc_macro_f1", "AULC F1", "score"),
                 ("labels_to_95", "labels→95% acc", "labels"),
                 ("labels_to_95_macro_f1", "labels→95% F1", "labels"),
                 ("labels_to_95_balanced_accuracy", "labels→95% bal acc", "labels"),
                 ("labels_to_5_per_class", "5 per class", "labels"), ("final_accuracy", "final acc", "score")]
MAX_DECIMALS = 5


def summary_of(result: SimulationResult) -> pd.DataFrame:
    """The summary table of a simulation (see :func:`~active_labeling.analysis.summary.summarize`)."""
    return summarize(result.curves, result.full_data, coverage=result.coverage)


def format_summary(summary: pd.DataFrame) -> str:
    """A plain-text table of the summary.

    Label counts read ``120 (5/5)``: where the mean curve first reaches the target, and how many
    repetitions reached it; ``never (2/5)`` when the mean curve does not within the budget.
    Scores get the decimals that tell the strategies apart (3 at least, at most 5).
    """
    columns = [c for c in TABLE_COLUMNS if c[0] in summary.columns]
    decimals = {column: _decimals(summary[column]) for column, _, kind in columns if kind == "score"}
    lines = []
    for _, row in summary.iterrows():
        cells = []
        for column, _, kind in columns:
            if kind == "text":
                cells.append(str(row[column]))
            elif kind == "score":
                cells.append(f"{row[column]:.{decimals[column]}f}")
            else:
                cells.append(_labels_cell(row, column))
        lines.append(cells)
    header = [title for _, title, _ in columns]
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(header)]
    text = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    text += ["  ".join(c.ljust(w) for c, w in zip(cells, widths)) for cells in lines]
    return "\n".join(text)


def summary_notes(result: SimulationResult, summary: pd.DataFrame) -> List[str]:
    """Sentences that keep the table from misleading: trivial targets, a budget above the pool,
    how label counts are read, and each repetition's full-data scores."""
    settings = result.settings
    notes = []
    if accuracy_target_is_trivial(summary):
        first = summary.iloc[0]
        notes.append(
            f"95% of the full-data accuracy ({0.95 * first['full_data_accuracy']:.3f}) is no more than the "
            f"majority class's share ({first['majority_share']:.3f}): predicting that class alone reaches "
            "it, "
            "so every strategy does with its first labels. Compare the strategies on macro F1 and balanced "
            "accuracy (their own targets: 95% of their full-data values); the table is sorted by macro F1.")
    if result.pool_size and settings.budget > result.pool_size:
        notes.append(
            f"The budget ({settings.budget} labels) is larger than the pool ({result.pool_size} rows once "
            f"{settings.test_size:.0%} is held out): every curve ends at {result.pool_size} labels, with the "
            "whole pool labeled.")
    if result.pool_size and settings.initial_labels >= min(settings.budget, result.pool_size):
        notes.append("The initial labels already use the whole budget: no strategy had anything to choose.")
    notes.append(
        "labels→target: where the mean curve over the repetitions first reaches the target (95% of the "
        "full-data score of that metric), with the repetitions that reached it on their own (k/n); "
        "'never': the mean curve did not within the budget. 5 per class: labels until every class had 5 "
        "labels (all its rows when fewer), median over the repetitions (k/n got there).")
    notes.append("full-data scores per repetition: " + _full_data_line(result.full_data))
    return notes


def write_local(result: SimulationResult, out: Path,
                summary: Optional[pd.DataFrame] = None) -> Dict[str, Path]:
    """Write ``learning_curves.csv``, ``summary.csv`` and the PNG plots under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = {"curves": out / "learning_curves.csv", "summary": out / "summary.csv"}
    result.curves.to_csv(written["curves"], index=False)
    (summary if summary is not None else summary_of(result)).to_csv(written["summary"], index=False)
    for name, data in learning_curve_pngs(result).items():
        (out / name).write_bytes(data)
        written[name] = out / name
    return written


def _labels_cell(row: pd.Series, column: str) -> str:
    value = row[column]
    if column == "labels_to_5_per_class":
        reached = int(row.get("reached_5_per_class", 0))
    else:
        target, metric = _parse_target(column)
        reached = int(row[reached_column(target, metric)])
    count = f"({reached}/{int(row['repetitions'])})"
    return f"never {count}" if pd.isna(value) else f"{value:.0f} {count}"


def _parse_target(column: str):
    for metric in ("macro_f1", "balanced_accuracy", "accuracy"):
        for pct in (95, 99):
            if target_column(pct / 100, metric) == column:
                return pct / 100, metric
    raise ValueError(f"not a labels-to-target column: {column}")


def _decimals(values: pd.Series) -> int:
    """The fewest decimals (3 to 5) at which values that differ print differently."""
    values = values.dropna().to_numpy(dtype=float)
    distinct = np.unique(values)
    for decimals in range(3, MAX_DECIMALS + 1):
        if len({f"{v:.{decimals}f}" for v in distinct}) == len(distinct):
            return decimals
    return MAX_DECIMALS


def _full_data_line(full_data: pd.DataFrame) -> str:
    parts = []
    for _, row in full_data.iterrows():
        part = f"#{int(row['repetition']) + 1} accuracy {row['accuracy']:.3f}"
        if "macro_f1" in row:
            part += f", macro F1 {row['macro_f1']:.3f}"
        parts.append(part)
    return "; ".join(parts)
