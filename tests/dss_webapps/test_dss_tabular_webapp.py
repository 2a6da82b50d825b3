"""The tabular labeling webapp, run from its backend.py like DSS does, against the stand-in."""

from __future__ import annotations

import json
import threading

import pandas as pd
import pytest

from active_labeling.dss import decision_store
from active_labeling.generation import with_generation_bumped
from active_labeling.items import ids_from_hashes, row_hashes

WEBAPP = "tabular-labeling"


def _metadata(dss):
    return dss.read_dataset("labels_metadata")


def _labels(dss):
    return dss.read_dataset("labels")


def test_config_names_the_dss_user_and_categories(dss, tabular, client_for):
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    config = alice.get("/api/config").get_json()
    assert config["annotator"] == "alice"
    assert config["kind"] == "tabular"
    assert [c["name"] for c in config["categories"]] == ["pos", "neg", "neutral"]
    assert [c["hotkey"] for c in config["categories"]] == ["1", "2", "3"]
    assert config["columns"] == ["text", "stars"]
    assert config["active_learning"] is False


def test_label_skip_history_and_stats_reach_the_datasets(dss, tabular, client_for, rows):
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    batch = alice.get("/api/batch?size=3").get_json()
    first, second, third = (item["id"] for item in batch["items"])
    assert batch["items"][0]["data"].keys() == {"text", "stars"}

    files_before = {p.name: p.read_bytes() for p in dss.dataset_data_files("labels")}
    answer = alice.post("/api/label", json={"id": first, "label": "pos", "comment": "clear"})
    assert answer.status_code == 200, answer.get_json()
    # One label = one more data file; what was there is untouched (an append, not a rewrite).
    files_after = {p.name: p.read_bytes() for p in dss.dataset_data_files("labels")}
    assert len(files_after) == len(files_before) + 1
    assert all(files_after[name] == content for name, content in files_before.items())

    assert alice.post("/api/skip", json={"id": second}).status_code == 200
    assert alice.post("/api/label", json={"id": third, "label": "neg"}).status_code == 200

    stats = alice.get("/api/stats").get_json()
    assert (stats["labeled"], stats["skipped"], stats["total"]) == (2, 1, 14)
    assert stats["annotator"]["per_category"] == {"pos": 1, "neg": 1}

    latest = alice.get("/api/history").get_json()["entry"]
    assert (latest["id"], latest["label"]) == (third, "neg")
    before = alice.get(f"/api/history?before={latest['label_id']}").get_json()["entry"]
    assert (before["id"], before["status"]) == (second, "skipped")

    metadata = _metadata(dss)
    assert metadata["item_id"].tolist() == [first, second, third]
    assert metadata["status"].tolist() == ["labeled", "skipped", "labeled"]
    assert metadata["annotator"].tolist() == ["alice"] * 3
    assert metadata["comment"].fillna("").tolist() == ["clear", "", ""]
    labels = _labels(dss)
    assert labels.columns.tolist() == ["text", "stars", "label", "annotator", "date", "label_id",
                                      "final_label", "final_status"]
    assert labels["label"].tolist() == ["pos", "neg"]
    # The labels rows carry the item's own columns: the item ids recomputed from them match.
    ids = dict(zip(ids_from_hashes(row_hashes(rows)), rows.to_dict("records")))
    assert labels[["text", "stars"]].to_dict("records") == [ids[first], ids[third]]


def test_changed_label_latest_wins_after_compaction_metadata_keeps_both(dss, tabular, client_for):
    app = dss.load_webapp(WEBAPP, tabular)
    alice = client_for(app, "alice")
    item = alice.get("/api/batch?size=1").get_json()["items"][0]["id"]
    alice.post("/api/label", json={"id": item, "label": "pos"})
    alice.post("/api/label", json={"id": item, "label": "neg"})
    assert _labels(dss)["label"].tolist() == ["pos", "neg"]  # appended, superseded row still there

    # A restarted backend finds the superseded row and compacts: the latest label only.
    restarted = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    assert _labels(dss)["label"].tolist() == ["neg"]
    assert len(dss.dataset_data_files("labels")) == 1
    assert _metadata(dss)["label"].tolist() == ["pos", "neg"]
    assert restarted.get("/api/history").get_json()["entry"]["label"] == "neg"
    assert restarted.get("/api/stats").get_json()["per_category"] == {"neg": 1}


