"""`active-labeling dss setup-scenario` against a local HTTP server that records DSS API calls."""

from __future__ import annotations

import base64
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from active_labeling.cli import main

PROJECT = "/dip/publicapi/projects/LAB/"
PREFIX = PROJECT + "scenarios/"


class FakeScenarios(BaseHTTPRequestHandler):
    """Just the scenario endpoints of the DSS public API, kept in memory, every call recorded."""

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"null")

    def _handle(self, method):
        store = self.server.scenarios
        body = self._body() if method in ("POST", "PUT") else None
        self.server.calls.append((method, self.path, body, self.headers.get("Authorization")))
        path = self.path.split("?")[0]
        if method == "GET" and path == PROJECT + "datasets/":
            return self._answer(200, [{"name": name, "projectKey": "LAB", "tags": []}
                                      for name in self.server.datasets])
        if method == "GET" and path == PROJECT + "savedmodels/":
            return self._answer(200, [{"id": m, "name": f"model {m}"} for m in self.server.models])
        if not path.startswith(PREFIX):
            return self._answer(404, {"message": "unknown project"})
        scenario_id = path[len(PREFIX):].strip("/")
        if method == "GET" and not scenario_id:
            return self._answer(200, [{"id": s["id"], "name": s["name"], "projectKey": "LAB", "tags": []}
                                      for s in store.values()])
        if method == "POST" and not scenario_id:
            new_id = f"SCENARIO_{len(store) + 1}"
            store[new_id] = dict(body, id=new_id, active=False, triggers=[], reporters=[],
                                 params={"steps": []})
            return self._answer(200, {"id": new_id})
        if scenario_id not in store:
            return self._answer(404, {"message": f"no scenario {scenario_id}"})
        if method == "GET":
            return self._answer(200, store[scenario_id])
        store[scenario_id] = body
        return self._answer(200, {})

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")


@pytest.fixture
def fake_dss():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeScenarios)
    server.scenarios, server.calls = {}, []
    server.datasets, server.models = ["labels", "queries", "metadata", "pool"], ["sm42"]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def setup(server, *extra):
    url = f"http://127.0.0.1:{server.server_address[1]}"
    return main(["dss", "setup-scenario", "--project", "LAB", "--url", url, "--api-key", "secret",
                 "--saved-model", "sm42", "--labels-dataset", "labels", "--queries-dataset", "queries",
                 "--metadata-dataset", "metadata", *extra])


def test_creates_the_scenario_with_its_steps_and_trigger(fake_dss, capsys):
    assert setup(fake_dss, "--n", "20") == 0
    assert "every 20 labelings" in capsys.readouterr().out
    (scenario,) = fake_dss.scenarios.values()
    assert scenario["name"] == "Retrain and re-query" and scenario["type"] == "step_based"
    assert scenario["active"] is True
    builds = [step["params"]["builds"][0] for step in scenario["params"]["steps"]]
    assert builds[0]["type"] == "SAVED_MODEL" and builds[0]["itemId"] == "sm42"  # retrain first...
    assert builds[1]["type"] == "DATASET" and builds[1]["itemId"] == "queries"  # ...then re-query
    (trigger,) = scenario["triggers"]
    assert trigger["type"] == "pytrigger_active-labeling_every-n-labelings" and trigger["active"]
    assert trigger["params"]["config"] == {"n": 20, "metadata_dataset": "metadata",
                                           "queries_dataset": "queries"}
    assert trigger["delay"] >= 5
    key = "Basic " + base64.b64encode(b"secret:").decode()
    assert {call[3] for call in fake_dss.calls} == {key}  # every call authenticated with the API key


def test_running_it_again_updates_the_same_scenario_and_keeps_the_users_own_steps(fake_dss):
    assert setup(fake_dss) == 0
    (scenario,) = fake_dss.scenarios.values()
    scenario["params"]["steps"].append({"id": "mail", "type": "send_report", "params": {}})
    scenario["triggers"].append({"id": "nightly", "type": "temporal", "params": {}})
    assert setup(fake_dss, "--n", "50") == 0
    assert len(fake_dss.scenarios) == 1
    (scenario,) = fake_dss.scenarios.values()
    assert [step["id"] for step in scenario["params"]["steps"]][-1] == "mail"
    assert len(scenario["params"]["steps"]) == 3
    assert sorted(t["id"] for t in scenario["triggers"])[1] == "nightly" and len(scenario["triggers"]) == 2
    ours = [t for t in scenario["triggers"] if t["type"].startswith("pytrigger_")]
    assert ours[0]["params"]["config"]["n"] == 50
    assert [c[0] for c in fake_dss.calls].count("POST") == 1  # created once


def test_unreachable_dss_and_bad_options_are_user_errors(capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once closed
    code = main(["dss", "setup-scenario", "--project", "LAB", "--url", f"http://127.0.0.1:{port}",
                 "--api-key", "k", "--saved-model", "m", "--labels-dataset", "l", "--queries-dataset", "q",
                 "--metadata-dataset", "md"])
    assert code == 2 and "cannot reach DSS" in capsys.readouterr().err


def test_zero_n_is_refused_before_any_call(fake_dss, capsys):
    assert setup(fake_dss, "--n", "0") == 2
    assert "--n" in capsys.readouterr().err and not fake_dss.calls


def test_a_missing_saved_model_or_queries_dataset_stops_before_any_change(fake_dss, capsys):
    fake_dss.models = ["other"]
    fake_dss.datasets = ["labels"]
    assert setup(fake_dss) == 2
    error = capsys.readouterr().err
    assert "no saved model with id 'sm42' (saved models: other)" in error and "no dataset 'queries'" in error
    assert not fake_dss.scenarios and all(call[0] == "GET" for call in fake_dss.calls)


def test_labels_and_metadata_not_created_yet_only_warn(fake_dss, capsys):
    fake_dss.datasets = ["queries"]
    assert setup(fake_dss) == 0
    error = capsys.readouterr().err
    assert "dataset 'labels' does not exist yet" in error and "dataset 'metadata' does not exist yet" in error
    assert len(fake_dss.scenarios) == 1
