"""The local server over HTTP: only the pool's files are served, requests must come from the
labeling page, text must be valid Unicode, and every error under /api/ is JSON (docs/api.md)."""

import http.client
import json
import sqlite3

import numpy as np
import pytest
import soundfile
from local_helpers import PAGE, Api, running, write_pool
from PIL import Image

from active_labeling.local.app import LocalSetup
from active_labeling.local.folder import FolderPool


def _bare(port):
    """A client that sends nothing the labeling page adds (as another site's page would)."""
    api = Api(port)
    api.headers = {}
    return api


def _free_ids(api, page="probe"):
    """Ids a batch can hand out now (reserved for a moment by ``page``, then given back)."""
    ids = [item["id"] for item in api.get(f"/api/batch?size=100&page={page}")[1]["items"]]
    assert api.post("/api/release", {"page": page})[0] == 200
    return set(ids)


def _decisions(local):
    db = sqlite3.connect(local.workspace.db_path)
    try:
        return db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
    finally:
        db.close()


@pytest.fixture()
def tabular(tmp_path):
    write_pool(tmp_path / "pool.csv")
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", annotator="alice")
    with running(setup) as (local, port):
        yield Api(port), local


@pytest.fixture()
def sound_folder(tmp_path):
    root = tmp_path / "sounds"
    (root / "sub").mkdir(parents=True)
    rate = 8000
    soundfile.write(root / "a.wav", 0.3 * np.sin(np.arange(rate) * 2 * np.pi * 440 / rate), rate)
    soundfile.write(root / "sub" / "b.wav", 0.3 * np.sin(np.arange(rate) * 2 * np.pi * 660 / rate), rate)
    soundfile.write(root / ".hidden.wav", np.zeros(rate), rate)
    (root / ".env").write_text("API_KEY=do-not-serve\n")
    (root / "notes.txt").write_text("private notes about the recordings\n")
    return root


def test_sound_media_serve_the_pools_files_only(sound_folder, tmp_path):
    setup = LocalSetup(kind="sound", data=sound_folder, categories=["a", "b"], workspace=tmp_path / "ws")
    with running(setup) as (_, port):
        api = Api(port)
        ids = {item["id"] for item in api.get("/api/batch?size=10")[1]["items"]}
        assert ids == {"/a.wav", "/sub/b.wav"}
        assert api.get("/api/items/%2Fsub%2Fb.wav/media")[1][:4] == b"RIFF"
        for name in ("%2F.env", "%2Fnotes.txt", "%2F.hidden.wav"):
            for what in ("media", "waveform", "spectrogram"):
                status, answer = api.get(f"/api/items/{name}/{what}")
                assert status == 404, (name, what, answer)
                assert "only the pool's items are served" in answer["error"]
                assert b"do-not-serve" not in json.dumps(answer).encode()


def test_image_media_serve_the_pools_files_only(tmp_path):
    root = tmp_path / "images"
    root.mkdir()
    Image.new("RGB", (30, 20), "red").save(root / "shown.png")
    Image.new("RGB", (30, 20), "blue").save(root / ".hidden.png")
    (root / "notes.txt").write_text("not an image")
    setup = LocalSetup(kind="image", data=root, categories=["a", "b"], workspace=tmp_path / "ws")
    with running(setup) as (_, port):
        api = Api(port)
        assert api.get("/api/items/%2Fshown.png/media")[0] == 200
        assert api.get("/api/items/%2F.hidden.png/media")[0] == 404
        assert api.get("/api/items/%2Fnotes.txt/media")[0] == 404
    # Without the media module (raw files), the same files stay out of reach.
    source = FolderPool(root, "image").media
    with pytest.raises(KeyError):
        source.path("/.hidden.png")
    assert source.path("/shown.png").name == "shown.png"


def test_a_file_removed_from_the_folder_is_not_served_from_the_cache(tmp_path):
    root = tmp_path / "images"
    root.mkdir()
    for name in ("a.png", "b.png"):
        Image.new("RGB", (30, 20), "red").save(root / name)
    setup = LocalSetup(kind="image", data=root, categories=["x", "y"], workspace=tmp_path / "ws",
                       refresh_seconds=0.0)
    with running(setup) as (local, port):
        api = Api(port)
        assert api.get("/api/items/%2Fa.png/media")[0] == 200  # rendered and cached
        (root / "a.png").unlink()
        api.get("/api/batch?size=1")  # the folder is listed again
        assert local.service.stats.total == 1
        assert api.get("/api/items/%2Fa.png/media")[0] == 404


def test_calls_without_the_page_header_are_refused_and_change_nothing(tabular):
    api, local = tabular
    bare = _bare(api.connection.port)
    everything = _free_ids(api)
    status, answer = bare.get("/api/batch?size=100")   # what a no-cors fetch of another page sends
    assert status == 403
    assert "X-Requested-With" in answer["error"] and "labeling page" in answer["error"]
    assert "X-Requested-With: active-labeling" in answer["error"]  # what a program must send
    assert _free_ids(api) == everything                # nothing was reserved
    item = sorted(everything)[0]
    for path, body in (("/api/label", {"id": item, "label": "cat"}), ("/api/skip", {"id": item}),
                       ("/api/release", {})):
        assert bare.post(path, body)[0] == 403, path
    for path in ("/api/config", "/api/stats", "/api/history"):
        assert bare.get(path)[0] == 403, path
    assert _decisions(local) == 0 and _free_ids(api) == everything


