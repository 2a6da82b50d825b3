"""A real HTTP server answering the few DSS public API calls a plugin deploy and a scenario setup make.

Paths, methods and answer shapes follow dataiku-api-client 15.2 (``dataikuapi/dssclient.py``,
``dss/plugin.py``, ``dss/future.py``, ``dss/project.py``, ``dss/scenario.py``): everything lives
under ``/dip/publicapi``, the API key is the user name of HTTP basic auth, long jobs answer a future
(``jobId``) polled on ``/futures/<id>``, and errors are JSON ``{"errorType", "message"}`` with a
4xx/5xx status. Scenarios are stored as DSS exports them (``tests/dss_standin/README.md``,
"Scenarios (setup-scenario)").
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

PREFIX = "/dip/publicapi"


class FakeDSS:
    """DSS's plugin endpoints over a dict of installed plugins; records every request.

    Parameters
    ----------
    api_key : str
        The only key accepted (others get a 401).
    plugins : dict
        Plugin id → ``{"version", "codeEnvName"}`` already installed.
    scenario_ids : {"keep", "replace"}
        What a save does to the ids of a scenario's steps and triggers. Both give an id to those
        without one. ``"keep"`` keeps the ids the client chose; ``"replace"`` gives its own id to
        every step or trigger whose id it did not give itself (whether DSS keeps a client's ids is
        unverified, so code must work with both).
    """

    def __init__(self, api_key: str = "secret", plugins: Optional[Dict[str, Dict[str, Any]]] = None,
                 scenario_ids: str = "keep"):
        if scenario_ids not in ("keep", "replace"):
            raise ValueError(f"scenario_ids should be 'keep' or 'replace', got {scenario_ids!r}")
        self.api_key = api_key
        self.plugins: Dict[str, Dict[str, Any]] = dict(plugins or {})
        self.scenario_ids = scenario_ids
        self.projects: Dict[str, Dict[str, Any]] = {}
        self._issued_ids: set = set()  # step and trigger ids this server gave
        self.calls: List[Dict[str, Any]] = []
        self.failures: Dict[Tuple[str, str], Tuple[int, str]] = {}  # (method, path regex) → answer
        self.failing_jobs = False  # code env jobs end without a result
        self.futures: Dict[str, Dict[str, Any]] = {}
        self.uploaded: List[bytes] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # A short poll interval keeps shutdown (and the tests) quick.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeDSS:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, method: str, path_pattern: str, status: int, message: str) -> None:
        """Answer ``status`` with DSS's error JSON to requests matching ``path_pattern``."""
        self.failures[(method, path_pattern)] = (status, message)

    def add_project(self, key: str, datasets=(), saved_models=()) -> None:
        """A project with these dataset names and saved model ids, and no scenario yet."""
        self.projects[key] = {"datasets": list(datasets), "saved_models": list(saved_models), "scenarios": {}}

    def add_scenario(self, key: str, definition: Dict[str, Any]) -> str:
        """A scenario of project ``key`` as DSS stores ``definition`` once created and saved (its
        steps and triggers get this server's ids); returns its id."""
        scenarios = self.projects[key]["scenarios"]
        scenario_id = self._create_scenario(key, scenarios, definition)
        created = scenarios[scenario_id]
        scenarios[scenario_id] = self._saved(created, dict(created, **definition))
        return scenario_id

    def scenarios(self, key: str) -> List[Dict[str, Any]]:
        """The stored scenarios of project ``key`` (the dicts themselves: a test may edit them, as a
        user would in DSS's UI)."""
        return list(self.projects[key]["scenarios"].values())

    def paths(self) -> List[str]:
        """``"METHOD path"`` of every call, in order."""
        return [f"{c['method']} {c['path']}" for c in self.calls]

    # -- the API -------------------------------------------------------------------------------
    def answer(self, method: str, path: str, query: Dict[str, List[str]], body: bytes,
               headers: Dict[str, str]) -> Tuple[int, Any]:
        for (fail_method, pattern), (status, message) in self.failures.items():
            if fail_method == method and re.fullmatch(pattern, path):
                return status, {"errorType": "com.dataiku.dip.exceptions.CodedException", "message": message}
        auth = headers.get("Authorization", "")
        user = base64.b64decode(auth[6:]).decode().split(":")[0] if auth.startswith("Basic ") else None
        if user != self.api_key:
            return 401, {"errorType": "com.dataiku.dip.server.controllers.NotAuthenticatedException",
                         "message": "Not authenticated: invalid API key"}
        if method == "GET" and path.startswith("/futures/"):
            return self.future_state(path.split("/")[2])
        if path.startswith("/projects/"):
            return self.project_answer(method, path, body)
        if method == "GET" and path == "/plugins/":
            return 200, [{"id": pid, "version": p["version"], "isDev": False, "meta": {"label": pid}}
                         for pid, p in self.plugins.items()]
        if method == "POST" and path == "/plugins/actions/installFromZip":
            plugin_id, version = self._read_upload(body, headers)
            if plugin_id in self.plugins:
                return 400, {"errorType": "IllegalArgumentException", "message": "Plugin already installed"}
            self.plugins[plugin_id] = {"version": version, "codeEnvName": None}
            return 200, {"success": True}
        match = re.fullmatch(r"/plugins/([^/]+)/(.+)", path)
        if not match:
            return 404, {"errorType": "NotFound", "message": f"No endpoint {method} {path}"}
        plugin_id, action = match.groups()
        plugin = self.plugins.get(plugin_id)
        if plugin is None:
            return 404, {"errorType": "UnknownObjectException", "message": f"Plugin {plugin_id} not found"}
        if method == "POST" and action == "actions/updateFromZip":
            uploaded_id, version = self._read_upload(body, headers)
            if uploaded_id != plugin_id:
                return 400, {"errorType": "IllegalArgumentException", "message": "Wrong plugin id"}
            plugin["version"] = version
            return 200, {"success": True}
        if method == "GET" and action == "settings":
            return 200, {"codeEnvName": plugin["codeEnvName"], "presets": [], "parameterSets": [],
                         "accessibleParameterSetDescs": [], "permissions": []}
        if method == "POST" and action == "settings":
            plugin["codeEnvName"] = json.loads(body)["codeEnvName"]
            return 204, None
        if method == "POST" and action == "code-env/actions/create":
            request = json.loads(body)
            name = f"plugin_{plugin_id}_managed"
            return 200, self._start_job({"envName": name, "messages": {"messages": [
                {"severity": "WARNING", "message": f"built with {request['pythonInterpreter']}"}]}})
        if method == "POST" and action == "code-env/actions/update":
            if not plugin["codeEnvName"]:
                return 400, {"errorType": "IllegalArgumentException", "message": "No code env"}
            return 200, self._start_job({"envName": plugin["codeEnvName"], "messages": {"messages": []}})
        return 404, {"errorType": "NotFound", "message": f"No endpoint {method} {path}"}

    # -- projects and scenarios ------------------------------------------------------------------
    def project_answer(self, method: str, path: str, body: bytes) -> Tuple[int, Any]:
        match = re.fullmatch(r"/projects/([^/]+)/(datasets|savedmodels|scenarios)/([^/]*)", path)
        if not match:
            return 404, {"errorType": "NotFound", "message": f"No endpoint {method} {path}"}
        key, kind, item = match.groups()
        project = self.projects.get(key)
        if project is None:
            return 404, {"errorType": "com.dataiku.dip.server.controllers.NotFoundException",
                         "message": f"Project {key} not found"}
        if method == "GET" and kind == "datasets" and not item:
            return 200, [{"projectKey": key, "name": name, "type": "Filesystem", "tags": []}
                         for name in project["datasets"]]
        if method == "GET" and kind == "savedmodels" and not item:
            return 200, [{"projectKey": key, "id": model, "name": f"model {model}", "type": "PREDICTION"}
                         for model in project["saved_models"]]
        if kind != "scenarios":
            return 404, {"errorType": "NotFound", "message": f"No endpoint {method} {path}"}
        scenarios = project["scenarios"]
        if method == "GET" and not item:
            return 200, [{"projectKey": key, "id": s["id"], "name": s["name"], "type": s["type"],
                          "active": s["active"], "tags": s["tags"]} for s in scenarios.values()]
        if method == "POST" and not item:
            return 200, {"id": self._create_scenario(key, scenarios, json.loads(body))}
        scenario = scenarios.get(item)
        if scenario is None:
            return 404, {"errorType": "com.dataiku.dip.server.controllers.NotFoundException",
                         "message": f"Scenario {key}.{item} not found"}
        if method == "GET":
            return 200, copy.deepcopy(scenario)
        if method == "PUT":
            scenarios[item] = self._saved(scenario, json.loads(body))
            return 200, {}
        return 404, {"errorType": "NotFound", "message": f"No endpoint {method} {path}"}

    def _create_scenario(self, key: str, scenarios: Dict[str, Any], definition: Dict[str, Any]) -> str:
        # DSS's UI makes a new scenario's id from its name (scenarios.js, fillId).
        base = re.sub(r"\W+", "", definition["name"]).upper() or "SCENARIO"
        scenario_id, n = base, 1
        while scenario_id in scenarios:
            n += 1
            scenario_id = f"{base}_{n}"
        params = dict(definition.get("params") or {})
        if definition["type"] == "step_based":
            params.setdefault("steps", [])
        # The fields of a scenario as a DSS export has them (apps/*/project.zip in
        # dataiku/dss-plugin-ml-assisted-labeling).
        scenario = {
            "projectKey": key, "id": scenario_id, "type": definition["type"], "name": definition["name"],
            "active": False, "versionTag": {"versionNumber": 0, "lastModifiedBy": {"login": "admin"}},
            "checklists": {"checklists": []},
            "delayedTriggersBehavior": {"delayWhileRunning": True, "squashDelayedTriggers": True,
                                        "suppressTriggersWhileRunning": True},
            "tags": [], "triggers": [], "reporters": [], "params": params,
            "automationLocal": False, "customFields": {},
        }
        scenarios[scenario_id] = self._saved(scenario, scenario)
        return scenario_id

    def _saved(self, old: Dict[str, Any], new: Dict[str, Any]) -> Dict[str, Any]:
        """``new`` as stored: ids given where missing (or not ours, in "replace" mode), version bumped."""
        saved = copy.deepcopy(new)
        saved["id"], saved["projectKey"] = old["id"], old["projectKey"]
        saved["versionTag"] = {"versionNumber": old["versionTag"]["versionNumber"] + 1,
                               "lastModifiedBy": {"login": "admin"}}
        items = list(saved.get("triggers") or []) + list((saved.get("params") or {}).get("steps") or [])
        for item in items:
            keep = item.get("id") and (self.scenario_ids == "keep" or item["id"] in self._issued_ids)
            if not keep:
                item["id"] = f"{item.get('type', 'item')}_{len(self._issued_ids) + 1:04d}"
                self._issued_ids.add(item["id"])
        return saved

    def _start_job(self, result: Dict[str, Any]) -> Dict[str, Any]:
        job_id = f"job{len(self.futures) + 1}"
        # Running on the first poll, done (or failed) on the next one, like a short DSS job.
        self.futures[job_id] = {"polls": 0, "result": result}
        return {"jobId": job_id, "hasResult": False, "alive": True, "progress": {}}

    def future_state(self, job_id: str) -> Tuple[int, Any]:
        job = self.futures.get(job_id)
        if job is None:
            return 404, {"errorType": "NotFound", "message": f"No future {job_id}"}
        job["polls"] += 1
        if job["polls"] < 2:
            return 200, {"jobId": job_id, "hasResult": False, "alive": True}
        if self.failing_jobs:
            return 200, {"jobId": job_id, "hasResult": False, "alive": False,
                         "exception": {"message": "pip failed: no matching distribution for numpy"}}
        return 200, {"jobId": job_id, "hasResult": True, "alive": False, "result": job["result"]}

    def _read_upload(self, body: bytes, headers: Dict[str, str]) -> Tuple[str, str]:
        """The plugin id and version inside an uploaded zip (multipart field ``file``)."""
        import io
        import zipfile

        assert headers.get("Content-Type", "").startswith("multipart/form-data")
        boundary = headers["Content-Type"].split("boundary=")[1].encode()
        for part in body.split(b"--" + boundary):
            head, _, content = part.partition(b"\r\n\r\n")
            if b'name="file"' in head:
                content = content[:-2]  # the CRLF before the next boundary
                self.uploaded.append(content)
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    plugin = json.loads(archive.read("plugin.json"))
                return plugin["id"], plugin["version"]
        raise AssertionError("no file field in the upload")

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = split.path[len(PREFIX):] if split.path.startswith(PREFIX) else None
                query = parse_qs(split.query)
                fake.calls.append({"method": self.command, "path": path, "query": query, "body": body})
                if path is None:
                    status, payload = 404, None
                else:
                    status, payload = fake.answer(self.command, path, query, body, dict(self.headers))
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, *args):
                pass

        return Handler
