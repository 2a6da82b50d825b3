"""Object detection in DSS, through the stand-in: a detector's boxes, the Object detection Query
Sampler recipe, and the Image object labeling webapp, from their real entry points."""

from __future__ import annotations

import io
import json
import time
from urllib.parse import quote

import pandas as pd
import pytest
from PIL import Image
from standin_detection import FixedDetector

from active_labeling.dss.pools import DssFolderPool
from active_labeling.dss.predictions import DssPredictionsSource
from active_labeling.generation import read_generation
from active_labeling.tasks import task_of

RECIPE = "detection-query-sampler"
CATS = [{"from": "cat", "to": "Cats"}, {"from": "dog", "to": "Dogs"}]
# What the detector "sees": weak boxes on 2.jpg, sure ones on 1.jpg, a box under the model's
# threshold on 3.jpg (DSS leaves it out of the prediction), nothing on 4.jpg.
SEEN = {"/pets/1.jpg": [{"bbox": [10, 10, 300, 200], "category": "cat", "confidence": 0.98}],
        "/pets/2.jpg": [{"bbox": [50, 40, 120, 90], "category": "dog", "confidence": 0.41},
                        {"bbox": [400, 100, 100, 100], "category": "cat", "confidence": 0.45}],
        "/pets/3.jpg": [{"bbox": [0, 0, 20, 20], "category": "dog", "confidence": 0.1}]}


def _jpeg(size, orientation=None) -> bytes:
    image = Image.new("RGB", size, (120, 80, 40))
    exif = image.getexif()
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def pets(dss):
    files = {f"/pets/{i}.jpg": _jpeg((1600, 1200)) for i in (1, 2, 3)}
    files["/pets/4.jpg"] = _jpeg((1200, 1600), orientation=8)   # shown 1600 wide, 1200 high
    dss.create_folder("F0ld3rId", files=files, name="pets")
    dss.create_detection_model("Dt3ct0r", FixedDetector(SEEN, ["cat", "dog"]), threshold=0.3, name="detector")
    for name in ("labels", "labels_metadata"):
        dss.create_dataset(name)
    return {"input_folder": "F0ld3rId", "categories": CATS, "labels_dataset": "labels",
            "metadata_dataset": "labels_metadata", "max_side": 400}


def _item(item_id, what):
    return f"/api/items/{quote(item_id, safe='')}/{what}"


def test_the_full_flow_from_a_detector_to_boxes_in_the_labels(dss, pets, client_for):
    run = dss.run_recipe(RECIPE, {"detector": ["Dt3ct0r"], "images": ["F0ld3rId"]}, {"queries": ["queries"]},
                         {"n_queries": 10})
    run.check()
    queries = dss.read_dataset("queries", infer_with_pandas=True)
    assert queries.columns.tolist() == ["path", "prediction", "score", "rank", "strategy", "model_version"]
    assert queries["path"].tolist() == ["/pets/2.jpg", "/pets/3.jpg", "/pets/4.jpg", "/pets/1.jpg"]
    assert queries["score"].round(3).tolist() == [0.57, 0.5, 0.5, 0.02]
    assert json.loads(queries["prediction"][0]) == SEEN["/pets/2.jpg"]
    assert json.loads(queries["prediction"][1]) == []       # under the model's threshold: not predicted
    assert read_generation(dss.get_variables(), "PROJ.queries") == 1

    app = dss.load_webapp("image-object-labeling", dict(pets, queries_dataset="queries"))
    alice = client_for(app, "alice")
    config = alice.get("/api/config").get_json()
    assert (config["task"], config["active_learning"]) == ("boxes", True)
    items = alice.get("/api/batch?size=10").get_json()["items"]
    assert [i["id"] for i in items] == queries["path"].tolist()
    assert items[0]["suggestion"] == SEEN["/pets/2.jpg"]    # the detector's boxes, drawn dashed
    assert items[1]["suggestion"] is None
    # Boxes are in original pixels, EXIF orientation applied, whatever the served size.
    assert alice.get(_item("/pets/4.jpg", "size")).get_json() == {"width": 1600, "height": 1200}
    served = Image.open(io.BytesIO(alice.get(_item("/pets/4.jpg", "media")).get_data()))
    assert served.size == (400, 300)

    accepted = [{"bbox": b["bbox"], "category": b["category"]} for b in SEEN["/pets/2.jpg"]]
    wide = [{"bbox": [1000, 0, 600, 1200], "category": "dog"}]   # fits the turned image only
    assert alice.post("/api/label", json={"id": "/pets/2.jpg", "label": accepted}).status_code == 200
    assert alice.post("/api/label", json={"id": "/pets/4.jpg", "label": wide}).status_code == 200
    assert alice.post("/api/label", json={"id": "/pets/3.jpg", "label": []}).status_code == 200
    labels = dss.read_dataset("labels")
    assert labels.columns.tolist() == ["path", "label", "annotator", "date", "label_id",
                                      "final_label", "final_status"]
    # The target column format of DSS's object detection: a JSON list of {"bbox", "category"}.
    assert {p: json.loads(v) for p, v in zip(labels["path"], labels["label"])} == {
        "/pets/2.jpg": accepted, "/pets/4.jpg": wide, "/pets/3.jpg": []}
    metadata = dss.read_dataset("labels_metadata")
    assert json.loads(metadata["label"].iloc[0]) == accepted

    # The next round leaves the labeled images out.
    dss.run_recipe(RECIPE, {"detector": ["Dt3ct0r"], "images": ["F0ld3rId"], "metadata": ["labels_metadata"]},
                   {"queries": ["queries"]}, {"n_queries": 10}).check()
    assert dss.read_dataset("queries", infer_with_pandas=True)["path"].tolist() == ["/pets/1.jpg"]
    assert read_generation(dss.get_variables(), "PROJ.queries") == 2


