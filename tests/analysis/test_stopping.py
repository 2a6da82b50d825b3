"""Stopping criteria on synthetic sequences of predictions."""

import json

import numpy as np
import pytest

from active_labeling.analysis.stopping import (
    StoppingMonitor,
    StoppingThresholds,
    contradiction_rate,
    kappa,
)

CLASSES = np.array(["cat", "dog", "bird"])


def _predictions(rng, n=300):
    return CLASSES[rng.integers(0, 3, n)]


def _changed(predictions, rng, share):
    changed = predictions.copy()
    flip = rng.random(len(changed)) < share
    changed[flip] = CLASSES[rng.integers(0, 3, flip.sum())]
    return changed


def _confident(n=300):
    return np.tile([0.96, 0.02, 0.02], (n, 1))


def test_kappa_of_identical_predictions_is_one_even_for_a_single_class():
    assert kappa(["a"] * 5, ["a"] * 5) == 1.0
    assert kappa(["a", "b", "a", "b"], ["b", "a", "b", "a"]) < 0


def test_contradiction_rate_counts_labels_the_model_got_wrong():
    assert contradiction_rate(["a", "b", "b", "a"], ["a", "b", "a", "a"]) == 0.25


def test_models_that_stop_changing_are_declared_stable_after_the_window():
    rng = np.random.default_rng(0)
    monitor = StoppingMonitor(StoppingThresholds(window=3))
    predictions = _predictions(rng)
    verdicts = []
    for _ in range(4):
        report = monitor.update(predictions, new_labels=["cat"] * 20, predicted_before=["cat"] * 20,
                                sample_proba=_confident())
        verdicts.append(report.stable)
    # Three comparisons need four models; only then does the monitor vouch for stability.
    assert verdicts == [False, False, False, True]
    assert "stable" in report.sentence and "kappa of 1.000" in report.sentence
    assert report.figures()["agreement"] == 1.0


def test_models_still_changing_predictions_are_not_stable():
    rng = np.random.default_rng(1)
    monitor = StoppingMonitor()
    predictions = _predictions(rng)
    for _ in range(6):
        predictions = _changed(predictions, rng, share=0.1)
        report = monitor.update(predictions, new_labels=["cat"] * 20, predicted_before=["cat"] * 20)
    assert not report.stable
    agreement = report.figures()["agreement"]
    assert 0.5 < agreement < 0.99
    assert report.sentence.startswith("Keep labeling") and "kappa" in report.sentence


def test_annotators_contradicting_the_model_keep_it_unstable_even_when_predictions_agree():
    rng = np.random.default_rng(2)
    monitor = StoppingMonitor()
    predictions = _predictions(rng)
    labels = ["cat"] * 20
    for _ in range(5):
        report = monitor.update(predictions, new_labels=labels, predicted_before=["cat"] * 14 + ["dog"] * 6)
    assert not report.stable
    assert report.figures()["contradiction"] == pytest.approx(0.3)
    assert "30% of the last 60 labels contradicted" in report.sentence


def test_uncertainty_is_shown_and_only_required_with_a_ceiling():
    rng = np.random.default_rng(3)
    unsure = np.tile([0.4, 0.35, 0.25], (300, 1))
    predictions = _predictions(rng)
    free, strict = StoppingMonitor(), StoppingMonitor(StoppingThresholds(max_uncertainty=0.3))
    for _ in range(4):
        args = dict(new_labels=["a"] * 10, predicted_before=["a"] * 10, sample_proba=unsure)
        loose_report, strict_report = free.update(predictions, **args), strict.update(predictions, **args)
    assert loose_report.stable and loose_report.figures()["uncertainty"] == pytest.approx(0.6)
    assert not strict_report.stable and "uncertainty" in strict_report.sentence


def test_state_survives_a_json_round_trip_between_retrains():
    rng = np.random.default_rng(4)
    predictions = _predictions(rng)
    continuous = StoppingMonitor()
    restarted_state = None
    for _ in range(4):
        expected = continuous.update(predictions, new_labels=["a"] * 5, predicted_before=["a"] * 5)
        state = json.loads(json.dumps(restarted_state)) if restarted_state else None
        restarted = StoppingMonitor(state=state)
        got = restarted.update(predictions, new_labels=["a"] * 5, predicted_before=["a"] * 5)
        restarted_state = restarted.to_state()
        assert got.to_dict() == expected.to_dict()
    assert got.stable


