"""The Stopping criteria step's verdict reaches the labeling webapp's /api/stats (DSS stand-in)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from active_labeling.dss import webapp

FEATURES = ["x1", "x2"]


def _append(dss, name, frame):
    if not dss.dataset_exists(name):
        dss.create_dataset(name, frame)
        return
    dataset = dss.dataset(name)
    dataset.spec_item["appendMode"] = True
    with dataset.get_writer() as writer:
        writer.write_dataframe(frame)


def test_the_verdict_of_the_step_shows_in_stats(dss, client_for, monkeypatch):
    monkeypatch.setattr(webapp, "STOPPING_CACHE_SECONDS", 0.0)  # DSS: re-read after 5 s
    rng = np.random.default_rng(0)
    pool = pd.DataFrame(rng.normal(size=(300, 2)).round(4), columns=FEATURES)
    truth = np.where(pool.x1 + pool.x2 > 0, "yes", "no")
    dss.create_dataset("pool", pool)
    dss.create_dataset("labels")
    dss.create_dataset("labels_metadata")
    alice = client_for(dss.load_webapp("tabular-labeling", {
        "input_dataset": "pool", "categories": [{"from": "yes"}, {"from": "no"}],
        "labels_dataset": "labels", "metadata_dataset": "labels_metadata"}), "alice")
    assert alice.get("/api/stats").get_json()["stopping"] is None  # no check ran yet

    step = {"model": "clf", "pool_kind": "dataset", "pool_dataset": "pool", "labels_dataset": "given",
            "label_column": "label", "sample_size": 100, "window": 2}
    for end in (150, 170, 190):  # far more labels than a linear boundary needs: the model stops moving
        start = 0 if end == 150 else end - 20
        _append(dss, "given", pool.iloc[start:end].assign(label=truth[start:end]))  # as the webapp appends
        model = LogisticRegression().fit(pool.iloc[:end], truth[:end])
        if end == 150:
            dss.create_saved_model("clf", model, FEATURES)
        else:
            dss.add_model_version("clf", model)
        dss.run_step("stopping-criteria", step).check()
        verdict = alice.get("/api/stats").get_json()["stopping"]
        assert verdict["retrains"] == (end - 130) // 20
    stored = dss.get_variables()["local"]["active_labeling_stopping"]["clf"]["report"]
    assert verdict["stable"] is True and verdict["sentence"] == stored["sentence"]
    assert verdict["sentence"].startswith("The model looks stable")
    assert verdict["figures"] == {c["name"]: c["value"] for c in stored["criteria"]}
    assert verdict["figures"]["agreement"] >= 0.99
