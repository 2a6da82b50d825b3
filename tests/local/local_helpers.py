"""Run the local app on a real socket in a thread, and talk to it over HTTP."""

from __future__ import annotations

import http.client
import json
import threading
from contextlib import contextmanager
from typing import Any, Dict, Optional, Tuple

import pandas as pd

from active_labeling.local.app import LocalSetup, build_app
from active_labeling.local.server import make


def write_pool(path, rows=20):
    frame = pd.DataFrame({"text": [f"row {i % (rows - 2)}" for i in range(rows)],  # two duplicates
                          "length": [i % (rows - 2) for i in range(rows)]})
    if str(path).endswith(".csv"):
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return frame


PAGE = {"X-Requested-With": "active-labeling"}  # what the labeling page sends (docs/api.md)


class Api:
    """A keep-alive HTTP client for one annotator, sending what the labeling page sends."""

    def __init__(self, port: int, token: Optional[str] = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {**PAGE, **({"X-Annotator-Token": token} if token else {})}

    def request(self, method: str, path: str, body: Any = None,
                headers: Optional[Dict[str, str]] = None) -> Tuple[int, Any]:
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        sent = {**self.headers, **({"Content-Type": "application/json"} if data is not None else {})}
        self.connection.request(method, path, body=data, headers={**sent, **(headers or {})})
        response = self.connection.getresponse()
        raw = response.read()
        kind = response.getheader("Content-Type", "")
        return response.status, json.loads(raw) if "json" in kind else raw

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs):
        return self.request("POST", path, body, **kwargs)


@contextmanager
def running(setup: LocalSetup):
    """The app of ``setup`` served on a free port; yields (LocalApp, port)."""
    local = build_app(setup)
    server = make(local, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield local, server.server_port
    finally:
        server.shutdown()
        server.server_close()
        local.close()
