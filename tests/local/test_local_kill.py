import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from local_helpers import Api, write_pool

pytestmark = pytest.mark.e2e
PYTHON_LIB = Path(__file__).resolve().parents[2] / "python-lib"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            return Api(port).get("/api/config")
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def test_a_server_killed_mid_run_keeps_every_acknowledged_label(tmp_path):
    write_pool(tmp_path / "pool.parquet", rows=300)
    port = _free_port()
    command = [sys.executable, "-m", "active_labeling.cli", "serve", "--data", str(tmp_path / "pool.parquet"),
               "--categories", "cat,dog", "--workspace", str(tmp_path / "ws"), "--port", str(port),
               "--annotator", "alice"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(PYTHON_LIB)})
    acknowledged = []
    try:
        _wait_until_up(port, process)
        api = Api(port)
        for _ in range(10):
            _, batch = api.get("/api/batch?size=10")
            for item in batch["items"]:
                status, answer = api.post("/api/label", {"id": item["id"], "label": "dog"})
                assert status == 200
                acknowledged.append((answer["label_id"], item["id"]))
        # Keep a request in flight while the process dies.
        api.connection.request("GET", "/api/batch?size=10")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()
    db = sqlite3.connect(tmp_path / "ws" / "workspace.sqlite")
    stored = set(db.execute("SELECT label_id, item_id FROM decisions").fetchall())
    assert set(acknowledged) <= stored and len(acknowledged) == 100
