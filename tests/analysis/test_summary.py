"""Summary figures: area under the curve, labels to reach a share of the full-data score."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from active_labeling.analysis.outputs import format_summary, summary_notes
from active_labeling.analysis.simulation import SimulationSettings
from active_labeling.analysis.summary import (
    accuracy_target_is_trivial,
    area_under_curve,
    labels_to_reach,
    summarize,
)


def test_area_under_a_curve_is_its_mean_score_over_the_labels():
    # A straight ramp from 0.5 to 0.9 averages 0.7; a flat curve averages its level.
    assert area_under_curve([10, 20, 30], [0.5, 0.7, 0.9]) == pytest.approx(0.7)
    assert area_under_curve([10, 50], [0.8, 0.8]) == pytest.approx(0.8)
    assert area_under_curve([10], [0.6]) == pytest.approx(0.6)


def test_labels_to_reach_is_the_first_point_at_or_above_target():
    assert labels_to_reach([10, 20, 30, 40], [0.5, 0.9, 0.85, 0.95], 0.9) == 20
    assert math.isnan(labels_to_reach([10, 20], [0.5, 0.6], 0.9))


def _curves():
    rows = []
    for rep in (0, 1):
        for labels, fast, slow in ((10, 0.5, 0.5), (20, 0.96, 0.7), (30, 0.99, 0.8)):
            rows.append(("fast", rep, labels, fast, fast))
            rows.append(("slow", rep, labels, slow, slow))
    return pd.DataFrame(rows, columns=["strategy", "repetition", "labels", "accuracy", "macro_f1"])


def test_summary_ranks_strategies_and_says_which_targets_were_never_reached():
    full = pd.DataFrame({"repetition": [0, 1], "accuracy": [1.0, 1.0], "macro_f1": [1.0, 1.0]})
    summary = summarize(_curves(), full).set_index("strategy")
    assert list(summary.index) == ["fast", "slow"]
    assert summary.loc["fast", "labels_to_95"] == 20 and summary.loc["fast", "reached_95"] == 2
    assert summary.loc["fast", "labels_to_99"] == 30
    # "slow" never gets there: no label count at all, rather than its budget passed off as one.
    assert summary.loc["slow", "reached_95"] == 0 and math.isnan(summary.loc["slow", "labels_to_95"])
    assert summary.loc["fast", "aulc_accuracy_std"] == 0


def test_a_censored_run_is_not_averaged_in_as_if_it_had_reached_the_target_at_the_budget():
    # "patchy" reaches 0.95 at 40 labels in 4 runs of 5 and never in the fifth; "steady" at 60 in all.
    # A mean with the budget (100) for the miss gives patchy 52, "better" than steady although one run
    # in five fails. The mean curve says when the average run gets there.
    rows = []
    for rep in range(5):
        for labels in (20, 40, 60, 80, 100):
            patchy = (0.96 if labels >= 40 else 0.8) if rep < 4 else 0.6
            steady = 0.96 if labels >= 60 else 0.9
            rows += [("patchy", rep, labels, patchy, patchy), ("steady", rep, labels, steady, steady)]
    curves = pd.DataFrame(rows, columns=["strategy", "repetition", "labels", "accuracy", "macro_f1"])
    full = pd.DataFrame({"repetition": range(5), "accuracy": [1.0] * 5, "macro_f1": [1.0] * 5})
    summary = summarize(curves, full).set_index("strategy")
    assert summary.loc["patchy", "reached_95"] == 4 and summary.loc["steady", "reached_95"] == 5
    assert math.isnan(summary.loc["patchy", "labels_to_95"])  # its mean curve peaks at 0.888
    assert summary.loc["steady", "labels_to_95"] == 60
    table = format_summary(summary.reset_index())
    assert "never (4/5)" in table and "60 (5/5)" in table and "≥" not in table


def test_macro_f1_and_balanced_accuracy_get_their_own_targets_and_a_trivial_accuracy_target_is_named():
    # 90% of one class: 95% of a full-data accuracy of 0.93 (0.8835) is reached by predicting that class.
    rows = []
    for rep in (0, 1):
        for labels, acc, f1 in ((10, 0.90, 0.47), (20, 0.91, 0.60), (30, 0.93, 0.80)):
            rows.append(("majority", rep, labels, acc, f1, 0.55))
            rows.append(("finder", rep, labels, acc - 0.01, f1 + 0.08, 0.78))
    curves = pd.DataFrame(rows, columns=["strategy", "repetition", "labels", "accuracy", "macro_f1",
                                         "balanced_accuracy"])
    full = pd.DataFrame({"repetition": [0, 1], "accuracy": [0.93] * 2, "macro_f1": [0.85] * 2,
                         "balanced_accuracy": [0.8] * 2, "majority_share": [0.9] * 2})
    summary = summarize(curves, full)
    assert accuracy_target_is_trivial(summary)
    # Every strategy "reaches" accuracy's target with its first labels; macro F1 tells them apart.
    assert (summary["labels_to_95"] == 10).all()
    ranked = summary.set_index("strategy")
    assert list(summary["strategy"]) == ["finder", "majority"]  # sorted by macro F1 then
    assert ranked.loc["finder", "labels_to_95_macro_f1"] == 30 and math.isnan(
        ranked.loc["majority", "labels_to_95_macro_f1"])
    assert ranked.loc["finder", "labels_to_95_balanced_accuracy"] == 10
    assert math.isnan(ranked.loc["majority", "labels_to_95_balanced_accuracy"])
    result = SimpleNamespace(settings=SimulationSettings(budget=30), pool_size=300, full_data=full)
    notes = " ".join(summary_notes(result, summary))
    assert "majority class's share (0.900)" in notes and "macro F1" in notes


def test_the_table_shows_the_decimals_that_tell_strategies_apart_and_a_budget_above_the_pool_is_named():
    summary = pd.DataFrame({"strategy": ["a", "b"], "repetitions": [2, 2],
                            "aulc_accuracy": [0.91234, 0.91211],
                            "aulc_accuracy_std": [0.01, 0.01], "aulc_macro_f1": [0.8, 0.7],
                            "labels_to_95": [50.0, 60.0], "reached_95": [2, 2],
                            "final_accuracy": [0.95, 0.95]})
    table = format_summary(summary)
    assert "0.9123" in table and "0.9121" in table  # 3 decimals would print 0.912 twice
    full = pd.DataFrame({"repetition": [0, 1], "accuracy": [0.95, 0.97], "macro_f1": [0.9, 0.92]})
    result = SimpleNamespace(settings=SimulationSettings(budget=300, initial_labels=10, test_size=0.3),
                             pool_size=105, full_data=full)
    notes = summary_notes(result, summary)
    assert any("budget (300 labels) is larger than the pool (105 rows" in n for n in notes)
    assert any("#1 accuracy 0.950" in n and "#2 accuracy 0.970" in n for n in notes)


def test_labels_until_every_class_has_5_labels_is_a_median_that_says_how_many_runs_got_there():
    curves = _curves()
    full = pd.DataFrame({"repetition": [0, 1], "accuracy": [1.0, 1.0], "macro_f1": [1.0, 1.0]})
    coverage = pd.DataFrame({"strategy": ["fast", "fast", "slow", "slow"], "repetition": [0, 1, 0, 1],
                             "labels_to_5_per_class": [20.0, 30.0, 30.0, np.nan]})
    summary = summarize(curves, full, coverage=coverage).set_index("strategy")
    assert summary.loc["fast", "labels_to_5_per_class"] == 25
    assert summary.loc["fast", "reached_5_per_class"] == 2
    # One run of two never got there: no median to give.
    assert math.isnan(summary.loc["slow", "labels_to_5_per_class"])
    assert summary.loc["slow", "reached_5_per_class"] == 1
