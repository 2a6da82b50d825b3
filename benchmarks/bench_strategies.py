"""Query strategies compared by simulation on offline datasets (``make bench``).

For each dataset: area under the learning curve (mean accuracy over the label budget) and labels
needed to reach 95% of the full-data accuracy, per strategy, mean ± sd over repetitions; then the
strategies' mean rank over datasets, and where the default strategy stands against random.

Usage: ``python benchmarks/bench_strategies.py [--quick]`` (``--quick``: 2 repetitions, fewer cases).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python-lib"))

from active_labeling.analysis.datasets import load_dataset  # noqa: E402
from active_labeling.analysis.policies import DEFAULT_STRATEGY, SIMULATED_STRATEGIES  # noqa: E402
from active_labeling.analysis.simulation import SimulationSettings, run_simulation  # noqa: E402
from active_labeling.analysis.summary import summarize  # noqa: E402

# (name, dataset, model, initial labels, batch, budget, measure every n rounds)
CASES = [
    ("iris", "iris", "logistic_regression", 6, 3, 60, 1),
    ("wine", "wine", "logistic_regression", 6, 3, 60, 1),
    ("breast_cancer", "breast_cancer", "logistic_regression", 10, 5, 150, 1),
    ("digits", "digits", "logistic_regression", 20, 10, 400, 2),
    ("digits, cold start", "digits", "logistic_regression", 3, 10, 300, 2),
    ("imbalanced, forest", "imbalanced", "random_forest", 10, 10, 300, 2),
    ("hidden clusters, forest", "hidden_clusters", "random_forest", 10, 10, 200, 2),
]
QUICK_CASES = ("iris", "digits", "hidden clusters, forest", "breast_cancer")


def run_case(case, repetitions: int) -> pd.DataFrame:
    name, dataset, model, initial, batch, budget, every = case
    X, y = load_dataset(dataset)
    settings = SimulationSettings(model=model, strategies=SIMULATED_STRATEGIES, batch_size=batch,
                                  initial_labels=initial, budget=budget, repetitions=repetitions,
                                  seed=0, eval_every=every)
    result = run_simulation(X, y, settings)
    summary = summarize(result.curves, result.full_data)
    summary.insert(0, "case", name)
    summary["rank"] = summary["aulc_accuracy"].rank(ascending=False, method="min").astype(int)
    return summary


def _labels_cell(row) -> str:
    text = f"{row['labels_to_95']:.0f} ± {row['labels_to_95_std']:.0f}"
    if row["reached_95"] < row["repetitions"]:
        text = f"≥{text} ({row['reached_95']}/{row['repetitions']})"
    return text


def print_case(summary: pd.DataFrame, seconds: float) -> None:
    first = summary.iloc[0]
    print(f"\n{first['case']} (full-data accuracy {first['full_data_accuracy']:.3f}, {seconds:.0f} s)")
    print(f"  {'strategy':<18}{'AULC acc':>16}{'labels→95%':>22}{'final acc':>11}{'rank':>6}")
    for _, row in summary.iterrows():
        mark = "  ← default" if row["strategy"] == DEFAULT_STRATEGY else ""
        print(f"  {row['strategy']:<18}{row['aulc_accuracy']:>9.3f} ± {row['aulc_accuracy_std']:.3f}"
              f"{_labels_cell(row):>22}{row['final_accuracy']:>11.3f}{row['rank']:>6}{mark}")


def print_overall(all_cases: pd.DataFrame) -> None:
    random = all_cases[all_cases.strategy == "random"].set_index("case")
    rows = []
    for strategy, group in all_cases.groupby("strategy"):
        group = group.set_index("case")
        gain = group["aulc_accuracy"] - random["aulc_accuracy"].reindex(group.index)
        saved = 1 - group["labels_to_95"] / random["labels_to_95"].reindex(group.index)
        # "Ends below random": a final accuracy more than half a point under random's.
        ends_below = group["final_accuracy"] < random["final_accuracy"].reindex(group.index) - 0.005
        rows.append((strategy, group["rank"].mean(), gain.mean(), gain.min(), saved.mean(),
                     int((gain < 0).sum()), int(ends_below.sum())))
    rows.sort(key=lambda r: r[1])
    print(f"\nOver {all_cases['case'].nunique()} cases (AULC gain and labels saved are against random)")
    print(f"  {'strategy':<18}{'mean rank':>10}{'AULC gain':>11}{'worst gain':>12}{'labels saved→95%':>18}"
          f"{'AULC < random':>15}{'ends < random':>15}")
    for strategy, rank, gain, worst, saved, below, ends in rows:
        mark = "  ← default" if strategy == DEFAULT_STRATEGY else ""
        print(f"  {strategy:<18}{rank:>10.2f}{gain:>+11.3f}{worst:>+12.3f}{saved:>17.0%} {below:>14}"
              f"{ends:>15}{mark}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 repetitions, 4 cases")
    args = parser.parse_args(argv)
    repetitions = 2 if args.quick else 5
    cases = [c for c in CASES if not args.quick or c[0] in QUICK_CASES]
    print(f"Query strategies by simulation: {repetitions} repetitions, 30% held out, seed 0")
    summaries = []
    for case in cases:
        started = time.perf_counter()
        summary = run_case(case, repetitions)
        print_case(summary, time.perf_counter() - started)
        summaries.append(summary)
    print_overall(pd.concat(summaries, ignore_index=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