def test_with_every_criterion_switched_off_nothing_is_declared_stable():
    monitor = StoppingMonitor(StoppingThresholds(min_kappa=None, max_contradiction=None))
    for _ in range(5):
        report = monitor.update(["a"] * 10)
    assert not report.stable


def test_check_retrain_feeds_the_monitor_from_fitted_models():
    from sklearn.linear_model import LogisticRegression

    from active_labeling.analysis.stopping_models import check_retrain

    rng = np.random.default_rng(5)
    X = rng.normal(size=(800, 2))
    X = X[np.abs(X[:, 0]) > 0.5][:400]  # a clear gap between the classes
    y = np.where(X[:, 0] > 0, "right", "left")
    sample, monitor, previous = X[300:], StoppingMonitor(), None
    for end in (100, 150, 200, 250):
        model = LogisticRegression().fit(X[:end], y[:end])
        report = check_retrain(monitor, model, sample, previous, X[end - 50:end], y[end - 50:end])
        previous = model
    # A clean boundary with a gap, learned long ago: successive models agree, labels confirm them.
    assert report.stable, report.sentence
    assert report.figures()["uncertainty"] < 0.2


def test_the_ui_gets_the_most_recent_verdict_from_project_variables():
    from active_labeling.analysis.stopping_store import latest_report, with_entry

    variables = {"standard": {"keep": 1}, "local": {"other": 2}}
    assert latest_report(variables) is None
    report = StoppingMonitor().update(["a"] * 5).to_dict()
    old = {"report": dict(report, stable=True), "checked": "2026-01-01"}
    variables = with_entry(variables, "old_model", old)
    variables = with_entry(variables, "clf", {"report": report, "checked": "2026-02-01"})
    latest = latest_report(variables)
    assert latest["model"] == "clf" and latest["sentence"].startswith("Keep labeling")
    assert latest_report(variables, model="old_model")["stable"] is True
    assert variables["standard"] == {"keep": 1} and variables["local"]["other"] == 2


def test_the_verdict_in_plain_words_and_one_point_per_round_for_the_picture():
    rng = np.random.default_rng(5)
    monitor = StoppingMonitor(StoppingThresholds(window=3))
    predictions = _predictions(rng)
    first = monitor.update(predictions, labels_total=20)
    assert first.plain == ("Keep labeling: the model has been retrained 1 time(s); 4 versions are needed to "
                           "tell whether it still changes; too few new labels to check the model against "
                           "the annotators (10 needed).")
    changed = _changed(predictions, rng, share=0.3)
    still = monitor.update(changed, new_labels=["cat"] * 20, predicted_before=["cat"] * 15 + ["dog"] * 5,
                           labels_total=40)
    assert "kappa" not in still.plain and "contradict" not in still.plain
    assert "disagreed with it on 25% of the labels given since the previous versions" in still.plain
    for total in (60, 80, 100):
        report = monitor.update(changed, new_labels=["cat"] * 20, predicted_before=["cat"] * 20,
                                labels_total=total)
    assert report.stable
    assert report.plain.startswith("The model has stopped changing: its last 4 versions predict the same "
                                   "on 100% of a fixed sample of items; annotators agreed with it on ")
    assert report.plain.endswith("you may stop.")
    same = float(np.mean(predictions == changed))
    assert [(p["retrain"], p["labels"], p["new_labels"]) for p in report.history] == [
        (1, 20, 0), (2, 40, 20), (3, 60, 20), (4, 80, 20), (5, 100, 20)]
    assert [p["same"] for p in report.history] == [None, round(same, 4), 1.0, 1.0, 1.0]
    assert [p["agreed"] for p in report.history] == [None, 0.75, 1.0, 1.0, 1.0]
    # The history travels in the state, as the DSS step and the local rounds keep it.
    again = StoppingMonitor(StoppingThresholds(window=3), json.loads(json.dumps(monitor.to_state())))
    assert len(again.update(changed, labels_total=120).history) == 6
