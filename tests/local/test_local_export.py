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
    assert list(labels.columns) == ["item_id", "text", "length", "species", "final_label", "final_status"]
    assert len(labels) == 2 and set(labels["species"]) == {"dog"}
    # One annotator per item: each label is final, agreed with itself.
    assert set(labels["final_label"]) == {"dog"} and set(labels["final_status"]) == {"agreed"}
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


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_labels_carry_the_item_id_that_joins_the_metadata(labeled, fmt):
    tmp_path, frame, ids = labeled
    assert main(["export", "--workspace", str(tmp_path / "ws"), "--format", fmt,
                 "--out", str(tmp_path / "out")]) == 0
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    labels = read(tmp_path / "out" / f"labels.{fmt}")
    metadata = read(tmp_path / "out" / f"metadata.{fmt}")
    assert sorted(labels["item_id"]) == sorted([ids[0], ids[1]])
    joined = labels.merge(metadata, on="item_id", suffixes=("", "_decision"))
    latest = joined.sort_values("label_id").groupby("item_id").last()
    assert (latest["species"] == latest["label"]).all()  # each label row meets its own decisions


def test_an_item_column_named_item_id_keeps_its_name_and_the_id_column_is_prefixed(tmp_path):
    pd.DataFrame({"item_id": ["their-1", "their-2"], "text": ["a", "b"]}).to_csv(tmp_path / "pool.csv",
                                                                                index=False)
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", annotator="alice")
    with running(setup) as (_, port):
        api = Api(port)
        item = api.get("/api/batch?size=1")[1]["items"][0]["id"]
        assert api.post("/api/label", {"id": item, "label": "cat"})[0] == 200
    assert main(["export", "--workspace", str(tmp_path / "ws"), "--out", str(tmp_path / "out")]) == 0
    labels = pd.read_csv(tmp_path / "out" / "labels.csv")
    assert list(labels.columns) == ["labeling_item_id", "item_id", "text", "label", "final_label",
                                    "final_status"]
    assert labels["labeling_item_id"].tolist() == [item] and labels["item_id"][0].startswith("their-")


def test_parquet_metadata_dates_are_timestamps_and_csv_keeps_the_iso_text(labeled):
    import pyarrow.parquet as pq

    tmp_path, _, _ = labeled
    for fmt in ("csv", "parquet"):
        assert main(["export", "--workspace", str(tmp_path / "ws"), "--format", fmt,
                     "--out", str(tmp_path / "out")]) == 0
    date = pq.read_schema(tmp_path / "out" / "metadata.parquet").field("date").type
    assert str(date).startswith("timestamp[") and "UTC" in str(date)
    as_text = pd.read_csv(tmp_path / "out" / "metadata.csv")["date"]
    assert as_text.str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z").all()
    stamps = pd.read_parquet(tmp_path / "out" / "metadata.parquet")["date"]
    assert (stamps == pd.to_datetime(as_text, utc=True)).all()


def test_an_older_labels_file_without_the_item_id_is_left_alone_and_the_message_says_why(labeled, capsys):
    tmp_path, _, _ = labeled
    out = tmp_path / "out"
    out.mkdir()
    (out / "labels.csv").write_text("text,length,species\nrow 1,1,dog\n")  # as exports were written
    assert main(["export", "--workspace", str(tmp_path / "ws"), "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert "written before exports had the item id column 'item_id'" in message
    assert "choose another --out folder or remove the file" in message
    assert (out / "labels.csv").read_text() == "text,length,species\nrow 1,1,dog\n"


def test_a_labels_file_from_before_final_labels_is_left_alone_and_the_message_says_why(labeled, capsys):
    tmp_path, _, _ = labeled
    out = tmp_path / "out"
    out.mkdir()
    before = "item_id,text,length,species\nabc,row 1,1,dog\n"  # as exports were written before teams
    (out / "labels.csv").write_text(before)
    assert main(["export", "--workspace", str(tmp_path / "ws"), "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert "written before exports had the final label and its status" in message
    assert "choose another --out folder or remove the file" in message
    assert (out / "labels.csv").read_text() == before


def test_folder_paths_are_explained_as_places_inside_the_data_folder(tmp_path, capsys):
    from PIL import Image

    folder = tmp_path / "pictures"
    (folder / "cats").mkdir(parents=True)
    Image.new("RGB", (8, 8)).save(folder / "cats" / "1.png")
    setup = LocalSetup(kind="image", data=folder, categories=["cat", "dog"], workspace=tmp_path / "ws",
                       annotator="alice")
    with running(setup) as (_, port):
        api = Api(port)
        item = api.get("/api/batch?size=1")[1]["items"][0]["id"]
        assert api.post("/api/label", {"id": item, "label": "cat"})[0] == 200
    assert main(["export", "--workspace", str(tmp_path / "ws"), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    labels = pd.read_csv(tmp_path / "out" / "labels.csv")
    assert list(labels.columns) == ["item_id", "path", "label", "final_label", "final_status"]
    assert labels["path"].tolist() == ["/cats/1.png"]
    data = folder.resolve()
    assert f"path is the file's place inside the data folder {data}" in printed
    assert f"/a/b.png is {data / 'a' / 'b.png'}" in printed
    assert (data / labels["path"][0].lstrip("/")).is_file()
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "path: the file's place inside the --data folder" in shown
    assert "(/cats/1.png is <data>/cats/1.png)" in shown and "its item_id joins labels.item_id" in shown
