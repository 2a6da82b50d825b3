"""`serve --retrain-every 20`: the round's queries carry the new model's guesses, the next batch
offers them with why in words, labels record whether they agreed, and the stats count it."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest
from retrain_helpers import Server, label_batches, wait_for_generation, wait_for_round
from test_retrain_loop import tabular_pool, tabular_truth

pytestmark = pytest.mark.e2e


def test_the_retrain_loop_offers_its_models_guesses(tmp_path):
    data = tmp_path / "pool.csv"
    frame = tabular_pool(data)
    workspace = tmp_path / "ws"
    server = Server(["--kind", "tabular", "--data", str(data), "--categories", "low,high",
                     "--retrain-every", "20", "--annotator", "tester"], workspace)
    try:
        first = server.call("GET", "/api/batch?size=1")["items"][0]
        assert first["suggestion"] is None and first["why"]["text"] == "Random order: no model yet"
        server.call("POST", "/api/release", {})
        label_batches(server, 20, tabular_truth)
        entry = wait_for_round(workspace, 1, server)
        wait_for_generation(server, 1)
        queries = pd.read_parquet(entry["queries_file"])
        with open(entry["model"], "rb") as stream:
            model = pickle.load(stream)
        proba = model.predict_proba(queries[list(frame.columns)])
        assert queries["prediction"].tolist() == [str(model.classes_[i]) for i in proba.argmax(axis=1)]
        table = json.loads(queries["probabilities"][0])
        assert max(table.values()) == pytest.approx(proba[0].max(), abs=1e-4)

        items = server.call("GET", "/api/batch?size=4")["items"]
        by_row = {(r.x1, r.x2, r.colour): r for r in queries.itertuples()}
        for item in items:
            row = by_row[(item["data"]["x1"], item["data"]["x2"], item["data"]["colour"])]
            assert item["suggestion"] == row.prediction
            assert item["why"]["text"].startswith(("The model ", "Picked at random"))
        agreed = [tabular_truth(item) == item["suggestion"] for item in items]
        for item in items:
            answer = server.call("POST", "/api/label", {"id": item["id"], "label": tabular_truth(item)})
        assert answer["stats"]["model_agreement"] == {"checked": 4, "agreed": sum(agreed),
                                                      "rate": sum(agreed) / 4}
        assert np.isfinite(answer["generation"]) and answer["generation"] >= 1
    finally:
        server.close()
