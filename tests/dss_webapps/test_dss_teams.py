"""Teams in DSS, through the stand-in: three annotators per item, reviewers from a DSS group or a
list of logins, final labels in the labels dataset, and a labels dataset made before final labels
that keeps working."""

from __future__ import annotations

import logging

from active_labeling.dss.schemas import labels_columns

WEBAPP = "tabular-labeling"
PAGE = {"X-Requested-With": "active-labeling"}  # what the labeling page sends


class Client:
    """One DSS user's requests, as the labeling page sends them."""

    def __init__(self, app, headers):
        self._client = app.test_client(use_cookies=False)
        self.headers = {**PAGE, **headers}

    def get(self, path):
        return self._client.get(path, headers=self.headers)

    def post(self, path, json=None):
        return self._client.post(path, json=json, headers=self.headers)


def _team(dss):
    for login in ("ana", "ben", "cleo"):
        dss.add_user(login, groups=["annotators"])
    dss.add_user("rita", groups=["annotators", "label-reviewers"])  # a reviewer by group
    dss.add_user("ravi", groups=["annotators"])  # a reviewer by login
    return {login: dss.auth_headers(login) for login in ("ana", "ben", "cleo", "rita", "ravi")}


def test_three_annotators_a_reviewer_and_final_labels_in_the_labels_dataset(dss, tabular, monkeypatch,
                                                                             eventually):
    import dataiku

    from active_labeling.dss import sampler_io, team_variables

    monkeypatch.setattr(team_variables, "EVERY_SECONDS", 0.05)
    headers = _team(dss)
    config = dict(tabular, annotators_per_item=3, reviewer_groups="label-reviewers", reviewers="ravi",
                  review_sample=0.0)
    app = dss.load_webapp(WEBAPP, config)
    client = {login: Client(app, h) for login, h in headers.items()}
    items = [i["id"] for i in client["ana"].get("/api/batch?size=4").get_json()["items"]]
    client["ana"].post("/api/release", json={})
    # ana and ben agree everywhere; cleo disagrees on the first two items.
    for login in ("ana", "ben", "cleo"):
        for n, item in enumerate(items):
            label = "neg" if login == "cleo" and n < 2 else "pos"
            answer = client[login].post("/api/label", json={"id": item, "label": label})
            assert answer.status_code == 200, answer.get_json()
        if login == "ben":  # two labels of three: not labeled yet for the Query Sampler
            assert sampler_io.read_labeled_ids("labels_metadata") == set()
    # Two agreed, two waiting for a reviewer: only the agreed ones are left out of the next queries.
    assert sampler_io.read_labeled_ids("labels_metadata") == set(items[2:])
    # A fourth annotator is refused: each item has exactly its three labels.
    refused = client["rita"].post("/api/label", json={"id": items[0], "label": "pos"})
    assert refused.status_code == 409 and "already has the 3 label" in refused.get_json()["error"]

    # An annotator can't review; rita (group) and ravi (login) can, never the same item at once.
    assert client["ana"].get("/api/config").get_json()["reviewer"] is False
    denied = client["ana"].get("/api/review/batch")
    assert denied.status_code == 403 and "not a reviewer" in denied.get_json()["error"]
    first = client["rita"].get("/api/review/batch?size=1").get_json()
    second = client["ravi"].get("/api/review/batch?size=5").get_json()
    assert [i["id"] for i in first["items"]] == [items[0]]
    assert [i["id"] for i in second["items"]] == [items[1]]  # not the item rita holds
    assert [(entry["annotator"], entry["label"]) for entry in first["items"][0]["labels"]] == [
        ("ana", "pos"), ("ben", "pos"), ("cleo", "neg")]
    taken = client["ravi"].post("/api/review", json={"id": items[0], "label": "neg"})
    assert taken.status_code == 409
    assert client["rita"].post("/api/review", json={"id": items[0], "label": "neg",
                                                    "comment": "cleo saw it"}).status_code == 200
    assert client["ravi"].post("/api/review", json={"id": items[1], "label": "pos"}).status_code == 200

    labels = dss.read_dataset("labels")
    latest = labels.sort_values("label_id").groupby(labels.columns[0]).tail(1)
    assert sorted(zip(latest["final_status"], latest["final_label"])) == [
        ("agreed", "pos"), ("agreed", "pos"), ("reviewed", "neg"), ("reviewed", "pos")]
    # A compaction keeps the review rows (current, like each annotator's latest label).
    app.extensions["active_labeling"].store.compact()
    compacted = dss.read_dataset("labels")
    assert sorted(compacted["label_id"]) == sorted(labels["label_id"])
    metadata = dss.read_dataset("labels_metadata")
    reviews = metadata[metadata["status"] == "reviewed"]
    assert reviews[["annotator", "label", "comment"]].fillna("").values.tolist() == [
        ["rita", "neg", "cleo saw it"], ["ravi", "pos", ""]]
    assert (metadata["status"] == "labeled").sum() == 12  # the annotators' labels are all kept

    team = client["rita"].get("/api/stats").get_json()["team"]
    assert team["final"] == {"agreed": 2, "majority": 0, "reviewed": 2, "pending": 0}
    assert {row["name"] for row in team["annotators"]} == {"ana", "ben", "cleo"}
    # The figures are in the project variables, where a flow reads them; the reviewed items now
    # count as labeled for the Query Sampler.
    def published():
        teams = dataiku.Project().get_variables()["local"].get("active_labeling_teams", {})
        return (teams.get("labels_metadata") or {}).get("figures", {}).get("final", {}).get("reviewed") == 2
    assert eventually(published, 10)
    entry = dataiku.Project().get_variables()["local"]["active_labeling_teams"]["labels_metadata"]
    assert entry["annotators_per_item"] == 3 and entry["figures"]["alpha"] == team["alpha"]
    assert sampler_io.read_labeled_ids("labels_metadata") == set(items)
    # After a restart the team is the same (reviews are read back from the metadata).
    restarted = dss.load_webapp(WEBAPP, config)  # held: an answer reads JSON through its app
    again = Client(restarted, headers["rita"]).get("/api/stats").get_json()["team"]
    assert again == team


def test_a_labels_dataset_made_before_final_labels_keeps_its_schema(dss, tabular, caplog):
    headers = _team(dss)
    item_schema = dss.dataset_schema("reviews")
    old = labels_columns(item_schema, "label", finals=False)
    dss.create_dataset("old_labels", schema=old)
    config = dict(tabular, labels_dataset="old_labels", annotators_per_item=2)
    with caplog.at_level(logging.WARNING, logger="active_labeling.dss.decision_store"):
        app = dss.load_webapp(WEBAPP, config)
    assert "made before final labels existed" in caplog.text and "new labels dataset" in caplog.text
    ana = Client(app, headers["ana"])
    item = ana.get("/api/batch?size=1").get_json()["items"][0]["id"]
    assert ana.post("/api/label", json={"id": item, "label": "pos"}).status_code == 200
    assert [c["name"] for c in dss.dataset_schema("old_labels")] == [c["name"] for c in old]
    assert dss.read_dataset("old_labels")["label"].tolist() == ["pos"]
