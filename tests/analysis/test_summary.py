"""Summary figures: area under the curve, labels to reach a share of the full-data score."""

import math

import pandas as pd
import pytest

from active_labeling.analysis.summary import area_under_curve, labels_to_reach, summarize


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


def test_summary_ranks_strategies_and_flags_targets_never_reached():
    full = pd.DataFrame({"repetition": [0, 1], "accuracy": [1.0, 1.0], "macro_f1": [1.0, 1.0]})
    summary = summarize(_curves(), full).set_index("strategy")
    assert list(summary.index) == ["fast", "slow"]
    assert summary.loc["fast", "labels_to_95"] == 20 and summary.loc["fast", "reached_95"] == 2
    assert summary.loc["fast", "labels_to_99"] == 30
    # "slow" never gets there: counted at its last label count, as a lower bound, and flagged.
    assert summary.loc["slow", "reached_95"] == 0 and summary.loc["slow", "labels_to_95"] == 30
    assert summary.loc["fast", "aulc_accuracy_std"] == 0
