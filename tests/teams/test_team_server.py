"""A team through the real local server: 8 annotators and 2 reviewers at once, 3 annotators per
item, and a SIGKILL of the server halfway; then `status` and `export` show the final labels."""

from __future__ import annotations

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
import zlib
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "local"))
from local_helpers import Api  # noqa: E402

ANNOTATORS = [f"a{i}" for i in range(8)]
REVIEWERS = ["r0", "r1"]
CATEGORIES = ["cat", "dog", "bird"]
ITEMS = 60
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "python-lib")}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(tmp_path, port):
    command = [sys.executable, "-m", "active_labeling.cli", "serve", "--data", str(tmp_path / "pool.csv"),
               "--categories", ",".join(CATEGORIES), "--workspace", str(tmp_path / "ws"),
               "--port", str(port),
               "--annotators", ",".join(ANNOTATORS), "--reviewers", ",".join(REVIEWERS),
               "--annotators-per-item", "3", "--reservation-seconds", "120"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    tokens = {}
    while len(tokens) < len(ANNOTATORS) + len(REVIEWERS):
        line = process.stdout.readline().decode()
        assert line, process.stderr.read().decode()
        found = re.search(r"token=([\w-]+)(&mode=review)?\s+\((\w+)", line)
        if found:
            tokens[found.group(3)] = (found.group(1), bool(found.group(2)))
    return process, tokens


def _label_for(annotator, item_id):
    """Annotators mostly agree; a0 and a1 often don't (disagreements for the reviewers)."""
    truth = zlib.crc32(item_id.encode()) % 3
    noisy = annotator in ("a0", "a1") and zlib.crc32((annotator + item_id).encode()) % 2
    return CATEGORIES[(truth + noisy) % 3]


class Run:
    """What the clients saw acknowledged, and what went wrong."""

    def __init__(self):
        self.labels, self.reviews, self.errors = [], [], []
        self.reviewing = {}  # item -> reviewer, while a review is under way
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def annotate(self, api, name):
        try:
            api.post("/api/release", {})  # as a reloaded page: what a killed session held comes back
            while not self.stop.is_set():
                status, batch = api.get("/api/batch?size=4")
                if status != 200:
                    self.errors.append(("batch", status, batch))
                    return
                if not batch["items"]:
                    if not (batch["held"] or {}).get("count"):
                        return  # nothing left for this annotator
                    time.sleep(0.05)
                    continue
                for item in batch["items"]:
                    status, answer = api.post("/api/label", {"id": item["id"],
                                                             "label": _label_for(name, item["id"])})
                    if status == 200:
                        with self.lock:
                            self.labels.append((answer["label_id"], item["id"], name))
                    elif status != 409:
                        self.errors.append(("label", status, answer))
        except (OSError, http.client.HTTPException):
            return  # the server was killed under us

    def review(self, api, name, until_empty):
        try:
            while not self.stop.is_set():
                status, batch = api.get("/api/review/batch?size=3")
                if status != 200:
                    self.errors.append(("review batch", status, batch))
                    return
                if not batch["items"]:
                    if until_empty():
                        return
                    time.sleep(0.05)
                    continue
                for item in batch["items"]:
                    with self.lock:
                        other = self.reviewing.get(item["id"])
                        if other is not None and other != name:
                            self.errors.append(("reviewed twice at once", item["id"], name, other))
                        self.reviewing[item["id"]] = name
                    labels = [entry["label"] for entry in item["labels"]]
                    final = max(set(labels), key=labels.count)
                    try:
                        status, answer = api.post("/api/review", {"id": item["id"], "label": final,
                                                                  "comment": "settled"})
                    finally:  # answered, or the server died: this reviewer is no longer on it
                        with self.lock:
                            self.reviewing.pop(item["id"], None)
                    with self.lock:
                        if status == 200:
                            self.reviews.append((answer["label_id"], item["id"], name))
                        else:
                            self.errors.append(("review", status, answer))
        except (OSError, http.client.HTTPException):
            return


def _session(tmp_path, run, port, kill_after=None):
    process, tokens = _start(tmp_path, port)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                Api(port, tokens["a0"][0]).get("/api/config")
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert all(tokens[name][1] for name in REVIEWERS) and not any(tokens[n][1] for n in ANNOTATORS)
        annotators = [threading.Thread(target=run.annotate, args=(Api(port, tokens[n][0]), n))
                      for n in ANNOTATORS]
        def annotators_done():
            return not any(thread.is_alive() for thread in annotators)

        reviewers = [threading.Thread(target=run.review, args=(Api(port, tokens[n][0]), n, annotators_done))
                     for n in REVIEWERS]
        for thread in annotators + reviewers:
            thread.start()
        if kill_after is not None:
            deadline = time.monotonic() + 60
            while len(run.labels) < kill_after and time.monotonic() < deadline:
                time.sleep(0.005)
            process.send_signal(signal.SIGKILL)  # while eight annotators and two reviewers work
            process.wait(timeout=10)
        for thread in annotators + reviewers:
            thread.join(timeout=120)
        return tokens
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


def test_eight_annotators_and_two_reviewers_through_a_sigkill(tmp_path):
    pool = pd.DataFrame({"text": [f"item {i}" for i in range(ITEMS)]})
    pool.to_csv(tmp_path / "pool.csv", index=False)
    run = Run()
    _session(tmp_path, run, _free_port(), kill_after=ITEMS)  # killed about a third of the way
    killed_at = len(run.labels)
    port = _free_port()
    _session(tmp_path, run, port)
    assert not run.errors, run.errors[:5]
    assert killed_at < 3 * ITEMS

    db = sqlite3.connect(tmp_path / "ws" / "workspace.sqlite")
    stored = set(db.execute("SELECT label_id, item_id, annotator FROM decisions").fetchall())
    assert set(run.labels) | set(run.reviews) <= stored  # nothing acknowledged is lost
    per_item = dict(db.execute("SELECT item_id, COUNT(DISTINCT annotator) FROM decisions "
                               "WHERE status = 'labeled' GROUP BY item_id").fetchall())
    assert len(per_item) == ITEMS and set(per_item.values()) == {3}
    reviewed = db.execute("SELECT item_id, COUNT(*) FROM decisions WHERE status = 'reviewed' "
                          "GROUP BY item_id").fetchall()
    assert reviewed and all(count == 1 for _, count in reviewed)  # no item reviewed twice
    # The reviewers settled every disagreement: no item is left pending.
    export = tmp_path / "export"
    subprocess.run([sys.executable, "-m", "active_labeling.cli", "export", "--workspace",
                    str(tmp_path / "ws"), "--out", str(export)], check=True, env=ENV, capture_output=True)
    labels = pd.read_csv(export / "labels.csv")
    finals = labels.drop_duplicates("item_id").set_index("item_id")
    assert set(finals["final_status"]) <= {"agreed", "reviewed"} and len(finals) == ITEMS
    assert (finals["final_status"] == "reviewed").sum() == len(reviewed)
    status = subprocess.run([sys.executable, "-m", "active_labeling.cli", "status", "--workspace",
                             str(tmp_path / "ws")], check=True, env=ENV, capture_output=True,
                            text=True).stdout
    assert re.search(r"Final labels: \d+ agreed, 0 majority, \d+ reviewed, 0 pending", status), status
    assert re.search(r"Krippendorff's alpha [0-9.]+", status), status
