import io
import json
import sqlite3

import numpy as np
import pytest
from local_helpers import Api, running, write_pool
from PIL import Image

from active_labeling.local.app import LocalSetup


@pytest.fixture()
def tabular(tmp_path):
    write_pool(tmp_path / "pool.csv")
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["cat=Cats", "dog"],
                       workspace=tmp_path / "ws", annotator="alice")
    with running(setup) as (local, port):
        yield Api(port), local


def test_every_api_route_over_http(tabular):
    api, local = tabular
    status, config = api.get("/api/config")
    assert status == 200 and config["annotator"] == "alice" and config["columns"] == ["text", "length"]
    assert config["categories"][0] == {"name": "cat", "description": "Cats", "hotkey": "1"}
    status, batch = api.get("/api/batch?size=4")
    ids = [item["id"] for item in batch["items"]]
    assert status == 200 and len(set(ids)) == 4 and batch["stats"]["total"] == 20
    status, answer = api.post("/api/label", {"id": ids[0], "label": "cat", "comment": "a cat"})
    assert status == 200 and answer["stats"]["labeled"] == 1
    status, answer = api.post("/api/skip", {"id": ids[1]})
    assert status == 200 and answer["stats"]["annotator"]["skipped"] == 1
    assert api.post("/api/release", {"ids": ids[2:]}) == (200, {"released": 2})
    status, history = api.get("/api/history")
    assert history["entry"]["id"] == ids[1] and history["entry"]["status"] == "skipped"
    status, back = api.get(f"/api/history?before={history['entry']['label_id']}")
    assert back["entry"]["label"] == "cat" and back["entry"]["item"]["data"]["text"].startswith("row")
    status, stats = api.get("/api/stats")
    assert stats["remaining"] == 19 and stats["per_category"] == {"cat": 1}
    assert api.post("/api/label", {"id": "nope", "label": "cat"})[0] == 404
    assert api.post("/api/label", {"id": ids[2], "label": "bird"})[0] == 400
    assert api.get("/api/items/x/media")[0] == 404


def test_the_page_is_composed_like_a_dss_webapp(tabular):
    api, _ = tabular
    status, page = api.get("/")
    page = page.decode()
    assert status == 200
    assert '<link rel="stylesheet" href="/webapp/style.css">' in page
    assert page.index("window.dataiku") < page.index('<script type="module" src="/webapp/app.js">')
    status, _ = api.get("/webapp/app.js")
    assert status == 200
    assert api.get("/webapp/backend.py")[0] == 404


def test_resource_paths_cannot_leave_the_resource_folder(tabular):
    api, _ = tabular
    for path in ("/plugins/active-labeling/resource/../../python-lib/active_labeling/cli.py",
                 "/plugins/active-labeling/resource/%2e%2e/%2e%2e/pyproject.toml",
                 "/plugins/active-labeling/resource/..%2f..%2fpyproject.toml",
                 "/webapp/..%2f..%2fpyproject.toml"):
        status, body = api.get(path)
        assert status in (400, 404), path
        assert b"[project]" not in (body if isinstance(body, bytes) else b"")


def test_team_mode_maps_secret_tokens_to_names_and_refuses_others(tmp_path):
    write_pool(tmp_path / "pool.parquet")
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.parquet", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", annotators=["alice", "bob"])
    with running(setup) as (local, port):
        tokens = local.team.tokens
        assert tokens["alice"] != tokens["bob"]
        assert Api(port).get("/api/config")[0] == 401
        assert Api(port, "forged").get("/api/config")[0] == 401
        assert Api(port, tokens["bob"]).get("/api/config")[1]["annotator"] == "bob"
        browser = Api(port)
        browser.connection.request("GET", f"/?token={tokens['alice']}")
        redirect = browser.connection.getresponse()
        redirect.read()
        assert redirect.status == 303 and redirect.getheader("Location").endswith("/")
        cookie_header = redirect.getheader("Set-Cookie")
        assert tokens["alice"] in cookie_header
        assert "HttpOnly" in cookie_header and "SameSite=Lax" in cookie_header
        # A browser sends back the cookie the redirect set.
        cookie = {"Cookie": f"active_labeling_token={tokens['alice']}"}
        assert Api(port).get("/api/config", headers=cookie)[1]["annotator"] == "alice"
        assert Api(port).get("/?token=forged")[0] == 403
    # The same URLs keep working after a restart.
    with running(setup) as (local, port):
        assert local.team.tokens == tokens


