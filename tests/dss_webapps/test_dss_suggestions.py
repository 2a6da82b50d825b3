"""The model's suggestions through the DSS stand-in: the Query Sampler recipe writes them from a saved
model, the labeling webapp offers them and records the suggestion shown and the agreement in the
metadata dataset; a metadata dataset made before suggestions keeps its schema and its rows."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from active_labeling.dss.schemas import METADATA_COLUMNS_BEFORE_SUGGESTIONS

WEBAPP = "tabular-labeling"
CATEGORIES = [{"from": "low", "to": "Low"}, {"from": "high", "to": "High"}]


@pytest.fixture
def sampled(dss):
    """A pool of 60 rows, a saved model of it, and the Query Sampler's queries of 8 rows."""
    x = np.round(np.linspace(-3, 3, 60), 3)
    pool = pd.DataFrame({"x": x, "name": [f"row-{i}" for i in range(60)]})
    dss.create_dataset("pool", pool)
    estimator = LogisticRegression().fit(pool[["x"]], np.where(x > 0, "high", "low"))
    dss.create_saved_model("clf", estimator, ["x"], prediction_type="BINARY_CLASSIFICATION")
    dss.run_recipe("query-sampler", {"model": ["clf"], "unlabeled": ["pool"]}, {"queries": ["queries"]},
                   {"strategy": "margin", "n_queries": 8}).check()
    return estimator


def config(**extra):
    return {"input_dataset": "pool", "labels_dataset": "labels", "metadata_dataset": "meta",
            "queries_dataset": "queries", "categories": CATEGORIES, **extra}


def test_the_saved_models_guess_is_offered_and_each_decision_records_it(dss, client_for, sampled):
    queries = dss.read_dataset("queries", infer_with_pandas=False)
    dss.create_dataset("labels")
    dss.create_dataset("meta")
    alice = client_for(dss.load_webapp(WEBAPP, config()), "alice")
    assert alice.get("/api/config").get_json()["suggestions"] is True
    items = alice.get("/api/batch?size=3").get_json()["items"]
    for item, (_, row) in zip(items, queries.head(3).iterrows()):
        assert item["data"]["name"] == row["name"]
        assert item["suggestion"] == row["prediction"]
        table = json.loads(row["probabilities"])
        first, second = list(table)[:2]
        assert item["why"]["text"] == (f"The model hesitates between {first} ({round(100 * table[first])}%) "
                                       f"and {second} ({round(100 * table[second])}%)")
    accepted, overridden, skipped = items
    other = "low" if overridden["suggestion"] == "high" else "high"
    taken = alice.post("/api/label", json={"id": accepted["id"], "label": accepted["suggestion"]})
    assert taken.status_code == 200
    answer = alice.post("/api/label", json={"id": overridden["id"], "label": other}).get_json()
    assert answer["stats"]["model_agreement"] == {"checked": 2, "agreed": 1, "rate": 0.5}
    assert alice.post("/api/skip", json={"id": skipped["id"]}).status_code == 200

    meta = dss.read_dataset("meta")
    assert [c["name"] for c in dss.dataset_schema("meta")][-2:] == ["suggestion", "agreed"]
    assert meta[["suggestion", "agreed"]].fillna("").values.tolist() == [
        [accepted["suggestion"], "true"], [overridden["suggestion"], "false"], [skipped["suggestion"], ""]]
    # A restarted backend reads the agreement back from the metadata.
    bob = client_for(dss.load_webapp(WEBAPP, config()), "bob")
    assert bob.get("/api/stats").get_json()["model_agreement"]["agreed"] == 1


def test_a_metadata_dataset_made_before_suggestions_keeps_its_schema_and_rows(dss, client_for, sampled):
    dss.create_dataset("labels")
    old = pd.DataFrame([{"item_id": "x", "annotator": "carol", "date": "2026-01-01T00:00:00.000Z",
                         "status": "skipped", "label": "", "comment": "", "session": "s", "label_id": 1}])
    dss.create_dataset("meta", old, schema=METADATA_COLUMNS_BEFORE_SUGGESTIONS)
    alice = client_for(dss.load_webapp(WEBAPP, config()), "alice")
    item = alice.get("/api/batch?size=1").get_json()["items"][0]
    assert item["suggestion"] in ("low", "high")  # still offered on the page
    assert alice.post("/api/label", json={"id": item["id"], "label": "low"}).status_code == 200
    assert dss.dataset_schema("meta") == METADATA_COLUMNS_BEFORE_SUGGESTIONS
    meta = dss.read_dataset("meta")
    assert meta["annotator"].tolist() == ["carol", "alice"] and meta["label"].tolist()[1] == "low"


def test_hidden_suggestions_in_the_webapps_settings(dss, client_for, sampled):
    dss.create_dataset("labels")
    dss.create_dataset("meta")
    alice = client_for(dss.load_webapp(WEBAPP, config(show_suggestions=False)), "alice")
    assert alice.get("/api/config").get_json()["suggestions"] is False
    items = alice.get("/api/batch?size=4").get_json()["items"]
    assert all(item["suggestion"] is None for item in items)
    assert not any("low" in item["why"]["text"] or "high" in item["why"]["text"] for item in items)
    assert alice.post("/api/label", json={"id": items[0]["id"], "label": "low"}).status_code == 200
    assert dss.read_dataset("meta")["suggestion"].fillna("").tolist() == [""]


def test_the_rounds_and_the_plain_verdict_of_the_stopping_step_reach_the_page(dss, client_for, monkeypatch):
    from active_labeling.dss import webapp

    monkeypatch.setattr(webapp, "STOPPING_CACHE_SECONDS", 0.0)  # DSS: re-read after 5 s
    rng = np.random.default_rng(0)
    pool = pd.DataFrame(rng.normal(size=(300, 2)).round(4), columns=["x1", "x2"])
    truth = np.where(pool.x1 + pool.x2 > 0, "yes", "no")
    dss.create_dataset("pool", pool)
    dss.create_dataset("labels")
    dss.create_dataset("meta")
    alice = client_for(dss.load_webapp(WEBAPP, {"input_dataset": "pool", "labels_dataset": "labels",
                                                "metadata_dataset": "meta",
                                                "categories": [{"from": "yes"}, {"from": "no"}]}), "alice")
    step = {"model": "clf", "pool_kind": "dataset", "pool_dataset": "pool", "labels_dataset": "given",
            "label_column": "label", "sample_size": 100, "window": 2}
    for end in (150, 170, 190):
        given = pool.iloc[:end].assign(label=truth[:end])
        if dss.dataset_exists("given"):
            dss.dataset("given").write_with_schema(given)
        else:
            dss.create_dataset("given", given)
        model = LogisticRegression().fit(pool.iloc[:end], truth[:end])
        if end == 150:
            dss.create_saved_model("clf", model, ["x1", "x2"])
        else:
            dss.add_model_version("clf", model)
        dss.run_step("stopping-criteria", step).check()
    verdict = alice.get("/api/stats").get_json()["stopping"]
    assert [(p["retrain"], p["labels"], p["new_labels"]) for p in verdict["history"]] == [
        (1, 150, 0), (2, 170, 20), (3, 190, 20)]
    assert verdict["history"][0]["same"] is None and verdict["history"][-1]["same"] >= 0.95
    assert verdict["plain"].startswith("The model has stopped changing: its last 3 versions predict the same")
    assert "kappa" not in verdict["plain"]
