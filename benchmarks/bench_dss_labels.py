"""Files, append sessions and label latency of a DSS labeling webapp after many labels.

Runs the real tabular webapp backend (``webapps/tabular-labeling/backend.py``) through the
file-backed DSS stand-in and has 8 annotators label until ``--labels`` decisions are made (every
10th one changes an earlier label). Requests go through the Flask app in the annotators' threads
(as werkzeug's threaded server runs them, without the sockets, whose cost is not the point here).
The stand-in keeps one data file per append session, as a file-based connection does, and counts
the sessions. Two backends:

- *threads*: "Number of processes" 0, 8 annotators at once: labels that arrive during a write
  share the next append session (group commit);
- *one at a time*: DSS's default (1), one request at a time (fewer labels: every label is then
  its own append session).

Then it times the "every n labelings" trigger's check on the metadata dataset so written
(``trigger_io.evaluate``: read ``status`` and ``date``, count, decide; best / median of 5).
Targets: at most 100 files per dataset with the default compaction threshold; the trigger check
≤ 200 ms. Usage: ``python benchmarks/bench_dss_labels.py [--quick] [--labels N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python-lib"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "dss_standin"))
ANNOTATORS = 8
TRIGGER_TARGET_MS = 200.0
FILES_TARGET = 100


class Annotator(threading.Thread):
    """Takes batches and labels every item, changing an earlier label every 10th time."""

    def __init__(self, app, headers: dict, quota: list, latencies: list, one_at_a_time):
        super().__init__(daemon=True)
        self.client = app.test_client(use_cookies=False)
        self.headers = {**headers, "X-Requested-With": "active-labeling"}
        self.quota, self.latencies, self.one_at_a_time = quota, latencies, one_at_a_time
        self.errors: list = []
        self.done_ids: list = []

    def call(self, path: str, body=None) -> float:
        """Send one request; the seconds the backend took (not the wait for a busy backend)."""
        with self.one_at_a_time:
            started = time.perf_counter()
            if body is None:
                answer = self.client.get(path, headers=self.headers)
            else:
                answer = self.client.post(path, json=body, headers=self.headers)
            took = time.perf_counter() - started
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code} {answer.get_data(as_text=True)}")
        self.answer = answer.get_json()
        return took

    def label(self, item_id: str, label: str) -> bool:
        with lock:
            if self.quota[0] <= 0:
                return False
            self.quota[0] -= 1
        self.latencies.append(self.call("/api/label", {"id": item_id, "label": label}))
        return True

    def run(self) -> None:
        try:
            while True:
                self.call("/api/batch?size=10")
                items = self.answer["items"]
                if not items:
                    return
                for item in items:
                    if not self.label(item["id"], "pos"):
                        return
                    self.done_ids.append(item["id"])
                    if len(self.done_ids) % 10 == 0 and not self.label(self.done_ids[-5], "neg"):
                        return
        except BaseException as error:  # reported by the main thread
            self.errors.append(error)


lock = threading.Lock()


def run_backend(root: str, processes: int, labels: int, pool_rows: int) -> dict:
    from fixtures import DSSStandIn

    os.environ.update(DKU_STANDIN_ROOT=root, DKU_CURRENT_PROJECT_KEY="BENCH", DIP_HOME=root)
    dss = DSSStandIn(root, "BENCH")
    rng = np.random.default_rng(0)
    texts = [f"review {i}: " + "words " * 8 for i in range(pool_rows)]
    dss.create_dataset("pool", pd.DataFrame({"text": texts, "stars": rng.integers(1, 6, pool_rows)}))
    dss.create_dataset("labels")
    dss.create_dataset("labels_metadata")
    logins = [f"annotator{k}" for k in range(ANNOTATORS)]
    for login in logins:
        dss.add_user(login)
    app = dss.load_webapp("tabular-labeling", {
        "input_dataset": "pool", "labels_dataset": "labels", "metadata_dataset": "labels_metadata",
        "categories": [{"from": "pos", "to": ""}, {"from": "neg", "to": ""}]})
    quota, latencies = [labels], []
    started = time.perf_counter()
    one_at_a_time = threading.Lock() if processes == 1 else contextlib.nullcontext()
    team = [Annotator(app, dss.auth_headers(login), quota, latencies, one_at_a_time) for login in logins]
    for annotator in team:
        annotator.start()
    for annotator in team:
        annotator.join()
    app.extensions["active_labeling"].store.wait_for_compaction()
    elapsed = time.perf_counter() - started
    errors = [e for a in team for e in a.errors]
    if errors:
        raise RuntimeError(f"{len(errors)} annotator errors, first: {errors[0]!r}")
    sessions = {name: dss.dataset_write_sessions(name) for name in ("labels_metadata", "labels")}
    millis = np.array(latencies) * 1000
    return {"labels": len(latencies), "seconds": elapsed,
            "files": {name: len(dss.dataset_data_files(name)) for name in sessions},
            "appends per label": {name: s["APPEND"] / len(latencies) for name, s in sessions.items()},
            "compactions": {name: s["OVERWRITE"] for name, s in sessions.items()},
            "p50": float(np.percentile(millis, 50)), "p99": float(np.percentile(millis, 99)),
            "max": float(millis.max()), "dss": dss}


def trigger_check_ms(dss) -> tuple:
    from active_labeling.dss.trigger_io import evaluate
    from active_labeling.trigger_config import TriggerConfig

    config = TriggerConfig(n=100, metadata_dataset="labels_metadata", queries_dataset=None)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        evaluate(config, None, "BENCH")
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 labels (2,000 one at a time)")
    parser.add_argument("--labels", type=int, default=None, help="labels with the threaded backend")
    args = parser.parse_args()
    threaded = args.labels or (10_000 if args.quick else 100_000)
    sequential = min(threaded, 2_000 if args.quick else 10_000)
    from active_labeling.dss import decision_store

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {ANNOTATORS} annotators; "
          f"compaction after {decision_store.COMPACT_AFTER_APPENDS} append sessions (the default)")
    print(f"{'backend':>14} | {'labels':>7} | {'files meta/labels':>17} | {'appends/label m/l':>17} | "
          f"{'compactions m/l':>15} | {'label p50 / p99 / max ms':>24} | {'labels/s':>8} | trigger check ms")
    for name, processes, labels in (("threads (0)", 0, threaded), ("one at a time", 1, sequential)):
        with tempfile.TemporaryDirectory() as root:
            result = run_backend(root, processes, labels, pool_rows=labels + 1000)
            best, median = trigger_check_ms(result["dss"])
            files = result["files"]
            ok = "ok" if max(files.values()) <= FILES_TARGET and best <= TRIGGER_TARGET_MS else "MISSED"
            print(f"{name:>14} | {result['labels']:>7,} | "
                  f"{files['labels_metadata']:>8} / {files['labels']:<6} | "
                  f"{result['appends per label']['labels_metadata']:>8.2f} / "
                  f"{result['appends per label']['labels']:<6.2f} | "
                  f"{result['compactions']['labels_metadata']:>6} / {result['compactions']['labels']:<6} | "
                  f"{result['p50']:>6.1f} / {result['p99']:>6.1f} / {result['max']:>6.0f} | "
                  f"{result['labels'] / result['seconds']:>8.0f} | {best:.0f} / {median:.0f} {ok}",
                  flush=True)


if __name__ == "__main__":
    main()
