"""The retrain worker never blocks labeling, survives failed rounds, and counts late labels for the next."""

from __future__ import annotations

import http.client
import json
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from active_labeling.cli import main
from active_labeling.local.app import LocalSetup, build_app
from active_labeling.local.retrain_round import RetrainSettings
from active_labeling.local.retrain_worker import RetrainWorker
from active_labeling.local.rounds import RoundLog
from active_labeling.local.server import make


class GatedModel(BaseEstimator, ClassifierMixin):
    """Logistic regression on x1, x2 whose fit fails while ``fail_file`` exists and waits while
    ``hold_file`` exists (creating ``fitting_file`` first): a stand-in for a broken or slow user
    pipeline."""

    def __init__(self, fail_file: str = "", hold_file: str = "", fitting_file: str = ""):
        self.fail_file = fail_file
        self.hold_file = hold_file
        self.fitting_file = fitting_file

    def fit(self, X, y):  # noqa: N803 - scikit-learn's names
        if self.fail_file and Path(self.fail_file).exists():
            raise RuntimeError("the model cannot be fitted today")
        if self.fitting_file:
            Path(self.fitting_file).touch()
        deadline = time.monotonic() + 30
        while self.hold_file and Path(self.hold_file).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.model_ = LogisticRegression().fit(X[["x1", "x2"]], y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):  # noqa: N803
        return self.model_.predict_proba(X[["x1", "x2"]])

    def predict(self, X):  # noqa: N803
        return self.model_.predict(X[["x1", "x2"]])


def post(port, path, body):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST" if body is not None else "GET", path,
                       body=None if body is None else json.dumps(body).encode(),
                       headers={"Content-Type": "application/json", "X-Requested-With": "active-labeling"})
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    assert response.status == 200, answer
    return answer


