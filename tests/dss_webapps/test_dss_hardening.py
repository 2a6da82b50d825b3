"""The DSS webapps, from their real backend.py: only the pool's files are served, requests must
come from the labeling page, text must be valid Unicode, and every error under /api/ is JSON
while the routes DSS adds to the same app keep answering as before (docs/api.md)."""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import dataiku
import numpy as np
import soundfile

from active_labeling.dss import pools


def _wav(frequency: float) -> bytes:
    out = io.BytesIO()
    t = np.arange(4000) / 8000
    soundfile.write(out, (0.3 * np.sin(2 * np.pi * frequency * t)).astype(np.float32), 8000, format="WAV")
    return out.getvalue()


def _url(item_id: str, what: str = "media") -> str:
    return f"/api/items/{quote(item_id, safe='')}/{what}"


def _sound_folder(dss, files):
    dss.create_folder("clips", files=files)
    dss.create_dataset("labels")
    dss.create_dataset("labels_metadata")
    return {"input_folder": "clips", "categories": [{"from": "yes", "to": ""}, {"from": "no", "to": ""}],
            "labels_dataset": "labels", "metadata_dataset": "labels_metadata"}


def _free_ids(client, page="probe"):
    ids = [item["id"] for item in client.get(f"/api/batch?size=100&page={page}").get_json()["items"]]
    assert client.post("/api/release", json={"page": page}).status_code == 200
    return set(ids)


def test_sound_webapp_serves_the_folders_items_only(dss, client_for):
    config = _sound_folder(dss, {"/a.wav": _wav(440), "/.hidden.wav": _wav(220),
                                 "/.env": b"API_KEY=do-not-serve", "/notes.txt": b"private notes"})
    alice = client_for(dss.load_webapp("sound-labeling", config), "alice")
    assert _free_ids(alice) == {"/a.wav"}
    assert alice.get(_url("/a.wav")).status_code == 200
    for item_id in ("/.env", "/notes.txt", "/.hidden.wav"):
        for what in ("media", "waveform", "spectrogram"):
            response = alice.get(_url(item_id, what))
            assert response.status_code == 404, (item_id, what)
            assert b"do-not-serve" not in response.get_data()


def test_a_file_removed_from_the_folder_is_not_served_from_the_cache(dss, images, client_for, monkeypatch,
                                                                     eventually):
    monkeypatch.setattr(pools, "FOLDER_RECHECK_SECONDS", 0.0)
    alice = client_for(dss.load_webapp("image-labeling", images), "alice")
    assert alice.get(_url("/cats/1.jpg")).status_code == 200   # rendered and cached
    dataiku.Folder("photos").delete_path("/cats/1.jpg")
    assert eventually(lambda: alice.get("/api/batch?size=1")
                      and alice.get("/api/stats").get_json()["total"] == 3)
    assert alice.get(_url("/cats/1.jpg")).status_code == 404


def test_calls_that_do_not_come_from_the_page_change_nothing(dss, tabular, users, client_for):
    app = dss.load_webapp("tabular-labeling", tabular)
    alice = client_for(app, "alice")
    everything = _free_ids(alice)
    # The session cookie alone, as a page of another site makes the browser send it.
    bare = app.test_client(use_cookies=False)
    response = bare.get("/api/batch?size=100", headers=users["alice"])
    assert response.status_code == 403
    message = response.get_json()["error"]
    assert "X-Requested-With" in message and "labeling page" in message
    item = sorted(everything)[0]
    form = json.dumps({"id": item, "label": "pos", "comment": "="})   # what a text/plain form can post
    response = bare.post("/api/label", data=form, content_type="text/plain", headers=users["alice"])
    assert response.status_code == 403
    # A browser's word that another site sent it is refused even with the header.
    response = alice.get("/api/batch?size=100", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and "other sites" in response.get_json()["error"]
    # The header with a text/plain body: refused too, saying what to send.
    response = alice.post("/api/label", data=form, content_type="text/plain")
    assert response.status_code == 415 and "application/json" in response.get_json()["error"]
    assert _free_ids(alice) == everything
    assert alice.get("/api/stats").get_json()["labeled"] == 0
    assert alice.get("/api/history").get_json()["entry"] is None


def test_a_lone_surrogate_is_a_400_and_the_item_stays_free(dss, tabular, client_for):
    app = dss.load_webapp("tabular-labeling", tabular)
    alice, bob = client_for(app, "alice"), client_for(app, "bob")
    item = sorted(_free_ids(alice))[0]
    body = json.dumps({"id": item, "label": "pos", "comment": "\udcff"})  # valid JSON: "\\udcff"
    response = alice.post("/api/label", data=body, content_type="application/json")
    assert response.status_code == 400
    message = response.get_json()["error"]
    assert message.startswith("comment is not valid text") and "well-formed Unicode" in message
    assert item in _free_ids(bob)                      # nobody holds it
    assert alice.get("/api/stats").get_json()["labeled"] == 0


def test_api_errors_are_json_and_dss_routes_keep_theirs(dss, tabular, client_for):
    app = dss.load_webapp("tabular-labeling", tabular)
    # What DSS's own backend adds to the app it hands to backend.py.
    app.add_url_rule("/__ping", "ping", lambda: "pong")
    app.add_url_rule("/", "landing", lambda: "<html>the webapp</html>")
    alice = client_for(app, "alice")
    response = alice.get("/api/nope")
    assert response.status_code == 404 and "no API route GET /api/nope" in response.get_json()["error"]
    response = alice.post("/api/batch", json={})
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.get_json()["error"] == "/api/batch does not accept POST: use GET"
    assert alice.get("/__ping").get_data() == b"pong"
    assert alice.get("/").get_data() == b"<html>the webapp</html>"
    other = alice.get("/not-api")
    assert other.status_code == 404 and other.content_type.startswith("text/html")
    assert alice.post("/__ping").status_code == 405 and not alice.post("/__ping").is_json
