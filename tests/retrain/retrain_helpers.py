"""Run `active-labeling serve --retrain-every` as a subprocess and label over HTTP like the page does."""

from __future__ import annotations

import http.client
import json
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import numpy as np

REPO = Path(__file__).resolve().parents[2]


class Server:
    """A `serve` subprocess; ``call`` talks JSON to it."""

    def __init__(self, args: List[str], workspace: Path):
        env = dict(os.environ, PYTHONPATH=str(REPO / "python-lib"), PYTHONUNBUFFERED="1")
        self.workspace = workspace
        self.process = subprocess.Popen(
            [sys.executable, "-m", "active_labeling.cli", "serve", "--port", "0", "--workspace",
             str(workspace), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output: queue.Queue[str] = queue.Queue()
        self.lines: List[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        self.port = self._wait_for_port()

    def _pump(self):
        for line in self.process.stdout:
            self.output.put(line)

    def _wait_for_port(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.output.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.lines.append(line)
            if "open http://" in line:
                return int(line.split("open http://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
        raise AssertionError("the server did not start:\n" + "".join(self.lines))

    def call(self, method: str, path: str, body: Any = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        data = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=data, headers={"Content-Type": "application/json",
                                                             "X-Requested-With": "active-labeling"})
        response = connection.getresponse()
        answer = json.loads(response.read() or b"null")
        connection.close()
        assert response.status == 200, (method, path, response.status, answer)
        return answer

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        while not self.output.empty():
            self.lines.append(self.output.get())
        return "".join(self.lines)


def label_batches(server: Server, count: int, truth: Callable[[Dict[str, Any]], str]) -> List[str]:
    """Label ``count`` served items with their true category; returns their ids."""
    done: List[str] = []
    while len(done) < count:
        items = server.call("GET", f"/api/batch?size={min(10, count - len(done))}")["items"]
        assert items, "the app served nothing"
        for item in items:
            server.call("POST", "/api/label", {"id": item["id"], "label": truth(item)})
            done.append(item["id"])
    return done


def wait_for_round(workspace: Path, number: int, server: Server, timeout: float = 120) -> Dict[str, Any]:
    """The log entry of a successful round ``number``."""
    path = workspace / "retrain" / "rounds.jsonl"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            entries = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
            for entry in entries:
                if entry.get("round") == number and entry.get("status") == "ok":
                    return entry
        time.sleep(0.3)
    raise AssertionError(f"no round {number} in time; rounds: "
                         f"{path.read_text() if path.exists() else 'none'}\nlog:\n{server.log()}")


def wait_for_generation(server: Server, generation: int, timeout: float = 30) -> None:
    """Poll batches (releasing them) until the app serves ``generation``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = server.call("GET", "/api/batch?size=1")
        server.call("POST", "/api/release", {})
        if answer["generation"] >= generation:
            return
        time.sleep(0.5)
    raise AssertionError(f"the app never served generation {generation}")


def uncertainties(model_path: str, inputs) -> np.ndarray:
    """The round's model's uncertainty by the loop's default strategy (balanced): the mean of margin
    (1 - gap of the two most likely classes) and least confidence (1 - the most likely)."""
    with open(model_path, "rb") as stream:
        model = pickle.load(stream)
    proba = np.sort(model.predict_proba(inputs), axis=1)
    top, second = proba[:, -1], proba[:, -2]
    return ((1.0 - (top - second)) + (1.0 - top)) / 2


def assert_batch_follows_model(server: Server, entry: Dict[str, Any], inputs_by_id: Dict[str, Any],
                               labeled: List[str], size: int = 5, frame_of: Optional[Callable] = None):
    """The next batch holds the unlabeled items the new model is least sure of, best first."""
    batch = server.call("GET", f"/api/batch?size={size}")
    assert batch["generation"] >= 1
    served = [item["id"] for item in batch["items"]]
    unlabeled = [i for i in inputs_by_id if i not in set(labeled)]
    scores = uncertainties(entry["model"], frame_of(unlabeled))
    best = [unlabeled[i] for i in np.argsort(-scores, kind="stable")[:size]]
    assert served == best
    shown = [item["al"]["score"] for item in batch["items"]]
    assert shown == sorted(shown, reverse=True)
    assert np.allclose(shown, np.sort(scores)[::-1][:size])
