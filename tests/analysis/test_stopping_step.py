"""The Stopping criteria scenario step, run as DSS runs it after each retrain (DSS stand-in)."""

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from active_labeling.dss.stopping_step import STOPPING_VARIABLE

FEATURES = ["x1", "x2"]
STEP = "stopping-criteria"


def _pool(n=300, seed=0):
    rng = np.random.default_rng(seed)
    pool = pd.DataFrame(rng.normal(size=(n, 2)), columns=FEATURES)
    pool["truth"] = np.where(pool["x1"] + pool["x2"] > 0, "yes", "no")
    return pool


def _fit(rows):
    return LogisticRegression().fit(rows[FEATURES], rows["truth"])


def _config(**overrides):
    config = {"model": "clf", "pool_kind": "dataset", "pool_dataset": "pool", "labels_dataset": "labels",
              "label_column": "label", "sample_size": 100, "window": 2}
    config.update(overrides)
    return config


def _label(dss, pool, rows, wrong=0):
    """Append labels (the true class, except for ``wrong`` of them) as the webapp would."""
    labels = pool.iloc[rows][FEATURES].copy()
    labels["label"] = pool.iloc[rows]["truth"].to_numpy()
    if wrong:
        labels.iloc[:wrong, labels.columns.get_loc("label")] = "maybe"  # answers no model predicts
    if not dss.dataset_exists("labels"):
        dss.create_dataset("labels", labels)
        return
    dataset = dss.dataset("labels")
    dataset.spec_item["appendMode"] = True
    with dataset.get_writer() as writer:
        writer.write_dataframe(labels)


def _entry(dss):
    return dss.get_variables()["local"][STOPPING_VARIABLE]["clf"]


def test_the_step_says_stable_once_retrains_stop_changing_the_model(dss):
    pool = _pool()
    dss.create_dataset("pool", pool[FEATURES])
    dss.create_dataset("history")  # created empty by the user; the step sets its schema
    # Labels well beyond what a linear boundary needs: every retrain gives the same predictions.
    _label(dss, pool, range(0, 150))
    dss.create_saved_model("clf", _fit(pool.iloc[:150]), FEATURES)
    dss.run_step(STEP, _config(history_dataset="history")).check()
    first = _entry(dss)["report"]
    assert not first["stable"] and first["sentence"].startswith("Keep labeling")
    for end in (170, 190):
        _label(dss, pool, range(end - 20, end))
        dss.add_model_version("clf", _fit(pool.iloc[:end]))
        run = dss.run_step(STEP, _config(history_dataset="history"))
        run.check()
    report = _entry(dss)["report"]
    figures = {c["name"]: c["value"] for c in report["criteria"]}
    assert report["stable"], report["sentence"]
    assert figures["agreement"] >= 0.99 and figures["contradiction"] <= 0.1
    assert "Stopping criteria (stable)" in run.stdout
    history = dss.read_dataset("history")
    assert history["stable"].tolist() == [False, False, True]
    assert history["labels"].tolist() == [150, 170, 190]


def test_annotators_contradicting_the_model_keep_it_unstable(dss):
    pool = _pool()
    dss.create_dataset("pool", pool[FEATURES])
    _label(dss, pool, range(0, 150))
    dss.create_saved_model("clf", _fit(pool.iloc[:150]), FEATURES)
    dss.run_step(STEP, _config()).check()
    for end in (170, 190):
        _label(dss, pool, range(end - 20, end), wrong=8)
        dss.add_model_version("clf", _fit(pool.iloc[:end]))
        dss.run_step(STEP, _config()).check()
    report = _entry(dss)["report"]
    assert not report["stable"]
    figures = {c["name"]: c["value"] for c in report["criteria"]}
    assert figures["contradiction"] >= 16 / 40  # the 16 wrong answers, maybe a true label missed too
    assert "of the last 40 labels contradicted the model (needs ≤ 10%)" in report["sentence"]


def test_rerunning_without_a_new_model_version_does_not_count_as_agreement(dss):
    pool = _pool()
    dss.create_dataset("pool", pool[FEATURES])
    _label(dss, pool, range(0, 150))
    dss.create_saved_model("clf", _fit(pool.iloc[:150]), FEATURES)
    for _ in range(4):
        dss.run_step(STEP, _config()).check()
    entry = _entry(dss)
    assert entry["state"]["retrains"] == 1 and not entry["report"]["stable"]


def test_a_missing_parameter_fails_the_step_with_its_label(dss):
    run = dss.run_step(STEP, _config(labels_dataset=None))
    assert run.returncode != 0 and "'Labels dataset' (labels_dataset)" in run.stderr
