import json

import pytest
from flask import Flask, Response
from service_helpers import make_service

from active_labeling.service.routes import MAX_BODY, register_routes


class StubMedia:
    """What the media module offers: a response per item, KeyError when unknown."""

    def __init__(self):
        self.calls = []

    def response(self, item_id, what, request):
        self.calls.append((item_id, what))
        if item_id == "/broken.wav":
            error = ValueError("This file can't be read as a sound")
            error.status = 422
            raise error
        if item_id != "/a b/1.wav":
            raise KeyError(item_id)
        return Response(b"RIFF", mimetype="audio/wav")


@pytest.fixture()
def client():
    service = make_service(n=5)
    app = Flask("test")
    register_routes(app, service, lambda request: request.headers.get("X-Test-User"), media=StubMedia())
    client = app.test_client()
    client.environ_base["HTTP_X_TEST_USER"] = "alice"
    client.environ_base["HTTP_X_REQUESTED_WITH"] = "active-labeling"  # as the labeling page does
    client.service = service
    return client


def test_an_unknown_caller_is_refused(client):
    response = client.get("/api/config", headers={"X-Test-User": ""})
    assert response.status_code == 401 and "error" in response.get_json()


def test_oversized_bodies_are_refused_before_anything_is_written(client):
    item = client.get("/api/batch?size=1").get_json()["items"][0]["id"]
    body = json.dumps({"id": item, "label": "cat", "comment": "x" * MAX_BODY})
    response = client.post("/api/label", data=body, content_type="application/json")
    assert response.status_code == 413
    assert client.get("/api/stats").get_json()["labeled"] == 0


@pytest.mark.parametrize("body, field", [(b"{not json", "JSON"), (b"[1, 2]", "JSON object"),
                                         (b'{"id": 5, "label": "cat"}', "id"),
                                         (b'{"id": "i0"}', "label"),
                                         (b'{"id": "i0", "label": "cat", "comment": []}', "comment")])
def test_malformed_bodies_get_400_naming_the_problem(client, body, field):
    response = client.post("/api/label", data=body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.get_json()["error"]
    assert client.get("/api/stats").get_json()["labeled"] == 0


def test_query_parameters_are_checked(client):
    assert client.get("/api/batch?size=abc").status_code == 400
    assert client.get("/api/batch?size=500").status_code == 400
    assert client.get("/api/history?before=x").status_code == 400
    assert client.get("/api/history?before=1&after=2").status_code == 400
    assert client.post("/api/release", json={"ids": "i0"}).status_code == 400
    assert client.get("/api/batch?page=a%20b").status_code == 400
    assert client.get("/api/batch?page=" + "x" * 65).status_code == 400
    assert client.post("/api/release", json={"page": ["tab"]}).status_code == 400


def test_release_reads_only_json_bodies(client):
    # text/plain is what a <form> of another site (or sendBeacon) can post without a preflight.
    ids = [item["id"] for item in client.get("/api/batch?size=2").get_json()["items"]]
    response = client.post("/api/release", data=json.dumps({"ids": ids[:1]}), content_type="text/plain")
    assert response.status_code == 415 and "Content-Type: application/json" in response.get_json()["error"]
    assert client.post("/api/release", json={"ids": ids[:1]}).get_json() == {"released": 1}
    assert client.post("/api/release", data=b"").get_json() == {"released": 1}


def test_media_routes_map_unknown_items_to_404_and_unreadable_files_to_422(client):
    client.service.settings = type(client.service.settings)(
        kind="sound", categories=client.service.settings.categories)
    assert client.get("/api/items/%2Fa%20b%2F1.wav/media").data == b"RIFF"
    assert client.get("/api/items/%2Fa%20b%2F1.wav/waveform").status_code == 200
    assert client.get("/api/items/%2Fnope.wav/media").status_code == 404
    broken = client.get("/api/items/%2Fbroken.wav/spectrogram")
    assert broken.status_code == 422 and "can't be read" in broken.get_json()["error"]
    assert client.get("/api/items/%2Fa%20b%2F1.wav/other").status_code == 404


def test_tabular_items_have_no_media(client):
    assert client.get("/api/items/i0/media").status_code == 404


def test_a_second_tab_of_the_same_annotator_leaves_the_first_ones_items_alone(client):
    first = {item["id"] for item in client.get("/api/batch?size=2&page=tab-1").get_json()["items"]}
    # The second tab opens: it gives back what it held before a reload (nothing here), not tab 1's.
    assert client.post("/api/release", json={"page": "tab-2"}).get_json() == {"released": 0}
    second = {item["id"] for item in client.get("/api/batch?size=2&page=tab-2").get_json()["items"]}
    assert first.isdisjoint(second) and len(second) == 2
    bob = {item["id"] for item in client.get("/api/batch?size=5", headers={"X-Test-User": "bob"})
           .get_json()["items"]}
    assert bob.isdisjoint(first | second)  # both tabs' items stay held
    # Tab 1 reloads: it gives back its own items, which its next batch can serve again.
    assert client.post("/api/release", json={"page": "tab-1"}).get_json() == {"released": 2}
    again = {item["id"] for item in client.get("/api/batch?size=5&page=tab-1").get_json()["items"]}
    assert again == first
