"""The image and sound labeling webapps over DSS managed folders, from their real backend.py."""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import dataiku
import numpy as np
from PIL import Image

from active_labeling.dss import pools


def _url(item_id: str, what: str = "media") -> str:
    return f"/api/items/{quote(item_id, safe='')}/{what}"


def test_image_batch_media_and_labels_hold_the_path(dss, images, client_for):
    alice = client_for(dss.load_webapp("image-labeling", images), "alice")
    batch = alice.get("/api/batch?size=10").get_json()
    ids = sorted(item["id"] for item in batch["items"])
    assert ids == ["/cats/1.jpg", "/cats/2.jpg", "/dogs/3.jpg", "/dogs/broken.jpg"]  # no .txt
    item = next(i for i in batch["items"] if i["id"] == "/cats/1.jpg")
    assert item["data"] == {"path": "/cats/1.jpg"}
    response = alice.get(item["media"]["url"])
    assert response.status_code == 200 and response.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(response.get_data())).size == (800, 450)  # the configured max side

    assert alice.post("/api/label", json={"id": "/cats/1.jpg", "label": "pos"}).status_code == 200
    labels = dss.read_dataset("labels")
    assert labels.columns.tolist() == ["path", "label", "annotator", "date", "label_id",
                                      "final_label", "final_status"]
    assert labels[["path", "label", "annotator"]].values.tolist() == [["/cats/1.jpg", "pos", "alice"]]


def test_unreadable_image_is_an_item_level_422(dss, images, client_for):
    alice = client_for(dss.load_webapp("image-labeling", images), "alice")
    response = alice.get(_url("/dogs/broken.jpg"))
    assert response.status_code == 422
    message = response.get_json()["error"]
    assert message.startswith("This file can't be read as an image") and message.endswith("Skip it with S.")
    # The backend keeps serving, and the item can be skipped.
    assert alice.get(_url("/cats/2.jpg")).status_code == 200
    alice.get("/api/batch?size=10")
    assert alice.post("/api/skip", json={"id": "/dogs/broken.jpg"}).status_code == 200


def test_paths_outside_the_folder_listing_are_refused(dss, images, client_for):
    alice = client_for(dss.load_webapp("image-labeling", images), "alice")
    for item_id in ("/cats/../dogs/3.jpg", "/../../users.json", "/notes.txt", "/cats/9.jpg"):
        assert alice.get(_url(item_id)).status_code == 404, item_id
    assert alice.get(_url("/cats/1.jpg", "waveform")).status_code == 404
    assert alice.post("/api/label", json={"id": "/cats/../dogs/3.jpg", "label": "pos"}).status_code == 404


def test_media_needs_a_dss_session(dss, images):
    client = dss.load_webapp("image-labeling", images).test_client()
    assert client.get(_url("/cats/1.jpg")).status_code == 401


def test_new_files_are_picked_up_without_restart(dss, images, client_for, monkeypatch, eventually):
    monkeypatch.setattr(pools, "FOLDER_RECHECK_SECONDS", 0.0)
    alice = client_for(dss.load_webapp("image-labeling", images), "alice")
    assert alice.get("/api/stats").get_json()["total"] == 4
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="PNG")
    dataiku.Folder("photos").upload_data("/cats/new.png", buffer.getvalue())  # as another DSS user would
    # The folder is listed again in the background: the next batches pick the file up.
    assert eventually(lambda: alice.get("/api/batch?size=1")
                       and alice.get("/api/stats").get_json()["total"] == 5)
    assert alice.get(_url("/cats/new.png")).status_code == 200


def test_sound_media_ranges_waveform_spectrogram_and_multi_label(dss, sounds, client_for):
    alice = client_for(dss.load_webapp("sound-labeling", sounds), "alice")
    batch = alice.get("/api/batch?size=5").get_json()
    item = next(i for i in batch["items"] if i["id"] == "/a.wav")
    stored = dss.folder_files("b7Yt4Rw1")["/a.wav"]
    whole = alice.get(item["media"]["url"])
    assert whole.get_data() == stored and whole.headers["Accept-Ranges"] == "bytes"
    part = alice.get(item["media"]["url"], headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.get_data() == stored[10:20]
    assert alice.get(item["media"]["url"], headers={"Range": "bytes=99999999-"}).status_code == 416
    waveform = alice.get(item["media"]["waveform"]).get_json()
    assert waveform["duration"] == 0.5 and len(waveform["peaks"]) == 800
    assert abs(np.max(waveform["peaks"]) - 0.3) < 0.01
    spectrogram = alice.get(item["media"]["spectrogram"])
    assert spectrogram.content_type == "image/png"
    assert Image.open(io.BytesIO(spectrogram.get_data())).format == "PNG"

    assert alice.post("/api/label", json={"id": "/a.wav", "label": ["pos", "neutral"]}).status_code == 200
    assert alice.post("/api/label", json={"id": "/b.wav", "label": "pos"}).status_code == 400
    labels = dss.read_dataset("labels")
    assert json.loads(labels["label"].iloc[0]) == ["pos", "neutral"]


def test_an_empty_folder_starts_and_serves_files_uploaded_later(dss, client_for, monkeypatch, eventually):
    monkeypatch.setattr(pools, "FOLDER_RECHECK_SECONDS", 0.0)
    dss.create_folder("inbox")
    dss.create_dataset("labels")
    dss.create_dataset("labels_metadata")
    config = {"input_folder": "inbox", "categories": [{"from": "ok", "to": ""}],
              "labels_dataset": "labels", "metadata_dataset": "labels_metadata"}
    alice = client_for(dss.load_webapp("sound-labeling", config), "alice")
    assert alice.get("/api/batch?size=5").get_json()["items"] == []
    dataiku.Folder("inbox").upload_data("/first.wav", b"RIFF....WAVE")
    assert eventually(lambda: [i["id"] for i in alice.get("/api/batch?size=5").get_json()["items"]]
                       == ["/first.wav"])
