"""The whole DSS loop through the stand-in, set up as a flow builder would.

A labeling webapp starts with empty labels, metadata and queries datasets; an annotator labels 30
items (changing one); the "every n labelings" trigger fires; the scenario retrains a visual ML
saved model (numeric, categorical and text features) on the labels, runs the Query Sampler and
the Stopping criteria step; the running webapp follows the new queries; a restarted webapp finds
everything where it was.
"""

from __future__ import annotations

import pandas as pd

WEBAPP = "tabular-labeling"
TRIGGER = {"n": 30, "metadata_dataset": "labels_metadata", "queries_dataset": "queries"}


def _truth(item: dict) -> str:
    """What a careful annotator answers: good reviews are worth buying (price breaks the ties)."""
    review = item["data"].get("review") or ""
    if review:
        return "buy" if "great" in review else "skip"
    price = item["data"].get("price")
    return "buy" if price not in (None, "") and float(price) < 20 else "skip"


def _retrain_and_requery(dss, fire_params: dict, features: dict) -> None:
    """The scenario the trigger starts: train, re-query, check whether to stop."""
    dss.train_saved_model("clf", "labels", "label", features)
    dss.run_recipe("query-sampler", inputs={"model": ["clf"], "unlabeled": ["reviews"],
                                            "metadata": ["labels_metadata"]},
                   outputs={"queries": ["queries"]}, config={"n_queries": 20, "strategy": "margin"}).check()
    dss.run_step("stopping-criteria", {"model": "clf", "pool_kind": "dataset", "pool_dataset": "reviews",
                                       "labels_dataset": "labels", "label_column": "label",
                                       "sample_size": 50}, trigger_params=fire_params).check()


def test_label_trigger_retrain_requery_follow_and_restart(dss, client_for, mixed_rows, mixed_features):
    rows = mixed_rows(120)
    dss.create_dataset("reviews", rows.drop(columns=["label"]))
    for name in ("labels", "labels_metadata", "queries"):
        dss.create_dataset(name)  # created empty with the webapp, as its settings page offers
    config = {"input_dataset": "reviews", "labels_dataset": "labels", "metadata_dataset": "labels_metadata",
              "queries_dataset": "queries", "categories": [{"from": "buy", "to": "Worth buying"},
                                                           {"from": "skip", "to": "Not worth it"}]}
    alice = client_for(dss.load_webapp(WEBAPP, config), "alice")

    # Round 0: no model yet, random order.
    labeled = []
    while len(labeled) < 30:
        batch = alice.get("/api/batch?size=10").get_json()
        assert batch["generation"] == 0
        for item in batch["items"][:30 - len(labeled)]:
            answer = alice.post("/api/label", json={"id": item["id"], "label": _truth(item)})
            assert answer.status_code == 200, answer.get_json()
            labeled.append(item)
    alice.post("/api/release", json={})
    slip = labeled[3]
    wrong = "skip" if _truth(slip) == "buy" else "buy"
    assert alice.post("/api/label", json={"id": slip["id"], "label": wrong}).status_code == 200
    assert alice.post("/api/label", json={"id": slip["id"], "label": _truth(slip)}).status_code == 200
    assert not dss.run_trigger("every-n-labelings", dict(TRIGGER, n=40)).check().fired

    fire = dss.run_trigger("every-n-labelings", TRIGGER).check()
    assert fire.fired and fire.params["generation"] == 0
    _retrain_and_requery(dss, fire.params, mixed_features)

    # The running webapp follows generation 1 at its next batch, without a restart.
    queries = dss.read_dataset("queries", infer_with_pandas=True)
    assert len(queries) == 20 and queries["model_version"].eq("v1").all()
    batch = alice.get("/api/batch?size=5").get_json()
    assert batch["generation"] == 1
    assert [item["al"]["rank"] for item in batch["items"]] == [1, 2, 3, 4, 5]
    served = [item["data"]["review"] or "" for item in batch["items"]]
    expected = [("" if pd.isna(r) else r) for r in queries["review"].head(5)]
    assert served == expected
    assert not {item["id"] for item in batch["items"]} & {item["id"] for item in labeled}
    for item in batch["items"][:2]:
        assert alice.post("/api/label", json={"id": item["id"], "label": _truth(item)}).status_code == 200
    stats = alice.get("/api/stats").get_json()
    assert stats["labeled"] == 32 and stats["stopping"] is not None

    # A restarted backend: every label, the changed one as changed, the queries still followed.
    restarted = client_for(dss.load_webapp(WEBAPP, config), "alice")
    stats = restarted.get("/api/stats").get_json()
    assert stats["labeled"] == 32
    labels = dss.read_dataset("labels", infer_with_pandas=True)
    assert len(labels) == 32 and len(dss.dataset_data_files("labels")) == 1
    metadata = dss.read_dataset("labels_metadata", infer_with_pandas=True)
    assert len(metadata) == 34 and metadata["label_id"].is_unique
    changed = labels[labels["label_id"] == metadata[metadata["item_id"] == slip["id"]]["label_id"].max()]
    assert changed["label"].tolist() == [_truth(slip)]
    next_batch = restarted.get("/api/batch?size=3").get_json()
    assert next_batch["generation"] == 1 and next_batch["items"][0]["al"]["rank"] == 3
    assert dss.get_variables()["local"]  # the stopping verdict and the generation live there