class Loop:
    """The local app on a socket with a retrain worker polling fast (started later if asked)."""

    def __init__(self, tmp_path, model, every, start_worker=True):
        rng = np.random.default_rng(0)
        self.frame = pd.DataFrame({"x1": rng.normal(size=80).round(4), "x2": rng.normal(size=80).round(4)})
        data = tmp_path / "pool.csv"
        self.frame.to_csv(data, index=False)
        self.workspace = tmp_path / "ws"
        settings = RetrainSettings(kind="tabular", data=data, workspace=self.workspace, every=every,
                                   model=model, n_queries=50)
        self.local = build_app(LocalSetup(kind="tabular", data=data, categories=["a", "b"],
                                          workspace=self.workspace, queries=settings.queries_path,
                                          annotator="tester", refresh_seconds=0.2))
        self.worker = RetrainWorker(settings, poll_seconds=0.05, retry_seconds=0.2)
        if start_worker:
            self.worker.start()
        self.server = make(self.local, "127.0.0.1", 0)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_port
        self.log = RoundLog(self.workspace)

    def label(self, count):
        items = post(self.port, f"/api/batch?size={count}", None)["items"]
        for item in items:
            label = "a" if item["data"]["x1"] > 0 else "b"
            post(self.port, "/api/label", {"id": item["id"], "label": label})
        return len(items)

    def wait(self, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            entries = self.log.read()
            if predicate(entries):
                return entries
            time.sleep(0.05)
        raise AssertionError(f"rounds: {self.log.read()}")

    def close(self):
        self.worker.close()
        self.server.shutdown()
        self.server.server_close()
        self.local.close()


def test_a_failed_round_is_logged_and_retried_while_labeling_goes_on(tmp_path, capsys):
    fail = tmp_path / "fail"
    fail.write_text("x")
    loop = Loop(tmp_path, GatedModel(fail_file=str(fail)), every=6)
    try:
        assert loop.label(6) == 6
        entries = loop.wait(lambda e: len(e) >= 2)  # failed, then retried (and failed again)
        assert all(e["status"] == "failed" and "cannot be fitted today" in e["error"] for e in entries)
        assert loop.label(2) == 2  # labeling goes on while rounds fail
        fail.unlink()
        entries = loop.wait(lambda e: any(x["status"] == "ok" for x in e))
        assert entries[-1]["status"] == "ok" and entries[-1]["labels"] == 8
    finally:
        loop.close()
    assert main(["status", "--workspace", str(loop.workspace)]) == 0
    printed = capsys.readouterr().out
    assert "failed" in printed and "cannot be fitted today" in printed and "8 labelings" in printed


def test_labels_made_during_a_round_count_for_the_next_one(tmp_path, eventually):
    hold, fitting = tmp_path / "hold", tmp_path / "fitting"
    hold.write_text("x")
    loop = Loop(tmp_path, GatedModel(hold_file=str(hold), fitting_file=str(fitting)), every=6)
    try:
        loop.label(6)
        assert eventually(fitting.exists, 30)  # the round has taken its snapshot and waits in fit
        assert loop.label(4) == 4  # answered while the round is held
        assert loop.log.read() == []
        hold.unlink()
        first = loop.wait(lambda e: len(e) >= 1)[0]
        assert first["status"] == "ok" and first["labels"] == 6
        time.sleep(0.5)
        assert len(loop.log.read()) == 1  # 4 labels since the snapshot: not enough yet
        loop.label(2)
        second = loop.wait(lambda e: len(e) >= 2)[1]
        assert second["status"] == "ok" and second["labels"] == 12
        assert second["contradictions"] is not None
    finally:
        loop.close()


def test_each_round_keeps_its_stopping_verdict_and_status_prints_it(tmp_path, capsys):
    # The worker starts once 10 labels are in, so that round 1 takes all 10 (a worker already
    # running could start it after 5 to 9 of them, depending on the machine's speed).
    loop = Loop(tmp_path, GatedModel(), every=5, start_worker=False)
    try:
        for rounds, count in enumerate((10, 5, 5, 5), start=1):  # the first 5 rows are all "a"
            assert loop.label(count) == count
            if rounds == 1:
                loop.worker.start()
            entries = loop.wait(lambda e, n=rounds: sum(x["status"] == "ok" for x in e) >= n)
    finally:
        loop.close()
    reports = [entry["stopping"] for entry in entries]
    # The monitor's state travels from round to round through the log: retrains add up, and the
    # agreement figure appears once successive models were compared 3 times (the window).
    assert [report["retrains"] for report in reports] == [1, 2, 3, 4]
    figures = [{c["name"]: c["value"] for c in report["criteria"]} for report in reports]
    assert [f["agreement"] is None for f in figures] == [True, True, True, False]
    # 15 new labels over the window, each checked against the previous round's model.
    assert figures[-1]["contradiction"] is not None
    assert reports[0]["sentence"].startswith("Keep labeling")
    assert main(["status", "--workspace", str(loop.workspace)]) == 0
    printed = capsys.readouterr().out
    # The verdict in plain words first, then the criteria it rests on.
    assert reports[-1]["plain"] and reports[-1]["plain"] != reports[-1]["sentence"]
    assert "After 4 round(s): " + reports[-1]["plain"] + "\n  Stopping criteria: " + reports[-1]["sentence"] \
        in printed
    assert f"agreement (kappa) {figures[-1]['agreement']:.3f}" in printed


def test_a_restarted_server_goes_on_with_the_stopping_state_of_the_last_round(tmp_path):
    loop = Loop(tmp_path, GatedModel(), every=5, start_worker=False)
    try:
        loop.label(10)
        loop.worker.start()  # round 1 takes all 10 labels
        loop.wait(lambda e: any(x["status"] == "ok" for x in e))
    finally:
        loop.close()
    loop = Loop(tmp_path, GatedModel(), every=5)  # same workspace, new worker
    try:
        loop.label(5)
        second = loop.wait(lambda e: sum(x["status"] == "ok" for x in e) >= 2)[-1]
    finally:
        loop.close()
    assert second["round"] == 2 and second["stopping"]["retrains"] == 2
    contradiction = {c["name"]: c for c in second["stopping"]["criteria"]}["contradiction"]
    assert "5 new label(s) compared" in contradiction["detail"]  # checked by round 1's reloaded model
