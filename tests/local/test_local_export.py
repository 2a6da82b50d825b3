import json

import pandas as pd
import pytest
from local_helpers import Api, running, write_pool

from active_labeling.cli import main
from active_labeling.local.app import LocalSetup


@pytest.fixture()
def labeled(tmp_path):
    frame = write_pool(tmp_path / "pool.csv")
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", annotator="alice", label_column="species")
    with running(setup) as (_, port):
        api = Api(port)
        ids = [item["id"] for item in api.get("/api/batch?size=3")[1]["items"]]
        api.post("/api/label", {"id": ids[0], "label": "cat"})
        api.post("/api/label", {"id": ids[1], "label": "dog", "comment": "big"})
        api.post("/api/skip", {"id": ids[2]})
        api.post("/api/label", {"id": ids[0], "label": "dog"})  # a change
    return tmp_path, frame, ids


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_writes_current_labels_with_item_columns_and_the_full_metadata(labeled, fmt, capsys):
    tmp_path, frame, ids = labeled
    assert main(["export", "--workspace", str(tmp_path / "ws"), "--format", fmt,
                 "--out", str(tmp_path / "out")]) == 0
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    labels = read(tmp_path / "out" / f"labels.{fmt}")
    assert list(labels.columns) == ["text", "length", "species"]
    assert len(labels) == 2 and set(labels["species"]) == {"dog"}
    assert set(labels["text"]) <= set(frame["text"])
    metadata = read(tmp_path / "out" / f"metadata.{fmt}")
    assert list(metadata["status"]) == ["labeled", "labeled", "skipped", "labeled"]
    assert list(metadata["label"].fillna("")) == ["cat", "dog", "", "dog"]
    assert metadata["item_id"].tolist() == [ids[0], ids[1], ids[2], ids[0]]
    assert "labels:" in capsys.readouterr().out


def test_export_refuses_an_existing_file_with_another_schema(labeled, capsys):
    tmp_path, _, _ = labeled
    out = tmp_path / "out"
    out.mkdir()
    (out / "labels.csv").write_text("something,else\n1,2\n")
    assert main(["export", "--workspace", str(tmp_path / "ws"), "--out", str(out)]) == 2
    assert "left untouched" in capsys.readouterr().err
    assert (out / "labels.csv").read_text() == "something,else\n1,2\n"
    assert not (out / "metadata.csv").exists()


def test_multi_label_lists_are_exported_as_json_text(tmp_path):
    write_pool(tmp_path / "pool.csv")
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", annotator="alice", multi_label=True)
    with running(setup) as (_, port):
        api = Api(port)
        item = api.get("/api/batch?size=1")[1]["items"][0]["id"]
        assert api.post("/api/label", {"id": item, "label": ["dog", "cat"]})[0] == 200
    assert main(["export", "--workspace", str(tmp_path / "ws"), "--out", str(tmp_path / "out")]) == 0
    labels = pd.read_csv(tmp_path / "out" / "labels.csv")
    assert json.loads(labels["label"][0]) == ["dog", "cat"]