def _image_folder(root):
    (root / "sub").mkdir(parents=True)
    Image.fromarray(np.zeros((8, 8, 3), dtype=np.uint8)).save(root / "sub" / "black.png")
    (root / "broken.png").write_bytes(b"not an image")
    (root / "empty.png").write_bytes(b"")
    (root / "notes.txt").write_text("not an item")
    return root


def test_image_items_media_and_unreadable_files(tmp_path):
    root = _image_folder(tmp_path / "images")
    (tmp_path / "secret.png").write_bytes(b"outside")
    (root / "escape.png").symlink_to(tmp_path / "secret.png")
    setup = LocalSetup(kind="image", data=root, categories=["dark", "light"], workspace=tmp_path / "ws")
    with running(setup) as (_, port):
        api = Api(port)
        status, batch = api.get("/api/batch?size=10")
        items = {item["id"]: item for item in batch["items"]}
        assert set(items) == {"/sub/black.png", "/broken.png", "/empty.png", "/escape.png"}
        assert items["/sub/black.png"]["media"]["url"] == "/api/items/%2Fsub%2Fblack.png/media"
        assert items["/sub/black.png"]["error"] is None
        assert items["/empty.png"]["error"] and items["/escape.png"]["error"]
        status, body = api.get("/api/items/%2Fsub%2Fblack.png/media")
        assert status == 200 and Image.open(io.BytesIO(body)).size == (8, 8)
        status, error = api.get("/api/items/%2Fbroken.png/media")
        assert status == 422 and error["error"]
        assert api.get("/api/items/%2Fescape.png/media")[0] == 404
        assert api.get("/api/items/%2F..%2Fsecret.png/media")[0] == 404
        assert api.get("/api/items/%2Fsub%2Fblack.png/waveform")[0] == 404
        # An unreadable item can be skipped like any other.
        assert api.post("/api/skip", {"id": "/broken.png"})[0] == 200


def test_labels_are_in_the_workspace_once_acknowledged(tabular):
    api, local = tabular
    _, batch = api.get("/api/batch?size=3")
    for item in batch["items"]:
        assert api.post("/api/label", {"id": item["id"], "label": "dog"})[0] == 200
    db = sqlite3.connect(local.workspace.db_path)
    rows = db.execute("SELECT item_id, label, item_values FROM labels").fetchall()
    assert {r[0] for r in rows} == {item["id"] for item in batch["items"]}
    assert all(json.loads(r[1]) == "dog" and "text" in json.loads(r[2]) for r in rows)


def test_oversized_and_malformed_bodies_over_http_write_nothing(tabular):
    api, local = tabular
    item = api.get("/api/batch?size=1")[1]["items"][0]["id"]
    big = json.dumps({"id": item, "label": "cat", "comment": "x" * 70_000}).encode()
    status, answer = api.post("/api/label", big)
    assert status == 413 and "65536" in answer["error"]
    # Without a Content-Length (chunked), the size is checked on the bytes actually read.
    fresh = Api(api.connection.port)
    fresh.connection.request("POST", "/api/label", body=iter([big[:40_000], big[40_000:]]),
                             encode_chunked=True,
                             headers={**fresh.headers, "Content-Type": "application/json"})
    assert fresh.connection.getresponse().status == 413
    wrong_type = json.dumps({"id": item, "label": ["cat"]}).encode()  # a list in single-label mode
    for body in (b'{"id": ', b"\xff\xfe", b'"just text"', wrong_type):
        status, answer = Api(api.connection.port).post("/api/label", body)
        assert status == 400 and answer["error"]
    assert api.get("/api/stats")[1]["labeled"] == 0
    db = sqlite3.connect(local.workspace.db_path)
    assert db.execute("SELECT COUNT(*) FROM decisions").fetchone() == (0,)


