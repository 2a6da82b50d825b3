"""Boxes on local images: serve --kind image --task boxes over HTTP, predictions, exports."""

from __future__ import annotations

import json
from urllib.parse import quote

import pandas as pd
import pytest
from local_helpers import Api, running
from PIL import Image

from active_labeling.cli import main
from active_labeling.local.app import LocalSetup

BOX = {"bbox": [10, 20, 100, 50], "category": "cat"}


def _image(path, size, orientation=None):
    image = Image.new("RGB", size, (90, 120, 200))
    exif = image.getexif()
    if orientation:
        exif[0x0112] = orientation
    image.save(path, exif=exif)


@pytest.fixture
def images(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    _image(folder / "wide.jpg", (800, 600))
    _image(folder / "turned.jpg", (900, 600), orientation=6)   # shown 600 wide, 900 high
    _image(folder / "small.png", (64, 48))
    return folder


def setup_for(tmp_path, images, **extra):
    return LocalSetup(kind="image", data=images, categories=["cat", "dog"], workspace=tmp_path / "ws",
                      annotator="alice", task="boxes", **extra)


def _size(api, item_id):
    return api.get(f"/api/items/{quote(item_id, safe='')}/size")


def test_boxes_are_checked_stored_and_exported_as_dss_and_coco(tmp_path, images):
    with running(setup_for(tmp_path, images)) as (local, port):
        api = Api(port)
        status, config = api.get("/api/config")
        assert (config["task"], config["multi_label"], config["kind"]) == ("boxes", False, "image")
        _, batch = api.get("/api/batch?size=10")
        item = next(i for i in batch["items"] if i["id"] == "/turned.jpg")
        assert item["media"]["size"] == "/api/items/%2Fturned.jpg/size" and item["suggestion"] is None
        # The size the page draws on: full size, EXIF orientation applied (the media are downscaled).
        assert _size(api, "/turned.jpg") == (200, {"width": 600, "height": 900})
        assert _size(api, "/wide.jpg") == (200, {"width": 800, "height": 600})

        tall = {"bbox": [0, 800, 600, 100], "category": "dog"}   # fits only once turned
        assert api.post("/api/label", {"id": "/turned.jpg", "label": [BOX, tall]})[0] == 200
        assert api.post("/api/label", {"id": "/wide.jpg", "label": []})[0] == 200   # no object
        _, entry = api.get("/api/history")
        assert entry["entry"]["label"] == []
        _, entry = api.get(f"/api/history?before={entry['entry']['label_id']}")
        assert entry["entry"]["label"] == [BOX, tall]
        _, stats = api.get("/api/stats")
        assert stats["per_category"] == {"cat": 1, "dog": 1}   # one count per box
        workspace = local.workspace
    out = tmp_path / "out"
    assert main(["export", "--workspace", str(workspace.folder), "--out", str(out)]) == 0
    labels = pd.read_csv(out / "labels.csv", keep_default_na=False)
    assert dict(zip(labels["path"], labels["label"])) == {
        "/turned.jpg": json.dumps([BOX, tall]), "/wide.jpg": "[]"}
    assert main(["export", "--workspace", str(workspace.folder), "--out", str(out), "--format", "coco"]) == 0
    coco = json.loads((out / "annotations.coco.json").read_text())
    assert coco["categories"] == [{"id": 1, "name": "cat", "supercategory": ""},
                                  {"id": 2, "name": "dog", "supercategory": ""}]
    assert [(i["file_name"], i["width"], i["height"]) for i in coco["images"]] == [
        ("turned.jpg", 600, 900), ("wide.jpg", 800, 600)]
    assert [(a["image_id"], a["category_id"], a["bbox"], a["area"]) for a in coco["annotations"]] == [
        (1, 1, [10, 20, 100, 50], 5000), (1, 2, [0, 800, 600, 100], 60000)]


@pytest.mark.parametrize("label, says", [
    ([{"bbox": [700, 0, 200, 10], "category": "cat"}],
     "box 1 [700, 0, 200, 10] goes outside the image, which is 800×600 pixels"),
    ([{"bbox": [10, 10, -5, 10], "category": "cat"}], "box 1 has a width of -5"),
    ([BOX, {"bbox": [1, 1, 5, 5], "category": "cow"}],
     "box 2: unknown category 'cow'; categories are ['cat', 'dog']"),
    ([{"bbox": ["10", 0, 5, 5], "category": "cat"}], "box 1: bbox should be 4 numbers [x, y, width, height]"),
    ("cat", "label should be a list of boxes"),
])
def test_bad_boxes_are_a_400_that_says_what_to_send_and_nothing_is_written(tmp_path, images, label, says):
    with running(setup_for(tmp_path, images)) as (local, port):
        api = Api(port)
        api.get("/api/batch?size=10")
        status, answer = api.post("/api/label", {"id": "/wide.jpg", "label": label})
        assert status == 400 and says in answer["error"]
        assert local.workspace.db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0
        assert api.get("/api/history")[1]["entry"] is None


def test_boxes_on_an_unknown_image_are_a_404(tmp_path, images):
    with running(setup_for(tmp_path, images)) as (local, port):
        status, answer = Api(port).post("/api/label", {"id": "/elsewhere.jpg", "label": [BOX]})
        assert status == 404 and "unknown item '/elsewhere.jpg'" in answer["error"]
        assert Api(port).post("/api/label", {"id": 3, "label": [BOX]})[0] == 400


def test_a_predictions_file_orders_the_images_and_brings_pre_boxes(tmp_path, images):
    weak = [{"bbox": [5, 5, 40, 30], "category": "dog", "confidence": 0.31}]
    sure = [{"bbox": [1, 1, 10, 10], "category": "cat", "confidence": 0.97}]
    predictions = pd.DataFrame({"path": [str(images / "wide.jpg"), "small.png", "/turned.jpg"],
                                "prediction": [json.dumps(sure), "[]", json.dumps(weak)]})
    predictions.to_csv(tmp_path / "p.csv", index=False)
    with running(setup_for(tmp_path, images, predictions=tmp_path / "p.csv")) as (_, port):
        api = Api(port)
        assert api.get("/api/config")[1]["active_learning"] is True
        _, batch = api.get("/api/batch?size=10")
        assert [i["id"] for i in batch["items"]] == ["/turned.jpg", "/small.png", "/wide.jpg"]
        assert [round(i["al"]["score"], 2) for i in batch["items"]] == [0.69, 0.5, 0.03]
        assert batch["items"][0]["suggestion"] == weak and batch["items"][2]["suggestion"] == sure
        assert batch["items"][1]["suggestion"] is None


def test_sample_predictions_writes_queries_with_the_boxes(tmp_path, images, capsys):
    weak = [{"bbox": [5, 5, 40, 30], "category": "dog", "confidence": 0.2}]
    predictions = pd.DataFrame({"path": ["/wide.jpg", "/turned.jpg", "/small.png"],
                                "prediction": ["[]", json.dumps(weak), "not boxes"]})
    predictions.to_csv(tmp_path / "p.csv", index=False)
    assert main(["sample", "--predictions", str(tmp_path / "p.csv"), "--data", str(images),
                 "--out", str(tmp_path / "q.csv"), "--n", "5"]) == 0
    queries = pd.read_csv(tmp_path / "q.csv")
    assert queries.columns.tolist() == ["path", "prediction", "score", "rank", "strategy", "model_version"]
    assert queries["path"].tolist() == ["/turned.jpg", "/wide.jpg"]
    assert json.loads(queries["prediction"][0]) == weak and queries["rank"].tolist() == [1, 2]
    assert "rows dropped by the model's preprocessing: 1" in capsys.readouterr().out
    # served with them: the pre-boxes come with the queries.
    with running(setup_for(tmp_path, images, queries=tmp_path / "q.csv")) as (_, port):
        _, batch = Api(port).get("/api/batch?size=2")
        assert batch["items"][0]["id"] == "/turned.jpg" and batch["items"][0]["suggestion"] == weak


@pytest.mark.parametrize("extra, says", [
    (["--task", "boxes", "--kind", "tabular"], "--task boxes is for --kind image, not --kind tabular"),
    (["--task", "boxes", "--multi-label"], "--multi-label is --task categories: drop it with --task boxes"),
    (["--task", "category", "--predictions", "p.csv"],
     "--predictions holds a detector's boxes: it is for --task boxes"),
    (["--task", "boxes", "--predictions", "p.csv", "--queries", "p.csv"], "--queries and --predictions both"),
    (["--task", "boxes", "--predictions", "missing.csv"], "--predictions missing.csv: no such file"),
    (["--task", "boxes", "--retrain-every", "5"], "--retrain-every trains a classifier, not a boxes model"),
])
def test_serve_refuses_a_task_that_does_not_fit(tmp_path, images, capsys, monkeypatch, extra, says):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.csv").write_text("path,prediction\n")
    (tmp_path / "pool.csv").write_text("a\n1\n")
    data = str(tmp_path / "pool.csv") if "tabular" in extra else str(images)
    kind = [] if "--kind" in extra else ["--kind", "image"]
    assert main(["serve", "--data", data, *kind, "--categories", "cat,dog", "--workspace",
                 str(tmp_path / "ws"), "--port", "0", *extra]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "ws").exists()


def test_a_workspace_keeps_its_task(tmp_path, images):
    with running(setup_for(tmp_path, images)):
        pass
    plain = LocalSetup(kind="image", data=images, categories=["cat", "dog"], workspace=tmp_path / "ws",
                       annotator="alice")
    with pytest.raises(Exception, match="made for annotation task 'boxes', not 'category'"), running(plain):
        pass