def test_a_form_post_of_another_site_writes_nothing_even_with_the_cookie(tmp_path):
    write_pool(tmp_path / "pool.csv")
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", annotators=["alice"])
    with running(setup) as (local, port):
        alice = Api(port, local.team.tokens["alice"])
        item = sorted(_free_ids(alice))[0]
        # A <form enctype="text/plain"> on http://127.0.0.1:<other port>: the same site, so the
        # Lax cookie goes with it, but no header and no JSON content type.
        form = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps({"id": item, "label": "cat", "comment": "="})
        form.request("POST", "/api/label", body=body.encode(), headers={
            "Content-Type": "text/plain", "Cookie": f"active_labeling_token={local.team.tokens['alice']}",
            "Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "navigate"})
        assert form.getresponse().status == 403
        # An old browser sends no fetch metadata nor Origin: the missing header is enough.
        form.request("POST", "/api/label", body=body.encode(), headers={
            "Content-Type": "text/plain", "Cookie": f"active_labeling_token={local.team.tokens['alice']}"})
        assert form.getresponse().status == 403
        assert _decisions(local) == 0
        # With the header but a text/plain body (a page can't add the header cross-site, but the
        # body type is a defence of its own): refused, saying which content type to send.
        status, answer = alice.post("/api/label", body.encode(), headers={"Content-Type": "text/plain"})
        assert status == 415 and "Content-Type: application/json" in answer["error"]
        assert _decisions(local) == 0 and item in _free_ids(alice)


def test_fetch_metadata_and_origin_of_other_sites_are_refused(sound_folder, tmp_path):
    setup = LocalSetup(kind="sound", data=sound_folder, categories=["a", "b"], workspace=tmp_path / "ws")
    with running(setup) as (_, port):
        api = Api(port)
        everything = _free_ids(api)
        # The header alone is not taken as proof when the browser says another site sent it.
        for site in ("cross-site", "same-site"):
            status, answer = api.get("/api/batch?size=100", headers={"Sec-Fetch-Site": site})
            assert status == 403 and "other sites" in answer["error"] and site in answer["error"]
        assert _free_ids(api) == everything
        # Media are loaded by <img>/<audio>: no header needed from the page itself...
        bare = _bare(port)
        status, body = bare.get("/api/items/%2Fa.wav/media", headers={"Sec-Fetch-Site": "same-origin"})
        assert status == 200 and body[:4] == b"RIFF"
        assert bare.get("/api/items/%2Fa.wav/media")[0] == 200   # an older browser
        # ...but not for another site, and never embeddable there.
        status, answer = bare.get("/api/items/%2Fa.wav/media", headers={"Sec-Fetch-Site": "cross-site"})
        assert status == 403 and "other sites" in answer["error"]
        bare.connection.request("GET", "/api/items/%2Fa.wav/media")
        response = bare.connection.getresponse()
        response.read()
        assert response.getheader("Cross-Origin-Resource-Policy") == "same-origin"
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        # The local server also refuses another origin, whatever the method.
        other = {"Origin": "http://127.0.0.1:1"}
        assert api.get("/api/batch?size=100", headers=other)[0] == 403
        assert _free_ids(api) == everything


def test_a_cors_preflight_is_refused(tabular):
    api, _ = tabular
    bare = _bare(api.connection.port)
    bare.connection.request("OPTIONS", "/api/batch?size=100", headers={
        "Origin": "http://127.0.0.1:1", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-requested-with"})
    response = bare.connection.getresponse()
    response.read()
    assert response.status in (403, 405)
    assert response.getheader("Access-Control-Allow-Origin") is None
    assert response.getheader("Access-Control-Allow-Headers") is None


@pytest.mark.parametrize("field, body", [
    ("comment", '{"id": "%s", "label": "cat", "comment": "fine \\udcff"}'),
    ("label", '{"id": "%s", "label": "\\ud800"}'),
])
def test_a_lone_surrogate_is_a_400_and_nothing_stays_held(tabular, field, body):
    api, local = tabular
    everything = _free_ids(api)
    item = sorted(everything)[0]
    status, answer = api.post("/api/label", (body % item).encode())
    assert status == 400
    message = answer["error"]
    assert message.startswith(f"{field} is not valid text") and "surrogate" in message
    assert "well-formed Unicode" in message                  # what to do
    assert _decisions(local) == 0 and _free_ids(api) == everything
    # The same decision with proper text goes through.
    assert api.post("/api/label", {"id": item, "label": "cat", "comment": "fine \u00ff"})[0] == 200


def test_every_error_under_api_is_json(tabular):
    api, _ = tabular
    status, answer = api.get("/api/nothing-here")
    assert status == 404 and "no API route GET /api/nothing-here" in answer["error"]
    assert "docs/api.md" in answer["error"]
    assert api.get("/api/items/%2Fa.png/thumbnail")[0] == 404
    api.connection.request("DELETE", "/api/batch", headers=PAGE)
    response = api.connection.getresponse()
    answer = json.loads(response.read())
    assert response.status == 405 and response.getheader("Allow")
    assert answer["error"] == "/api/batch does not accept DELETE: use GET"
    status, answer = api.get("/api/label")
    assert status == 405 and answer["error"] == "/api/label does not accept GET: use POST"
    # Outside /api/ the app's pages keep their own answers.
    status, body = api.get("/not-an-api-path")
    assert status == 404 and isinstance(body, bytes)