def test_compaction_runs_when_superseded_rows_pile_up_and_loses_nothing(dss, tabular, client_for,
                                                                       monkeypatch):
    monkeypatch.setattr(decision_store, "COMPACT_MINIMUM", 3)
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    ids = [item["id"] for item in alice.get("/api/batch?size=5").get_json()["items"]]
    for item in ids:
        alice.post("/api/label", json={"id": item, "label": "pos"})
    files = [len(dss.dataset_data_files("labels"))]
    for item in ids[:4]:  # four changes: the fourth superseded row crosses the threshold of 3
        alice.post("/api/label", json={"id": item, "label": "neg"})
        files.append(len(dss.dataset_data_files("labels")))
    assert files == [5, 6, 7, 8, 1]
    labels = _labels(dss).sort_values("label_id")
    assert labels["label"].tolist() == ["pos", "neg", "neg", "neg", "neg"]
    assert len(_metadata(dss)) == 9
    alice.post("/api/label", json={"id": ids[4], "label": "neutral"})  # appends resume after it
    assert len(dss.dataset_data_files("labels")) == 2
    assert sorted(_labels(dss)["label"].tolist()) == ["neg"] * 4 + ["neutral", "pos"]


def test_multi_label_is_a_json_list_in_the_label_column(dss, tabular, client_for):
    alice = client_for(dss.load_webapp(WEBAPP, dict(tabular, multi_label=True)), "alice")
    item = alice.get("/api/batch?size=1").get_json()["items"][0]["id"]
    assert alice.post("/api/label", json={"id": item, "label": ["neg", "pos"]}).status_code == 200
    assert json.loads(_labels(dss)["label"].iloc[0]) == ["neg", "pos"]
    restarted = client_for(dss.load_webapp(WEBAPP, dict(tabular, multi_label=True)), "alice")
    assert restarted.get("/api/history").get_json()["entry"]["label"] == ["neg", "pos"]


def test_existing_labels_dataset_with_other_columns_is_refused_untouched(dss, tabular):
    dss.create_dataset("old_labels", pd.DataFrame({"id": [1, 2], "target": ["a", "b"]}))
    before = {p.name: p.read_bytes() for p in dss.dataset_data_files("old_labels")}
    schema = dss.dataset_schema("old_labels")
    with pytest.raises(Exception) as refused:
        dss.load_webapp(WEBAPP, dict(tabular, labels_dataset="old_labels"))
    message = str(refused.value)
    assert "old_labels" in message and "[id, target]" in message
    assert "text, stars, label, annotator, date, label_id" in message
    assert "Choose another dataset" in message
    assert {p.name: p.read_bytes() for p in dss.dataset_data_files("old_labels")} == before
    assert dss.dataset_schema("old_labels") == schema
    assert dss.dataset_schema("labels_metadata") == []  # nothing written to the other one either


def test_annotator_is_the_dss_user_never_the_body(dss, tabular, client_for):
    bob = client_for(dss.load_webapp(WEBAPP, tabular), "bob")
    item = bob.get("/api/batch?size=1").get_json()["items"][0]["id"]
    bob.post("/api/label", json={"id": item, "label": "pos", "annotator": "mallory"})
    assert _metadata(dss)["annotator"].tolist() == ["bob"]
    assert _labels(dss)["annotator"].tolist() == ["bob"]


def test_no_or_unknown_session_is_401(dss, tabular, users):
    client = dss.load_webapp(WEBAPP, tabular).test_client()
    forged = {name: "forged" for name in users["alice"]}  # the right header, a wrong session
    for headers in ({}, forged, {"X-DKU-User": "alice"}):
        headers = {**headers, "X-Requested-With": "active-labeling"}  # from the page, but no session
        response = client.get("/api/batch", headers=headers)
        assert response.status_code == 401
        assert "error" in response.get_json()
        assert client.post("/api/label", json={"id": "x", "label": "pos"}, headers=headers).status_code == 401
    assert _metadata(dss).empty


def test_unknown_item_is_404_and_unknown_category_400(dss, tabular, client_for):
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    assert alice.post("/api/label", json={"id": "nope", "label": "pos"}).status_code == 404
    item = alice.get("/api/batch?size=1").get_json()["items"][0]["id"]
    assert alice.post("/api/label", json={"id": item, "label": "maybe"}).status_code == 400
    assert _metadata(dss).empty


def test_two_users_never_get_the_same_reserved_item(dss, tabular, client_for):
    app = dss.load_webapp(WEBAPP, tabular)
    alice, bob = client_for(app, "alice"), client_for(app, "bob")
    mine = {i["id"] for i in alice.get("/api/batch?size=8").get_json()["items"]}
    theirs = {i["id"] for i in bob.get("/api/batch?size=8").get_json()["items"]}
    assert len(mine) == 8 and len(theirs) == 6  # 14 items in all
    assert not mine & theirs
    taken = next(iter(mine))
    assert bob.post("/api/label", json={"id": taken, "label": "pos"}).status_code == 409


