import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
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


def _tokens(process, count):
    """The team tokens, from the lines the server printed."""
    tokens = {}
    while len(tokens) < count:
        found = re.search(r"token=(\S+)\s+\((\w+)\)", process.stdout.readline().decode())
        if found:
            tokens[found.group(2)] = found.group(1)
    return tokens


def test_a_server_killed_mid_run_keeps_every_acknowledged_label(tmp_path):
    write_pool(tmp_path / "pool.parquet", rows=300)
    port = _free_port()
    command = [sys.executable, "-m", "active_labeling.cli", "serve", "--data", str(tmp_path / "pool.parquet"),
               "--categories", "cat,dog", "--workspace", str(tmp_path / "ws"), "--port", str(port),
               "--annotators", "a0,a1,a2,a3"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(PYTHON_LIB)})
    acknowledged = []
    names = [f"a{k}" for k in range(4)]

    def label_until_killed(api):
        try:
            while True:
                _, batch = api.get("/api/batch?size=5")
                for item in batch["items"]:
                    status, answer = api.post("/api/label", {"id": item["id"], "label": "dog"})
                    assert status == 200
                    acknowledged.append((answer["label_id"], item["id"]))
        except (OSError, http.client.HTTPException):
            return  # the server died under us

    try:
        _wait_until_up(port, process)
        tokens = _tokens(process, len(names))
        threads = [threading.Thread(target=label_until_killed, args=(Api(port, tokens[name]),))
                   for name in names]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 60 and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)  # while four annotators are labeling
        process.wait(timeout=10)
        for thread in threads:
            thread.join(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()
    db = sqlite3.connect(tmp_path / "ws" / "workspace.sqlite")
    stored = set(db.execute("SELECT label_id, item_id FROM decisions").fetchall())
    assert len(acknowledged) >= 60 and set(acknowledged) <= stored
    labeled = {row[0] for row in db.execute("SELECT item_id FROM labels")}
    assert {item for _, item in acknowledged} <= labeled


def test_the_demo_command_serves_a_sample(tmp_path):
    command = [sys.executable, "-m", "active_labeling.cli", "demo", "--folder", str(tmp_path), "--port", "0",
               "--annotator", "visitor"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(PYTHON_LIB)})
    try:
        port = None
        while port is None:
            line = process.stdout.readline().decode()
            assert line, process.stderr.read().decode()
            found = re.search(r"open http://127\.0\.0\.1:(\d+)/", line)
            port = int(found.group(1)) if found else None
        config = _wait_until_up(port, process)[1]
        assert config["annotator"] == "visitor" and [c["name"] for c in config["categories"]] == [
            "setosa", "versicolor", "virginica"]
        api = Api(port)
        items = api.get("/api/batch?size=100")[1]["items"]
        assert len(items) == 100 and all(item["al"] is None for item in items)  # random order at first
        # The demo shows active learning: ten labels later, a model ranks what comes next.
        for item in items[:10]:
            species = "setosa" if item["data"]["petal_length_cm"] < 2.5 else (
                "versicolor" if item["data"]["petal_width_cm"] < 1.7 else "virginica")
            assert api.post("/api/label", {"id": item["id"], "label": species})[0] == 200
        api.post("/api/release", {})
        deadline = time.monotonic() + 90
        while True:
            batch = api.get("/api/batch?size=5")[1]
            if batch["generation"] > 0 and batch["items"] and batch["items"][0]["al"] is not None:
                break
            assert time.monotonic() < deadline, "no queries generation after 10 labels"
            api.post("/api/release", {})
            time.sleep(0.5)
        assert [item["al"]["rank"] for item in batch["items"]] == sorted(
            item["al"]["rank"] for item in batch["items"])
    finally:
        process.kill()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()
