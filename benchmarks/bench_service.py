"""Benchmark of the local labeling service over real HTTP.

Builds a tabular pool (1,000,000 rows; ``--quick``: 20,000) as Parquet, pre-fills workspaces with
labels directly through the store, starts the real server (``active-labeling serve`` as a
subprocess) and measures:

- start: from process start to the first ``/api/config`` answer, and the server's peak RSS;
- label and batch latency (p50 / p95 / p99) over one keep-alive connection, with 1,000 and with
  100,000 labels already stored (each label flushed to disk: ``--synchronous full``, the
  default), and label latency with ``--synchronous normal`` for reference;
- 8 annotators (team mode, one thread each) labeling at once: labels/s in total, items served
  twice while reserved, acknowledged labels missing from the workspace.

Run: ``python benchmarks/bench_service.py [--quick]``. Prints a table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "python-lib"))

from active_labeling.local.store import SqliteDecisionStore  # noqa: E402
from active_labeling.local.tabular import TabularFilePool  # noqa: E402
from active_labeling.local.workspace import open_workspace  # noqa: E402
from active_labeling.storage.base import LABELED, Decision  # noqa: E402

CATEGORIES = ["positive", "negative", "neutral"]
PAGE = {"X-Requested-With": "active-labeling"}  # what the labeling page sends (docs/api.md)


def make_pool(path: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    words = np.array(["good", "bad", "fine", "slow", "fast", "cheap", "broken", "great", "meh", "ok"])
    picks = rng.integers(0, len(words), size=(rows, 4))
    text = pd.Series(words[picks[:, 0]]).str.cat([pd.Series(words[picks[:, k]]) for k in (1, 2, 3)], sep=" ")
    frame = pd.DataFrame({
        "review": text + " #" + pd.Series(np.arange(rows)).astype(str),
        "stars": rng.integers(1, 6, rows),
        "price": rng.normal(50, 20, rows).round(2),
        "shop": pd.Series(rng.integers(0, 500, rows)).map(lambda k: f"shop {k}"),
    })
    frame.to_parquet(path, index=False)


def prefill(workspace_dir: Path, data: Path, pool: TabularFilePool, count: int) -> None:
    workspace = open_workspace(workspace_dir, {
        "kind": "tabular", "data": str(data.resolve()), "id_column": None, "categories": CATEGORIES,
        "multi_label": False, "label_column": "label"})
    store = SqliteDecisionStore(workspace.db_path)
    ids = pool.item_ids()
    rng = np.random.default_rng(1)
    chosen = rng.choice(len(ids), size=count, replace=False)
    for start in range(0, count, 20_000):
        part = chosen[start:start + 20_000].tolist()
        decisions = [Decision(start + k + 1, ids[p], f"past{p % 7}", "2026-01-01T00:00:00.000Z", LABELED,
                              CATEGORIES[p % 3]) for k, p in enumerate(part)]
        store.append_many(list(zip(decisions, [pool.values(ids[p]) for p in part])))
    store.close()
    workspace.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``active-labeling serve`` in a subprocess."""

    def __init__(self, data: Path, workspace: Path, extra=()):
        self.port = free_port()
        command = [sys.executable, "-m", "active_labeling.cli", "serve", "--data", str(data),
                   "--categories", ",".join(CATEGORIES), "--workspace", str(workspace),
                   "--port", str(self.port), *extra]
        env = {**os.environ, "PYTHONPATH": str(REPO / "python-lib")}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                        text=True)
        self.start_seconds = self._wait()
        self.lines = []
        # The URLs are printed once listening; read them (team tokens) without blocking later.
        urls = 8 if "--annotators" in extra else 1
        while len(self.lines) < 1 + urls:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line)

    def _wait(self) -> float:
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read())
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                connection.request("GET", "/api/config", headers=PAGE)
                if connection.getresponse().status in (200, 401):
                    return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.02)

    def peak_rss_mb(self) -> float:
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def tokens(self):
        return dict((m.group(2), m.group(1)) for m in
                    (re.search(r"token=(\S+)\s+\((\w+)\)", line) for line in self.lines) if m)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Client:
    def __init__(self, port: int, token: str = ""):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {**PAGE, **({"X-Annotator-Token": token} if token else {})}

    def call(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        started = time.perf_counter()
        sent = {**self.headers, **({"Content-Type": "application/json"} if data else {})}
        self.connection.request(method, path, body=data, headers=sent)
        response = self.connection.getresponse()
        payload = json.loads(response.read())
        return time.perf_counter() - started, response.status, payload


def percentiles(seconds):
    values = np.asarray(seconds) * 1000
    return tuple(float(np.percentile(values, q)) for q in (50, 95, 99))


def latency(servers, labels: int):
    """Label and batch times on each server, taking turns batch by batch.

    Taking turns exposes every server to the same background load (other processes on the
    machine), so that their figures can be compared.
    """
    clients = [Client(server.port) for server in servers]
    times = [([], []) for _ in servers]
    while len(times[0][0]) < labels:
        for client, (label_times, batch_times) in zip(clients, times):
            elapsed, status, batch = client.call("GET", "/api/batch?size=10")
            assert status == 200, batch
            batch_times.append(elapsed)
            for item in batch["items"]:
                body = {"id": item["id"], "label": CATEGORIES[len(label_times) % 3]}
                elapsed, status, answer = client.call("POST", "/api/label", body)
                assert status == 200, answer
                label_times.append(elapsed)
    return times


def team(server: Server, per_annotator: int):
    tokens = server.tokens()
    assert len(tokens) == 8, server.lines
    served, acknowledged, failures = [], [], []
    lock = threading.Lock()

    def work(token):
        client = Client(server.port, token)
        done = 0
        try:
            while done < per_annotator:
                _, status, batch = client.call("GET", "/api/batch?size=10")
                ids = [item["id"] for item in batch["items"]]
                with lock:
                    served.extend(ids)
                for item in ids[:per_annotator - done]:
                    _, status, answer = client.call("POST", "/api/label", {"id": item, "label": "neutral"})
                    if status != 200:
                        raise RuntimeError(answer)
                    with lock:
                        acknowledged.append(answer["label_id"])
                    done += 1
                client.call("POST", "/api/release", {})
        except Exception as error:
            failures.append(error)

    threads = [threading.Thread(target=work, args=(token,)) for token in tokens.values()]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return served, acknowledged, failures, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    rows, many, few = (20_000, 5_000, 1_000) if args.quick else (1_000_000, 100_000, 1_000)
    measured_labels, per_annotator = (300, 50) if args.quick else (3_000, 250)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        tmp = Path(tmp)
        data = tmp / "pool.parquet"
        began = time.perf_counter()
        make_pool(data, rows)
        pool = TabularFilePool(data)
        for name, count in (("few", few), ("many", many)):
            prefill(tmp / name, data, pool, count)
        print(f"prepared a {rows:,}-row pool and workspaces in {time.perf_counter() - began:.1f} s",
              file=sys.stderr)
        del pool

        # Started one after the other (each start alone on the machine), then measured in turns.
        servers = []
        try:
            for name, count in (("few", few), ("many", many)):
                servers.append(Server(data, tmp / name, ["--annotator", "bench"]))
                results.append((f"start, {rows:,} rows, {count:,} labels stored", "s",
                                f"{servers[-1].start_seconds:.2f}", "≤ 5"))
            results.append((f"peak RSS, {rows:,} rows, {many:,} labels stored", "MB",
                             f"{servers[1].peak_rss_mb():.0f}", "≤ 1536"))
            measured = latency(servers, measured_labels)
        finally:
            for server in servers:
                server.stop()
        p99 = []
        for count, (label_times, batch_times) in zip((few, many), measured):
            label_p = percentiles(label_times)
            p99.append(label_p[2])
            results.append((f"label p50/p95/p99, {count:,} labels stored", "ms",
                            "/".join(f"{v:.2f}" for v in label_p), "p99 ≤ 10"))
            results.append((f"batch of 10 p50/p95/p99, {count:,} labels stored", "ms",
                            "/".join(f"{v:.2f}" for v in percentiles(batch_times)), "p99 ≤ 20"))
        results.append(("label p99 ratio, many / few labels stored", "×", f"{p99[1] / p99[0]:.2f}", "≤ 1.2"))

        # The cost of flushing each label to disk, for comparison: NORMAL survives a killed
        # process but not a power loss.
        server = Server(data, tmp / "many", ["--annotator", "bench", "--synchronous", "normal"])
        try:
            [(label_times, _)] = latency([server], measured_labels)
            results.append((f"label p50/p95/p99, {many:,} labels stored, --synchronous normal", "ms",
                            "/".join(f"{v:.2f}" for v in percentiles(label_times)), "(reference)"))
        finally:
            server.stop()

        server = Server(data, tmp / "many", ["--annotators", ",".join(f"a{k}" for k in range(8))])
        results.append((f"restart, {many:,} labels stored (item ids cached in the workspace)", "s",
                        f"{server.start_seconds:.2f}", "≤ 5"))
        try:
            served, acknowledged, failures, elapsed = team(server, per_annotator)
        finally:
            server.stop()
        db = sqlite3.connect(tmp / "many" / "workspace.sqlite")
        stored = {row[0] for row in db.execute("SELECT label_id FROM decisions WHERE label_id > ?", (many,))}
        db.close()
        twice = sum(1 for count in Counter(served).values() if count > 1)
        lost = len(set(acknowledged) - stored)
        results.append(("8 annotators at once: labels/s in total", "1/s",
                        f"{len(acknowledged) / elapsed:.0f}", "≥ 200"))
        results.append(("8 annotators: items served twice / labels lost / errors", "count",
                        f"{twice} / {lost} / {len(failures)}", "0 / 0 / 0"))

    width = max(len(r[0]) for r in results)
    print(f"{'measure':<{width}}  {'unit':>5}  {'value':>22}  target")
    for what, unit, value, target in results:
        print(f"{what:<{width}}  {unit:>5}  {value:>22}  {target}")


if __name__ == "__main__":
    main()
