"""Team settings from the command line: what is refused and why; names hidden from reviewers."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from active_labeling.cli import main
from active_labeling.local.app import LocalSetup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "local"))
from local_helpers import Api, running  # noqa: E402


def _pool(tmp_path):
    pd.DataFrame({"text": [f"row {i}" for i in range(4)]}).to_csv(tmp_path / "pool.csv", index=False)
    return ["serve", "--data", str(tmp_path / "pool.csv"), "--categories", "cat,dog",
            "--workspace", str(tmp_path / "ws"), "--port", "0"]


def test_reviewers_need_a_team_and_the_review_share_is_checked(tmp_path, capsys):
    assert main(_pool(tmp_path) + ["--reviewers", "rita"]) == 2
    assert "--reviewers is for a team: give the annotators with --annotators too" in capsys.readouterr().err
    assert not (tmp_path / "ws").exists()  # nothing left behind
    assert main(_pool(tmp_path) + ["--annotators", "ana", "--review-sample", "2"]) == 2
    assert "share of agreed items to review is 0 to 1, got 2.0" in capsys.readouterr().err


def test_hidden_names_show_annotator_numbers_to_reviewers(tmp_path):
    _pool(tmp_path)
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", annotators=["ana", "ben"], reviewers=["rita"],
                       annotators_per_item=2, show_annotator_names=False)
    with running(setup) as (local, port):
        tokens = local.team.tokens
        item = Api(port, tokens["ana"]).get("/api/batch?size=1")[1]["items"][0]["id"]
        for name, label in (("ana", "cat"), ("ben", "dog")):
            assert Api(port, tokens[name]).post("/api/label", {"id": item, "label": label})[0] == 200
        status, batch = Api(port, tokens["rita"]).get("/api/review/batch")
        assert status == 200
        assert [entry["annotator"] for entry in batch["items"][0]["labels"]] == ["Annotator 1", "Annotator 2"]
        assert Api(port, tokens["rita"]).get("/api/config")[1]["reviewer"] is True