def test_sound_items_have_media_waveform_and_spectrogram(tmp_path):
    import soundfile

    root = tmp_path / "sounds"
    root.mkdir()
    rate = 8000
    soundfile.write(root / "beep.wav", 0.3 * np.sin(np.arange(rate) * 2 * np.pi * 440 / rate), rate)
    setup = LocalSetup(kind="sound", data=root, categories=["beep", "noise"], workspace=tmp_path / "ws")
    with running(setup) as (_, port):
        api = Api(port)
        item = api.get("/api/batch?size=1")[1]["items"][0]
        assert item["media"]["waveform"] == "/api/items/%2Fbeep.wav/waveform"
        status, wave = api.get(item["media"]["waveform"])
        assert status == 200 and wave["sample_rate"] > 0 and abs(wave["duration"] - 1.0) < 0.05
        status, png = api.get(item["media"]["spectrogram"])
        assert status == 200 and png[:4] == b"\x89PNG"
        status, head = api.get(item["media"]["url"], headers={"Range": "bytes=0-3"})
        assert status == 206 and head == b"RIFF"


def test_other_sites_cannot_post_through_the_browser_nor_rebind_the_name(tabular):
    api, _ = tabular
    item = api.get("/api/batch?size=1")[1]["items"][0]["id"]
    forged = {"Origin": "http://evil.example", "Content-Type": "text/plain"}
    status, _ = api.post("/api/label", {"id": item, "label": "cat"}, headers=forged)
    assert status == 403
    assert api.post("/api/skip", {"id": item}, headers={"Origin": "null"})[0] == 403
    status, _ = api.get("/api/stats", headers={"Host": "evil.example:8080"})
    assert status == 403
    assert api.get("/api/stats")[1]["labeled"] == 0
    own = {"Origin": f"http://127.0.0.1:{api.connection.port}"}
    assert api.post("/api/label", {"id": item, "label": "cat"}, headers=own)[0] == 200


def _round(number, report):
    return {"round": number, "status": "ok", "finished": f"2026-11-22T10:0{number}:00.000Z", "labels": 40,
            "stopping": report.to_dict(), "stopping_state": {}}


def test_the_last_rounds_stopping_verdict_shows_in_stats(tabular):
    from active_labeling.analysis.stopping import StoppingMonitor
    from active_labeling.local.rounds import RoundLog

    api, local = tabular
    assert api.get("/api/stats")[1]["stopping"] is None  # no retrain round yet
    monitor = StoppingMonitor()
    reports = [monitor.update(["cat"] * 30 + ["dog"] * 20, ["cat"] * 10, ["cat"] * 10) for _ in range(4)]
    log = RoundLog(local.workspace.folder)
    log.append(_round(1, reports[0]))
    verdict = api.get("/api/stats")[1]["stopping"]
    assert verdict["stable"] is False and verdict["sentence"].startswith("Keep labeling")
    log.append(_round(2, reports[-1]))
    log.append({"round": 3, "status": "failed", "error": "boom"})  # a failed round has no verdict
    status, stats = api.get("/api/stats")
    assert status == 200 and stats["labeled"] == 0
    assert stats["stopping"] == {
        "stable": True, "sentence": reports[-1].sentence, "retrains": 4,
        "plain": reports[-1].plain, "history": reports[-1].history,
        "checked": "2026-11-22T10:02:00.000Z",
        "figures": {"agreement": 1.0, "contradiction": 0.0, "uncertainty": None}}
    assert stats["stopping"]["sentence"].startswith("The model looks stable: successive models agree")
