"""Files of the metadata and labels datasets stay few however many labels come, and nothing is lost.

The stand-in keeps one data file per append session, as a file-based connection does, and counts
the sessions.
"""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from active_labeling.dss import compaction, decision_store

WEBAPP = "tabular-labeling"


def _decisions(dss) -> pd.DataFrame:
    return dss.read_dataset("labels_metadata", infer_with_pandas=True).sort_values("label_id")


def test_both_datasets_are_compacted_after_a_number_of_appends(dss, tabular, client_for, monkeypatch):
    monkeypatch.setattr(decision_store, "COMPACT_AFTER_APPENDS", 4)
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    items = [item["id"] for item in alice.get("/api/batch?size=14").get_json()["items"]]
    most_files = 0
    for k, item in enumerate(items + items[:6]):  # 14 labels, then 6 changes
        decision = {"id": item, "label": ["pos", "neg"][k % 2], "comment": str(k)}
        answer = alice.post("/api/label", json=decision)
        assert answer.status_code == 200, answer.get_json()
        most_files = max(most_files, len(dss.dataset_data_files("labels_metadata")),
                         len(dss.dataset_data_files("labels")))
    assert most_files <= 5  # one compacted file and at most 4 appends
    metadata = _decisions(dss)
    assert metadata["comment"].astype(str).tolist() == [str(k) for k in range(20)]
    labels = dss.read_dataset("labels", infer_with_pandas=True)
    assert sorted(labels["label_id"]) == sorted(metadata.groupby("item_id")["label_id"].max())
    sessions = dss.dataset_write_sessions("labels_metadata")
    assert sessions["APPEND"] == 20 and sessions["OVERWRITE"] >= 4


def test_labels_that_arrive_together_share_one_append_session(dss, users, api, monkeypatch):
    """A threaded backend ("Number of processes" 0): 8 annotators, fewer append sessions than labels,
    compactions in the background as in DSS."""
    monkeypatch.setattr(decision_store, "COMPACT_IN_BACKGROUND", True)
    monkeypatch.setattr(decision_store, "COMPACT_AFTER_APPENDS", 8)
    dss.create_dataset("rows", pd.DataFrame({"text": [f"row {i}" for i in range(240)]}))
    dss.create_dataset("labels")
    dss.create_dataset("labels_metadata")
    logins = [f"annotator{k}" for k in range(8)]
    for login in logins:
        dss.add_user(login)
    config = {"input_dataset": "rows", "labels_dataset": "labels", "metadata_dataset": "labels_metadata",
              "categories": [{"from": "a", "to": ""}, {"from": "b", "to": ""}]}
    app = dss.load_webapp(WEBAPP, config)
    acknowledged, errors = [], []

    def annotate(login):
        try:
            while True:
                items = api(base, dss.auth_headers(login), "/api/batch?size=5")["items"]
                if not items:
                    return
                for item in items:
                    acknowledged.append(api(base, dss.auth_headers(login), "/api/label",
                                              {"id": item["id"], "label": "a"})["label_id"])
        except BaseException as error:  # reported below, with the others
            errors.append(error)

    with dss.serve(app, processes=0) as base:
        threads = [threading.Thread(target=annotate, args=(login,)) for login in logins]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert not errors, errors
    app.extensions["active_labeling"].store.wait_for_compaction()
    assert len(acknowledged) == 240 and len(set(acknowledged)) == 240
    metadata = _decisions(dss)
    assert sorted(metadata["label_id"]) == sorted(acknowledged)  # every acknowledged label, once
    assert len(dss.read_dataset("labels")) == 240
    appends = dss.dataset_write_sessions("labels_metadata")["APPEND"]
    assert appends < 240, "no two labels ever shared an append session"


