"""A labels dataset left empty, partial or with a copied row is repaired from the metadata at start.

A compaction rewrites the labels dataset from its full content; if the backend dies between reading
and rewriting, DSS may hold none or part of it. The metadata dataset is the source of truth: the
next start appends back every current label it lacks, once.
"""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from active_labeling.items import ids_from_hashes, row_hashes

WEBAPP = "tabular-labeling"


def _label_some(dss, tabular, client_for):
    """Alice labels, changes a label, labels then skips; Bob labels an item Alice labeled."""
    app = dss.load_webapp(WEBAPP, tabular)
    alice, bob = client_for(app, "alice"), client_for(app, "bob")
    a0, a1, a2, a3 = (item["id"] for item in alice.get("/api/batch?size=4").get_json()["items"])
    for item, label in ((a0, "pos"), (a1, "neg"), (a2, "pos"), (a0, "neutral"), (a3, "pos")):
        assert alice.post("/api/label", json={"id": item, "label": label}).status_code == 200
    assert alice.post("/api/skip", json={"id": a3}).status_code == 200
    assert bob.post("/api/label", json={"id": a0, "label": "pos"}).status_code == 200


def _current_labels(metadata: pd.DataFrame) -> pd.DataFrame:
    """The latest decision per item and annotator, where it is a label."""
    latest = metadata.sort_values("label_id").groupby(["item_id", "annotator"]).tail(1)
    return latest[latest["status"] == "labeled"].sort_values("label_id")


def _empty(dss):
    for path in dss.dataset_data_files("labels"):
        path.unlink()


def _rewrite_with_first_rows(dss):
    labels = dss.dataset("labels")
    head = dss.read_dataset("labels").iloc[:2]  # a superseded label and a current one
    labels.spec_item["appendMode"] = False
    with labels.get_writer() as writer:
        writer.write_dataframe(head)


def _append_a_copy(dss):
    labels = dss.dataset("labels")
    copy = dss.read_dataset("labels")
    labels.spec_item["appendMode"] = True
    with labels.get_writer() as writer:
        writer.write_dataframe(copy)


@pytest.mark.parametrize("damage, restored",
                         [(_empty, 4), (_rewrite_with_first_rows, 3), (_append_a_copy, 0)])
def test_a_restart_gives_back_exactly_the_latest_labels(dss, tabular, client_for, caplog, damage, restored):
    _label_some(dss, tabular, client_for)
    metadata = dss.read_dataset("labels_metadata")
    damage(dss)

    with caplog.at_level(logging.WARNING, logger="active_labeling.dss.decision_store"):
        alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")

    expected = _current_labels(metadata)
    labels = dss.read_dataset("labels").sort_values("label_id")
    assert labels["label_id"].tolist() == expected["label_id"].tolist()  # each current label, once
    assert labels["label"].tolist() == expected["label"].tolist() == ["neg", "pos", "neutral", "pos"]
    assert labels["annotator"].tolist() == expected["annotator"].tolist()
    # The restored rows carry their item's own columns.
    rows = dss.read_dataset("reviews")
    item_rows = dict(zip(ids_from_hashes(row_hashes(rows)), rows.to_dict("records")))
    assert labels[["text", "stars"]].to_dict("records") == [item_rows[i] for i in expected["item_id"]]
    pd.testing.assert_frame_equal(dss.read_dataset("labels_metadata"), metadata)
    messages = [r.getMessage() for r in caplog.records if "restored" in r.getMessage()]
    assert messages == ([f"restored {restored} label(s) missing from the labels dataset PROJ.labels, "
                         "from the metadata dataset PROJ.labels_metadata"] if restored else [])
    assert alice.get("/api/stats").get_json()["annotator"]["per_category"] == {"neg": 1, "pos": 1,
                                                                              "neutral": 1}

    # A second start finds nothing to restore and the labels as they are.
    caplog.clear()
    client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    assert dss.read_dataset("labels").sort_values("label_id")["label_id"].tolist() == \
        expected["label_id"].tolist()
    assert not [r for r in caplog.records if "restored" in r.getMessage()]


def test_a_compaction_cut_off_midway_keeps_the_label_and_a_restart_repairs(dss, tabular, client_for,
                                                                           monkeypatch):
    from active_labeling.dss import decision_store

    monkeypatch.setattr(decision_store, "COMPACT_MINIMUM", 0)  # compact at the first change
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    item = alice.get("/api/batch?size=1").get_json()["items"][0]["id"]
    assert alice.post("/api/label", json={"id": item, "label": "pos"}).status_code == 200

    def dies_after_reading(store):
        dss.read_dataset("labels")
        _empty(dss)  # what an overwrite that never finished may leave
        raise OSError("backend killed")

    compact = decision_store.DssDecisionStore._compact_labels
    monkeypatch.setattr(decision_store.DssDecisionStore, "_compact_labels", dies_after_reading)
    changed = alice.post("/api/label", json={"id": item, "label": "neg"})
    unchanged = alice.post("/api/label", json={"id": item, "label": "neutral"})
    monkeypatch.setattr(decision_store.DssDecisionStore, "_compact_labels", compact)

    assert changed.status_code == 200  # stored in the metadata: acknowledged
    assert unchanged.status_code == 503 and "Restart the webapp's backend" in unchanged.get_json()["error"]
    assert dss.read_dataset("labels").empty
    restarted = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    assert dss.read_dataset("labels")["label"].tolist() == ["neg"]
    assert dss.read_dataset("labels_metadata")["label"].tolist() == ["pos", "neg"]
    assert restarted.get("/api/history").get_json()["entry"]["label"] == "neg"
