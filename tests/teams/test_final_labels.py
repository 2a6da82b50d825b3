"""Final labels: agreed, majority, reviewed, pending; what the local retrain loop trains on and what
the Query Sampler leaves out."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd

from active_labeling.local.finals import record_team, team_settings
from active_labeling.local.retrain_round import read_labels
from active_labeling.local.schema import TABLES
from active_labeling.sampling.exclusion import labeled_item_ids
from active_labeling.tasks import task_of
from active_labeling.teams.final import FinalRule
from active_labeling.teams.published import team_rule, with_team

SAME = task_of("category").agreement


def test_a_disagreement_waits_for_a_reviewer_unless_a_majority_is_accepted():
    review = FinalRule(3, "review", SAME)
    majority = FinalRule(3, "majority", SAME)
    assert review.final(["cat", "cat"]) == ("pending", None)  # two labels of three
    assert review.final(["cat", "cat", "cat"]) == ("agreed", "cat")
    assert review.final(["cat", "dog", "cat"]) == ("pending", None)
    assert review.disputed(["cat", "dog", "cat"]) and not review.disputed(["cat", "dog"])
    assert majority.final(["cat", "dog", "cat"]) == ("majority", "cat")
    assert majority.final(["cat", "dog", "bird"]) == ("pending", None)  # no label has more than half
    assert review.final(["cat", "cat", "cat"], "dog", reviewed=True) == ("reviewed", "dog")


def test_multi_label_items_agree_when_their_sets_are_the_same():
    rule = FinalRule(2, "review", task_of("categories").agreement)
    assert rule.final([["a", "b"], ["b", "a"]]).status == "agreed"
    assert rule.final([["a", "b"], ["a"]]).status == "pending"


def _workspace(decisions, needed):
    db = sqlite3.connect(":memory:")
    for table in ("meta", "decisions", "labels"):
        db.execute(TABLES[table])
    db.execute("INSERT INTO meta VALUES ('setup', ?)", (json.dumps({"categories": ["cat", "dog"]}),))
    record_team(db, team_settings(needed, "review", 0.1))
    for n, (item, who, status, label) in enumerate(decisions, start=1):
        db.execute("INSERT INTO decisions VALUES (?, ?, ?, '2026-12-06T00:00:00.000Z', ?, ?, '', '')",
                   (n, item, who, status, json.dumps(label)))
    return db


def test_the_retrain_loop_trains_on_final_labels_only():
    db = _workspace([("i1", "ana", "labeled", "cat"), ("i1", "ben", "labeled", "cat"),
                     ("i2", "ana", "labeled", "cat"), ("i2", "ben", "labeled", "dog"),
                     ("i3", "ana", "labeled", "dog"),
                     ("i4", "ana", "labeled", "cat"), ("i4", "ben", "labeled", "dog"),
                     ("i4", "rita", "reviewed", "dog")], needed=2)
    labels, mark = read_labels(db)
    # i2 waits for a reviewer and i3 for its second label: neither trains the model.
    assert labels == {"i1": "cat", "i4": "dog"} and mark == 8


def test_the_query_sampler_leaves_out_items_with_a_final_label_only():
    metadata = pd.DataFrame({
        "item_id": ["i1", "i1", "i2", "i2", "i3", "i4", "i4", "i4"],
        "annotator": ["ana", "ben", "ana", "ben", "ana", "ana", "ben", "ana"],
        "status": ["labeled"] * 7 + ["reviewed"],
        "label": ["cat", "cat", "cat", "dog", "dog", "cat", "dog", "dog"],
        "label_id": range(1, 9)})
    variables = with_team({"standard": {}, "local": {}}, "meta",
                          {"annotators_per_item": 2, "disagreement": "review", "task": "category"})
    rule = team_rule(variables, "meta")
    assert labeled_item_ids(metadata, rule) == {"i1", "i4"}
    # A webapp that never published a team rule: one label makes an item labeled, as before.
    assert team_rule(variables, "other") is None
    assert labeled_item_ids(metadata) == {"i1", "i2", "i3", "i4"}


def test_local_sample_leaves_out_only_final_labels_of_a_team(tmp_path, capsys):
    import pickle

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from active_labeling.cli import main
    from active_labeling.items import ids_from_hashes, row_hashes

    rng = np.random.default_rng(0)
    pool = pd.DataFrame({"a": rng.normal(size=50).round(4), "b": rng.normal(size=50).round(4)})
    pool.to_csv(tmp_path / "pool.csv", index=False)
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(LogisticRegression().fit(pool, pool.a > pool.b)))
    ids = ids_from_hashes(row_hashes(pool, ["a", "b"]))
    # Agreed, agreed, a disagreement, a single label (of the two needed).
    rows = [(ids[0], "ana", "up"), (ids[0], "ben", "up"), (ids[1], "ana", "dn"), (ids[1], "ben", "dn"),
            (ids[2], "ana", "up"), (ids[2], "ben", "dn"), (ids[3], "ana", "up")]
    pd.DataFrame({"item_id": [r[0] for r in rows], "annotator": [r[1] for r in rows], "status": "labeled",
                  "label": [r[2] for r in rows], "label_id": range(1, 8)}).to_csv(tmp_path / "meta.csv",
                                                                                 index=False)
    args = ["sample", "--model", str(tmp_path / "model.pkl"), "--data", str(tmp_path / "pool.csv"),
            "--n", "5", "--labeled", str(tmp_path / "meta.csv"), "--out", str(tmp_path / "q.csv")]
    assert main([*args, "--annotators-per-item", "2"]) == 0
    assert "rows excluded as already labeled: 2" in capsys.readouterr().out
    assert main(args) == 0  # one annotator per item: every labeled item is left out
    assert "rows excluded as already labeled: 4" in capsys.readouterr().out