@pytest.mark.parametrize("label, says", [
    ([{"bbox": [1500, 0, 200, 10], "category": "cat"}], "goes outside the image, which is 1600×1200 pixels"),
    ([{"bbox": [0, 0, 10, -1], "category": "cat"}], "box 1 has a height of -1"),
    ([{"bbox": [0, 0, 10, 10], "category": "bird"}], "box 1: unknown category 'bird'; categories are"),
    ([{"bbox": [0, 0, "ten", 10], "category": "cat"}], "bbox should be 4 numbers [x, y, width, height]"),
])
def test_bad_boxes_are_refused_and_nothing_is_written(dss, pets, client_for, label, says):
    alice = client_for(dss.load_webapp("image-object-labeling", pets), "alice")
    alice.get("/api/batch?size=10")
    response = alice.post("/api/label", json={"id": "/pets/1.jpg", "label": label})
    assert response.status_code == 400 and says in response.get_json()["error"]
    assert dss.read_dataset("labels_metadata").empty and dss.read_dataset("labels").empty


def test_a_predictions_dataset_gives_pre_boxes_and_order_without_the_recipe(dss, pets, client_for):
    # The output of DSS's scoring recipe on a list of the folder's files: image paths and predictions.
    cells = {p: json.dumps(b) for p, b in SEEN.items()}
    dss.create_dataset("scored", pd.DataFrame({"image": list(cells), "prediction": list(cells.values())}))
    config = dict(pets, predictions_dataset="scored", predictions_path_column="image")
    alice = client_for(dss.load_webapp("image-object-labeling", config), "alice")
    items = alice.get("/api/batch?size=10").get_json()["items"]
    # Most uncertain first (a lone weak box on 3.jpg), then the images the dataset does not score.
    assert [i["id"] for i in items] == ["/pets/3.jpg", "/pets/2.jpg", "/pets/1.jpg", "/pets/4.jpg"]
    assert items[2]["suggestion"] == SEEN["/pets/1.jpg"]

    run = dss.run_recipe(RECIPE, {"predictions": ["scored"]}, {"queries": ["queries"]},
                         {"n_queries": 2, "path_column": "image"})
    run.check()
    queries = dss.read_dataset("queries", infer_with_pandas=True)
    assert queries["path"].tolist() == ["/pets/3.jpg", "/pets/2.jpg"]


def test_setting_mistakes_are_named(dss, pets):
    with pytest.raises(Exception, match="both 'Queries dataset' and 'Predictions dataset' are set"):
        dss.load_webapp("image-object-labeling", dict(pets, queries_dataset="q", predictions_dataset="p"))
    dss.create_dataset("scored", pd.DataFrame({"file": ["/pets/1.jpg"], "boxes": ["[]"]}))
    with pytest.raises(Exception, match="no column path, prediction .*'Path column' and 'Boxes column'"):
        dss.load_webapp("image-object-labeling", dict(pets, predictions_dataset="scored"))
    run = dss.run_recipe(RECIPE, {"images": ["F0ld3rId"]}, {"queries": ["queries"]}, {})
    assert run.returncode != 0
    assert "give a detector (an object detection saved model) and the folder of images" in run.stderr


def test_a_rescored_predictions_dataset_makes_a_new_generation(dss, pets):
    def scored(confidence):
        box = [{"bbox": [0, 0, 5, 5], "category": "cat", "confidence": confidence}]
        return pd.DataFrame({"path": ["/pets/1.jpg", "/pets/2.jpg"], "prediction": [json.dumps(box), "[]"]})
    dss.create_dataset("scored", scored(0.9))
    now = [0.0]
    source = DssPredictionsSource("scored", "path", "prediction", task_of("boxes").uncertainty,
                                  recheck_seconds=60, clock=lambda: now[0])
    pool = DssFolderPool("F0ld3rId", "image")
    assert source.generation() == 1 and source.load(pool).item_ids == ["/pets/2.jpg", "/pets/1.jpg"]
    dss.dataset("scored").write_with_schema(scored(0.1))   # the scoring recipe ran again
    assert source.generation() == 1                      # not read again before a minute
    now[0] = 61.0
    deadline = time.monotonic() + 10
    while source.generation() == 1 and time.monotonic() < deadline:
        time.sleep(0.05)                                 # the read runs in the background
    assert source.generation() == 2 and source.load(pool).item_ids == ["/pets/1.jpg", "/pets/2.jpg"]
