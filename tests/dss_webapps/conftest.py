"""Labeling webapps loaded from their real backend.py through the DSS stand-in."""

from __future__ import annotations

import io
import json
import urllib.request
from typing import Dict

import numpy as np
import pandas as pd
import pytest
import soundfile
from PIL import Image

from active_labeling.dss import decision_store, webapp

CATEGORIES = [{"from": "pos", "to": "Positive"}, {"from": "neg", "to": "Negative"},
              {"from": "neutral", "to": "Neither"}]


@pytest.fixture(autouse=True)
def _no_refresh_delay(monkeypatch):
    # A batch then checks for a new queries generation every time, as it would after 5 s in DSS.
    monkeypatch.setattr(webapp, "REFRESH_SECONDS", 0.0)


@pytest.fixture(autouse=True)
def _compactions_inline(monkeypatch):
    # A compaction then runs before the label that made it due is answered, so that a test sees
    # its effect at once (test_dss_compaction.py runs them in the background, as in DSS).
    monkeypatch.setattr(decision_store, "COMPACT_IN_BACKGROUND", False)


PAGE = {"X-Requested-With": "active-labeling"}  # what the labeling page sends (docs/api.md)


class Client:
    """A Flask test client that always sends one DSS user's auth headers, as the labeling page."""

    def __init__(self, app, headers: Dict[str, str]):
        self._client = app.test_client(use_cookies=False)  # the Cookie header is sent as given
        self.headers = {**PAGE, **headers}

    def get(self, path: str, **kwargs):
        return self._client.get(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self._client.post(path, json=json, headers={**self.headers, **kwargs.pop("headers", {})},
                                 **kwargs)


def call_api(base: str, headers: Dict[str, str], path: str, body=None) -> dict:
    """One request to a backend served on a real socket, as the page sends it; the JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method="GET" if body is None else "POST",
                                     headers={**headers, "Content-Type": "application/json",
                                              "X-Requested-With": "active-labeling"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def api():
    """``api(base, headers, path, body=None)``: :func:`call_api`."""
    return call_api


@pytest.fixture
def users(dss):
    for login in ("alice", "bob"):
        dss.add_user(login, groups=["annotators"])
    return {login: dss.auth_headers(login) for login in ("alice", "bob")}


@pytest.fixture
def client_for(users):
    return lambda app, login: Client(app, users[login])


@pytest.fixture
def rows() -> pd.DataFrame:
    return pd.DataFrame({"text": [f"review number {i}" for i in range(12)] + ["same", "same"],
                         "stars": list(range(12)) + [3, 3]})


@pytest.fixture
def tabular(dss, rows):
    """Config of a tabular webapp over a 14-row dataset (two identical rows)."""
    dss.create_dataset("reviews", rows)
    dss.create_dataset("labels")
    dss.create_dataset("labels_metadata")
    return {"input_dataset": "reviews", "categories": CATEGORIES, "labels_dataset": "labels",
            "metadata_dataset": "labels_metadata"}


def _jpeg(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), color).save(out, format="JPEG")
    return out.getvalue()


def _wav(frequency: float) -> bytes:
    t = np.arange(11025) / 22050
    out = io.BytesIO()
    soundfile.write(out, (0.3 * np.sin(2 * np.pi * frequency * t)).astype(np.float32), 22050, format="WAV")
    return out.getvalue()


@pytest.fixture
def image_files() -> Dict[str, bytes]:
    return {"/cats/1.jpg": _jpeg((200, 10, 10)), "/cats/2.jpg": _jpeg((10, 200, 10)),
            "/dogs/3.jpg": _jpeg((10, 10, 200)), "/dogs/broken.jpg": b"\xff\xd8\xff not really a jpeg",
            "/notes.txt": b"not an item"}


@pytest.fixture
def images(dss, image_files):
    # DSS gives a MANAGED_FOLDER parameter the folder's id, not its name.
    dss.create_folder("Xk29PqL0", files=image_files, name="photos")
    dss.create_dataset("labels")
    dss.create_dataset("labels_metadata")
    return {"input_folder": "Xk29PqL0", "categories": CATEGORIES[:2], "labels_dataset": "labels",
            "metadata_dataset": "labels_metadata", "max_side": 800}


@pytest.fixture
def sounds(dss):
    # ... or "PROJECTKEY.id" for a folder chosen in another project (here the same one).
    dss.create_folder("b7Yt4Rw1", files={"/a.wav": _wav(440), "/b.wav": _wav(880)}, name="clips")
    dss.create_dataset("labels")
    dss.create_dataset("labels_metadata")
    return {"input_folder": "PROJ.b7Yt4Rw1", "categories": CATEGORIES, "labels_dataset": "labels",
            "metadata_dataset": "labels_metadata", "multi_label": True}