def test_a_metadata_compaction_cut_off_is_repaired_from_its_journal(dss, tabular, client_for, monkeypatch,
                                                                    tmp_path):
    monkeypatch.setattr(decision_store, "COMPACT_AFTER_APPENDS", 3)
    monkeypatch.setenv("ACTIVE_LABELING_STATE_DIR", str(tmp_path / "state"))
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    items = [item["id"] for item in alice.get("/api/batch?size=5").get_json()["items"]]
    assert alice.post("/api/label", json={"id": items[0], "label": "pos", "comment": "NA"}).status_code == 200
    assert alice.post("/api/skip", json={"id": items[1], "comment": "unclear"}).status_code == 200
    save = compaction._save

    def killed_after_the_journal(rows, path):
        save(rows, path)
        for data in dss.dataset_data_files("labels_metadata")[1:]:
            data.unlink()  # what an overwrite that never finished may leave: part of the rows
        raise OSError("backend killed")

    monkeypatch.setattr(compaction, "_save", killed_after_the_journal)
    third = alice.post("/api/label", json={"id": items[2], "label": "neg"})
    monkeypatch.setattr(compaction, "_save", save)
    assert third.status_code == 200  # appended before the compaction: acknowledged
    refused = alice.post("/api/label", json={"id": items[3], "label": "neg"})
    assert refused.status_code == 503 and "Restart the webapp's backend" in refused.get_json()["error"]
    assert len(_decisions(dss)) < 3

    restarted = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    metadata = _decisions(dss)
    assert metadata["item_id"].tolist() == items[:3]
    assert metadata["status"].tolist() == ["labeled", "skipped", "labeled"]
    assert metadata["comment"].fillna("").tolist()[1] == "unclear"
    assert restarted.get("/api/stats").get_json()["labeled"] == 2
    assert not list((tmp_path / "state").rglob("metadata-compaction.csv"))  # the journal is gone


@pytest.mark.parametrize("appends", [0, 2])
def test_a_start_leaves_each_dataset_in_one_file(dss, tabular, client_for, appends):
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    for item in alice.get(f"/api/batch?size={appends}").get_json()["items"] if appends else []:
        alice.post("/api/label", json={"id": item["id"], "label": "pos"})
    dss.load_webapp(WEBAPP, tabular)
    assert len(dss.dataset_data_files("labels_metadata")) == (1 if appends else 0)
    assert len(dss.dataset_data_files("labels")) == (1 if appends else 0)


def test_a_batch_is_answered_while_a_compaction_runs_in_the_background(dss, tabular, client_for,
                                                                       monkeypatch):
    monkeypatch.setattr(decision_store, "COMPACT_IN_BACKGROUND", True)
    monkeypatch.setattr(decision_store, "COMPACT_AFTER_APPENDS", 2)
    rewriting, finish = threading.Event(), threading.Event()
    rewrite = compaction.rewrite

    def slow_rewrite(*args, **kwargs):  # a large dataset takes a while to rewrite
        rewriting.set()
        finish.wait(30)
        return rewrite(*args, **kwargs)

    monkeypatch.setattr(decision_store, "rewrite", slow_rewrite)
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    items = [item["id"] for item in alice.get("/api/batch?size=4").get_json()["items"]]
    assert alice.post("/api/label", json={"id": items[0], "label": "pos"}).status_code == 200
    answers = {}

    def in_thread(name, call):
        thread = threading.Thread(target=lambda: answers.update({name: call()}))
        thread.start()
        thread.join(10)  # the rewrite is held until `finish`: an answer now did not wait for it
        assert not thread.is_alive(), f"the {name} waited for the compaction"
        return answers[name]

    # The label that makes a compaction due is acknowledged without waiting for it...
    label = in_thread("label", lambda: alice.post("/api/label", json={"id": items[1], "label": "pos"}))
    assert label.status_code == 200 and rewriting.wait(10), "no compaction started after two appends"
    # ... and a batch is answered while it runs.
    assert in_thread("batch", lambda: alice.get("/api/batch?size=2")).status_code == 200
    finish.set()
    assert alice.post("/api/label", json={"id": items[2], "label": "neg"}).status_code == 200
    assert len(_decisions(dss)) == 3