def _queries(rows: pd.DataFrame, order) -> pd.DataFrame:
    picked = rows.iloc[list(order)].reset_index(drop=True)
    return picked.assign(score=[1.0 - 0.1 * k for k in range(len(picked))], rank=range(1, len(picked) + 1))


def _publish(dss, queries: pd.DataFrame) -> None:
    dss.dataset("queries").write_dataframe(queries, infer_schema=True)  # as the Query Sampler replaces it
    variables, _ = with_generation_bumped(dss.get_variables(), f"{dss.project_key}.queries")
    dss.set_variables(variables)


def test_new_queries_generation_reorders_the_next_batch_without_restart(dss, tabular, rows, client_for):
    dss.create_dataset("queries")
    _publish(dss, _queries(rows, [5, 1, 9]))
    alice = client_for(dss.load_webapp(WEBAPP, dict(tabular, queries_dataset="queries")), "alice")
    batch = alice.get("/api/batch?size=3").get_json()
    # Cells as DSS stores them: the page shows "5" as a number, the JSON carries the text.
    assert [i["data"]["stars"] for i in batch["items"]] == ["5", "1", "9"]
    assert [i["al"]["rank"] for i in batch["items"]] == [1, 2, 3]
    assert batch["generation"] == 1
    alice.post("/api/release", json={})

    _publish(dss, _queries(rows, [11, 0, 7, 5]))
    batch = alice.get("/api/batch?size=4").get_json()
    assert batch["generation"] == 2
    assert [i["data"]["stars"] for i in batch["items"]] == ["11", "0", "7", "5"]


def test_items_with_a_date_column_get_a_distinct_labeling_date(dss, client_for):
    dss.create_dataset("events", pd.DataFrame({"date": ["2024-01-01", "2024-01-02"], "what": ["a", "b"]}))
    dss.create_dataset("labels")
    dss.create_dataset("labels_metadata")
    config = {"input_dataset": "events", "categories": [{"from": "ok", "to": ""}],
              "labels_dataset": "labels", "metadata_dataset": "labels_metadata"}
    alice = client_for(dss.load_webapp(WEBAPP, config), "alice")
    item = alice.get("/api/batch?size=1").get_json()["items"][0]
    alice.post("/api/label", json={"id": item["id"], "label": "ok"})
    labels = _labels(dss)
    assert labels.columns.tolist() == ["date", "what", "label", "annotator", "labeling_date", "label_id",
                                      "final_label", "final_status"]
    assert labels["date"].tolist() == [item["data"]["date"]]


def test_a_label_whose_labels_append_failed_is_restored_at_start(dss, tabular, client_for, monkeypatch):
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    first, second = (i["id"] for i in alice.get("/api/batch?size=2").get_json()["items"])
    alice.post("/api/label", json={"id": first, "label": "pos"})
    real_append = decision_store._append

    def failing_labels_append(dataset, names, rows):
        if dataset.short_name == "labels":
            raise OSError("connection lost")
        real_append(dataset, names, rows)

    monkeypatch.setattr(decision_store, "_append", failing_labels_append)
    monkeypatch.setattr(decision_store, "RETRY_PAUSES", (0.0,))
    failed = alice.post("/api/label", json={"id": second, "label": "neg"})
    assert failed.status_code == 503  # never acknowledged
    assert "Restart the webapp's backend" in failed.get_json()["error"]
    assert _labels(dss)["label"].tolist() == ["pos"]
    monkeypatch.setattr(decision_store, "_append", real_append)
    # Until then, nothing more is taken (it would reuse the label id the metadata already has).
    assert alice.post("/api/skip", json={"id": first}).status_code == 503

    client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    labels = _labels(dss).sort_values("label_id")
    assert labels["label"].tolist() == ["pos", "neg"]
    assert len(_metadata(dss)) == 2


def _served_until(eventually, client, text):
    """The texts of the items served until ``text`` came (the input is re-read in the background)."""
    served = []
    eventually(lambda: served.extend(item["data"]["text"] for item in
                                     client.get("/api/batch?size=15").get_json()["items"]) or text in served)
    return served


def _append_review(dss, text):
    reviews = dss.dataset("reviews")
    reviews.spec_item["appendMode"] = True
    with reviews.get_writer() as writer:
        writer.write_dataframe(pd.DataFrame({"text": [text], "stars": [4]}))


