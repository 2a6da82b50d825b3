"""What a strategy analysis hands back: curves, summary table, plots, as files or datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pandas as pd

from active_labeling.analysis.figures import learning_curve_pngs
from active_labeling.analysis.simulation import SimulationResult
from active_labeling.analysis.summary import summarize

TABLE_COLUMNS = [("strategy", "strategy"), ("aulc_accuracy", "AULC acc"), ("aulc_accuracy_std", "± sd"),
                 ("aulc_macro_f1", "AULC F1"), ("labels_to_95", "labels→95%"),
                 ("labels_to_95_std", "± sd"), ("labels_to_99", "labels→99%"),
                 ("final_accuracy", "final acc")]


def format_summary(summary: pd.DataFrame) -> str:
    """A plain-text table of the summary; a label count some repetitions never reached reads
    ``≥N (k/n)``: a lower bound, reached in k of n repetitions."""
    header = [title for _, title in TABLE_COLUMNS]
    lines = []
    for _, row in summary.iterrows():
        cells = []
        for column, _ in TABLE_COLUMNS:
            value = row[column]
            if column.startswith("labels_to_") and not column.endswith("_std"):
                reached, total = int(row[f"reached_{column[-2:]}"]), int(row["repetitions"])
                cells.append(f"{value:.0f}" if reached == total else f"≥{value:.0f} ({reached}/{total})")
            elif column == "strategy":
                cells.append(str(value))
            elif column.startswith("labels_to_"):
                cells.append(f"{value:.0f}")
            else:
                cells.append(f"{value:.3f}")
        lines.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(header)]
    text = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    text += ["  ".join(c.ljust(w) for c, w in zip(cells, widths)) for cells in lines]
    return "\n".join(text)


def write_local(result: SimulationResult, out: Path) -> Dict[str, Path]:
    """Write ``learning_curves.csv``, ``summary.csv`` and the PNG plots under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = {"curves": out / "learning_curves.csv", "summary": out / "summary.csv"}
    result.curves.to_csv(written["curves"], index=False)
    summarize(result.curves, result.full_data).to_csv(written["summary"], index=False)
    for name, data in learning_curve_pngs(result).items():
        (out / name).write_bytes(data)
        written[name] = out / name
    return written
