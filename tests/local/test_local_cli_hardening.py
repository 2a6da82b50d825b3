"""The CLI on bad ports, failed starts and closed pipes; a failed write reports its own error."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from local_helpers import write_pool

from active_labeling.cli import main
from active_labeling.local.rounds import RoundLog
from active_labeling.local.workspace import DB_NAME, open_workspace

PYTHON_LIB = Path(__file__).resolve().parents[2] / "python-lib"
ENV = {**os.environ, "PYTHONPATH": str(PYTHON_LIB)}


def _serve(tmp_path, workspace, *extra):
    return main(["serve", "--data", str(tmp_path / "pool.csv"), "--categories", "cat,dog",
                 "--workspace", str(workspace), "--annotator", "alice", *extra])


@pytest.mark.e2e
@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
def test_a_port_outside_1_to_65535_is_refused(tmp_path, port):
    write_pool(tmp_path / "pool.csv")
    # A subprocess with a time limit: a server that took the port would not return.
    done = subprocess.run([sys.executable, "-m", "active_labeling.cli", "serve", "--data",
                           str(tmp_path / "pool.csv"), "--categories", "cat,dog", "--workspace",
                           str(tmp_path / "ws"), "--port", port], capture_output=True, env=ENV, timeout=60)
    assert done.returncode == 2
    assert f"--port {port}: a port is a number from 1 to 65535" in done.stderr.decode()
    assert not (tmp_path / "ws").exists()


def test_a_start_that_fails_before_serving_leaves_no_new_workspace(tmp_path, capsys):
    write_pool(tmp_path / "pool.csv")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert _serve(tmp_path, tmp_path / "deep" / "ws", "--port", port) == 2
        err = capsys.readouterr().err
        assert f"cannot listen on 127.0.0.1:{port}" in err and "choose another --port" in err
        assert not (tmp_path / "deep").exists()
        (tmp_path / "empty").mkdir()  # a folder made for it stays, empty as it was
        assert _serve(tmp_path, tmp_path / "empty", "--port", port) == 2
        assert list((tmp_path / "empty").iterdir()) == []

        # An existing workspace is the user's: a failed start keeps it and its labels.
        workspace = open_workspace(tmp_path / "ws", {
            "kind": "tabular", "data": str((tmp_path / "pool.csv").resolve()), "id_column": None,
            "categories": ["cat", "dog"], "multi_label": False, "label_column": "label"})
        workspace.db.execute("INSERT INTO decisions VALUES (1, 'x', 'alice', 'd', 'labeled', ?, '', '')",
                             ('"cat"',))
        workspace.close()
        assert _serve(tmp_path, tmp_path / "ws", "--port", port) == 2
        capsys.readouterr()
    workspace = open_workspace(tmp_path / "ws", create=False)
    assert workspace.db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 1
    workspace.close()

    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really parquet")
    assert main(["serve", "--data", str(tmp_path / "broken.parquet"), "--categories", "cat",
                 "--workspace", str(tmp_path / "other"), "--port", "0"]) == 2
    assert "broken.parquet" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()


@pytest.mark.e2e
def test_a_closed_pipe_ends_a_command_quietly(tmp_path):
    open_workspace(tmp_path / "ws", {"kind": "tabular", "data": "/d.csv", "id_column": None,
                                     "categories": ["cat", "dog"], "multi_label": False,
                                     "label_column": "label"}).close()
    rounds = RoundLog(tmp_path / "ws")
    for number in range(1, 301):  # a long table: more than a pipe's buffer
        rounds.append({"round": number, "status": "failed", "finished": "2026-01-01T00:00:00Z",
                       "error": "MemoryError: the model did not fit"})
    reader, writer = os.pipe()
    os.close(reader)  # `| head` that has read its lines and gone
    try:
        done = subprocess.run([sys.executable, "-m", "active_labeling.cli", "status", "--workspace",
                               str(tmp_path / "ws")], stdout=writer, stderr=subprocess.PIPE, env=ENV,
                              timeout=120)
    finally:
        os.close(writer)
    assert done.stderr.decode() == ""
    assert done.returncode == 141  # as a shell reports a program stopped by a closed pipe


FAILING_WRITE = r"""
import os, resource, signal, sys
from active_labeling.local.store import SqliteDecisionStore
from active_labeling.local.workspace import Workspace
from active_labeling.storage.base import LABELED, Decision

folder = sys.argv[1]
Workspace(folder).close()
store = SqliteDecisionStore(os.path.join(folder, "workspace.sqlite"))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing us
limit = os.path.getsize(os.path.join(folder, "workspace.sqlite-wal")) + 100
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
try:
    store.append(Decision(1, "a", "alice", "2026-01-01", LABELED, "cat"), {"text": "x" * 10000})
except Exception:
    import traceback
    traceback.print_exc()
resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
store.append(Decision(2, "b", "alice", "2026-01-01", LABELED, "dog"), {"text": "y"})
store.close()
"""


@pytest.mark.e2e
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="file size limits as Linux applies them")
def test_a_failed_write_reports_its_own_error_and_the_store_goes_on(tmp_path):
    done = subprocess.run([sys.executable, "-c", FAILING_WRITE, str(tmp_path)], capture_output=True,
                          env=ENV, timeout=120)
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert "disk I/O error" in err and "no transaction is active" not in err, err
    workspace = open_workspace(tmp_path, create=False)
    try:
        assert workspace.db.execute("SELECT label_id, item_id FROM decisions").fetchall() == [(2, "b")]
        assert workspace.db.execute("SELECT item_id FROM labels").fetchall() == [("b",)]
    finally:
        workspace.close()
    assert (tmp_path / DB_NAME).exists()