def test_rows_added_to_the_input_are_served_without_restart(dss, tabular, client_for, rows, monkeypatch,
                                                            eventually):
    from active_labeling.dss import pools

    monkeypatch.setattr(pools, "TABLE_RECHECK_SECONDS", 0.0)
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    assert alice.get("/api/stats").get_json()["total"] == 14
    _append_review(dss, "a late review")
    assert "a late review" in _served_until(eventually, alice, "a late review")
    assert alice.get("/api/stats").get_json()["total"] == 15


def test_labels_are_recorded_while_a_large_input_is_re_read(dss, tabular, client_for, rows, monkeypatch,
                                                           eventually):
    from active_labeling.dss import pools

    monkeypatch.setattr(pools, "TABLE_RECHECK_SECONDS", 0.0)
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    some_id = ids_from_hashes(row_hashes(rows))[0]
    reading, finish = threading.Event(), threading.Event()
    # The dataiku module the pool uses (tests that reload the stand-in may leave another in sys.modules).
    dataset_class = pools.dataiku.Dataset
    read = dataset_class.iter_dataframes_forced_types

    def slow_read(self, *args, **kwargs):  # a dataset that takes long to read, until the test says
        reading.set()
        finish.wait(30)
        return read(self, *args, **kwargs)

    monkeypatch.setattr(dataset_class, "iter_dataframes_forced_types", slow_read)
    answers = {}
    work = threading.Thread(target=lambda: answers.update(
        batch=alice.get("/api/batch?size=1"),  # the first batch finds a re-read due: starts it
        label=alice.post("/api/label", json={"id": some_id, "label": "pos"})))
    work.start()
    assert reading.wait(10), f"the batch started no re-read: {answers}"
    work.join(10)  # the read is held until `finish`: an answer now did not wait for it
    assert not work.is_alive(), "a batch or a label waited for the dataset read"
    assert answers["batch"].status_code == 200 and answers["label"].status_code == 200
    _append_review(dss, "read while labeling")
    finish.set()
    assert len(_metadata(dss)) == 1  # (reading it goes through the slowed read too)
    assert "read while labeling" in _served_until(eventually, alice, "read while labeling")


def test_hotkeys_and_shown_columns_from_the_settings(dss, tabular, client_for):
    settings = dict(tabular, columns=["stars"], hotkeys=[{"from": "neutral", "to": "N"}])
    alice = client_for(dss.load_webapp(WEBAPP, settings), "alice")
    config = alice.get("/api/config").get_json()
    assert {c["name"]: c["hotkey"] for c in config["categories"]} == {"pos": "1", "neg": "2", "neutral": "n"}
    assert config["columns"] == ["stars"]
    item = alice.get("/api/batch?size=1").get_json()["items"][0]
    assert list(item["data"]) == ["stars"]
    alice.post("/api/label", json={"id": item["id"], "label": "pos"})
    assert _labels(dss).columns.tolist()[:2] == ["text", "stars"]  # the labels keep every column


def test_queries_of_another_dataset_stop_the_start_but_not_a_running_backend(dss, tabular, rows, client_for):
    dss.create_dataset("queries")
    _publish(dss, pd.DataFrame({"title": ["x"], "score": [0.5], "rank": [1]}))
    with pytest.raises(Exception, match="lacks the columns text, stars"):
        dss.load_webapp(WEBAPP, dict(tabular, queries_dataset="queries"))

    _publish(dss, _queries(rows, [2, 4]))
    alice = client_for(dss.load_webapp(WEBAPP, dict(tabular, queries_dataset="queries")), "alice")
    _publish(dss, pd.DataFrame({"title": ["x"], "score": [0.5], "rank": [1]}))
    batch = alice.get("/api/batch?size=3")
    assert batch.status_code == 200
    assert len(batch.get_json()["items"]) == 3


def test_dss_is_asked_who_the_user_is_once_per_session_not_per_request(dss, tabular, users, monkeypatch):
    import dataiku

    from active_labeling.dss import identity

    calls = []
    real_client = dataiku.api_client

    def counting_client():
        calls.append(1)
        return real_client()

    monkeypatch.setattr(identity, "_remembered", {})
    monkeypatch.setattr(identity.dataiku, "api_client", counting_client)
    client = dss.load_webapp(WEBAPP, tabular).test_client(use_cookies=False)
    client.environ_base["HTTP_X_REQUESTED_WITH"] = "active-labeling"  # as the labeling page does
    for _ in range(5):
        assert client.get("/api/stats", headers=users["alice"]).status_code == 200
    assert client.get("/api/config", headers=users["bob"]).get_json()["annotator"] == "bob"
    assert len(calls) == 2
    for _ in range(2):
        forged = {name: "forged" for name in users["alice"]}
        assert client.get("/api/stats", headers=forged).status_code == 401
    assert len(calls) == 4  # a refused session is asked again each time, never remembered
