"""A workspace with a damaged database page: refused with the way out, recovered, and backed up
safely (labels still in the -wal file included)."""

import random
import shutil
import sqlite3

import pandas as pd
import pytest
from local_helpers import Api, running

from active_labeling.cli import main
from active_labeling.local.app import LocalSetup, build_app
from active_labeling.local.store import SqliteDecisionStore
from active_labeling.local.tabular import TabularFilePool
from active_labeling.local.workspace import DB_NAME, WorkspaceError, open_workspace
from active_labeling.storage.base import LABELED, SKIPPED, Decision

ITEMS = 600


def _labeled_workspace(tmp_path):
    """A closed workspace (no -wal left) with labels, changes and skips; returns the current labels."""
    data = tmp_path / "pool.csv"
    rows = ITEMS + 20  # some left to label
    frame = pd.DataFrame({"text": [f"text-{i:04d}" for i in range(rows)], "size": range(rows)})
    frame.to_csv(data, index=False)
    setup = LocalSetup(kind="tabular", data=data, categories=["cat", "dog"], workspace=tmp_path / "ws",
                       annotator="alice")
    build_app(setup).close()
    pool = TabularFilePool(data)
    ids = pool.item_ids()[:ITEMS]
    store = SqliteDecisionStore(tmp_path / "ws" / DB_NAME)
    current, label_id = {}, 0
    for i, item in enumerate(ids):
        label_id += 1
        label = "cat" if i % 2 else "dog"
        store.append(Decision(label_id, item, "alice", "2026-01-01T00:00:00.000Z", LABELED, label,
                              f"comment-{i:04d}"), pool.values(item))
        current[item] = label
    for i, item in enumerate(ids):
        if i % 7 == 0:  # a change of mind
            label_id += 1
            store.append(Decision(label_id, item, "alice", "2026-01-02T00:00:00.000Z", LABELED, "cat",
                                  f"change-{i:04d}"), pool.values(item))
            current[item] = "cat"
        elif i % 10 == 0:  # skipped after all: no current label
            label_id += 1
            store.append(Decision(label_id, item, "alice", "2026-01-02T00:00:00.000Z", SKIPPED, None,
                                  f"skip-{i:04d}"), None)
            del current[item]
    store.close()
    assert not (tmp_path / "ws" / f"{DB_NAME}-wal").exists()  # everything is in the main file
    return setup, current, label_id


def _damage_page_holding(path, marker: bytes) -> int:
    """Overwrite the one page of the database file that holds ``marker`` with random bytes."""
    data = path.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    pages = [n for n in range(len(data) // size) if marker in data[n * size:(n + 1) * size]]
    assert len(pages) == 1, pages
    with open(path, "r+b") as stream:
        stream.seek(pages[0] * size)
        stream.write(random.Random(pages[0]).randbytes(size))
    return pages[0]


def _current_labels(folder):
    db = sqlite3.connect(folder / DB_NAME)
    try:
        return {item: label.strip('"') for item, label in db.execute("SELECT item_id, label FROM labels")}
    finally:
        db.close()


def test_a_damaged_workspace_is_refused_with_the_way_out_and_left_as_it_is(tmp_path, capsys):
    setup, _, _ = _labeled_workspace(tmp_path)
    database = setup.workspace / DB_NAME
    _damage_page_holding(database, b'"text-0303"')  # a page of the labels table: starts would go on
    before = database.read_bytes()

    with pytest.raises(WorkspaceError) as refused:
        build_app(setup)
    message = str(refused.value)
    assert "is damaged" in message and "SQLite's check reports" in message
    assert f"active-labeling recover --workspace {setup.workspace} --out NEW_FOLDER" in message
    for command in (["export", "--workspace", str(setup.workspace), "--out", str(tmp_path / "out")],
                    ["status", "--workspace", str(setup.workspace)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "is damaged" in err and "active-labeling recover" in err, err
    assert not (tmp_path / "out").exists()
    assert database.read_bytes() == before


def test_recover_saves_every_readable_decision_into_a_new_workspace(tmp_path, capsys):
    setup, current, last_id = _labeled_workspace(tmp_path)
    database = setup.workspace / DB_NAME
    _damage_page_holding(database, b"comment-0100")  # decisions: rebuilt from the labels rows
    _damage_page_holding(database, b'"text-0453"')  # labels: rebuilt from the decisions
    before = database.read_bytes()
    new = tmp_path / "recovered"

    assert main(["recover", "--workspace", str(setup.workspace), "--out", str(new)]) == 0
    out = capsys.readouterr().out
    assert database.read_bytes() == before  # only read
    assert "Damaged rows were stepped over in: decisions, labels." in out
    assert f"Next: serve with --workspace {new}" in out
    # Every current label is back: lost decisions came from the labels table and the other way round.
    assert _current_labels(new) == current
    db = sqlite3.connect(new / DB_NAME)
    rebuilt = db.execute("SELECT COUNT(*) FROM decisions WHERE comment = ''").fetchone()[0]
    decisions = db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
    no_values = db.execute("SELECT COUNT(*) FROM labels WHERE item_values IS NULL").fetchone()[0]
    db.close()
    assert 0 < rebuilt < 100 and f"{rebuilt} decisions were rebuilt from the labels table" in out
    assert 0 < no_values < 100 and f"{no_values} labels lost their item values" in out
    assert decisions < last_id and f"Saved {decisions} decisions and {len(current)} current labels" in out
    assert f"No decision could be read for {last_id - decisions} label ids" in out

    # The new workspace serves as the old one did, and exports.
    local = build_app(LocalSetup(kind="tabular", data=setup.data, categories=["cat", "dog"], workspace=new,
                                 annotator="alice"))
    try:
        assert local.service.stats.snapshot("alice")["labeled"] == len(current)
    finally:
        local.close()
    assert main(["export", "--workspace", str(new), "--out", str(tmp_path / "out")]) == 0
    labels = pd.read_csv(tmp_path / "out" / "labels.csv")
    assert len(labels) == len(current) and labels["text"].notna().sum() == len(current) - no_values


def test_recover_writes_only_into_a_new_folder(tmp_path, capsys):
    setup, _, _ = _labeled_workspace(tmp_path)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    assert main(["recover", "--workspace", str(setup.workspace), "--out", str(tmp_path / "taken")]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_backup_while_serving_keeps_the_labels_still_in_the_wal(tmp_path, capsys):
    setup, current, _ = _labeled_workspace(tmp_path)
    wal = setup.workspace / f"{DB_NAME}-wal"
    with running(setup) as (_, port):
        api = Api(port)
        items = api.get("/api/batch?size=5")[1]["items"]
        assert len(items) == 5
        acknowledged = [api.post("/api/label", {"id": item["id"], "label": "dog"})[1]["label_id"]
                        for item in items]
        assert wal.stat().st_size > 0  # the newest labels are only there for now
        shutil.copyfile(setup.workspace / DB_NAME, tmp_path / "copied.sqlite")  # the naive backup
        assert main(["backup", "--workspace", str(setup.workspace), "--out", str(tmp_path / "b.sqlite")]) == 0
    assert "Backed up" in capsys.readouterr().out

    naive = sqlite3.connect(tmp_path / "copied.sqlite")
    in_copy = {row[0] for row in naive.execute("SELECT label_id FROM decisions")}
    assert not set(acknowledged) & in_copy  # what the README warns about
    naive.close()
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copyfile(tmp_path / "b.sqlite", restored / DB_NAME)
    workspace = open_workspace(restored, create=False)
    try:
        stored = {row[0] for row in workspace.db.execute("SELECT label_id FROM decisions")}
    finally:
        workspace.close()
    assert set(acknowledged) <= stored
    assert _current_labels(restored) == {**current, **{item["id"]: "dog" for item in items}}


def test_backup_refuses_an_existing_file_and_a_damaged_workspace(tmp_path, capsys):
    setup, _, _ = _labeled_workspace(tmp_path)
    (tmp_path / "old.sqlite").write_text("an older backup")
    assert main(["backup", "--workspace", str(setup.workspace), "--out", str(tmp_path / "old.sqlite")]) == 2
    assert "exists" in capsys.readouterr().err and (tmp_path / "old.sqlite").read_text() == "an older backup"
    _damage_page_holding(setup.workspace / DB_NAME, b"comment-0200")
    assert main(["backup", "--workspace", str(setup.workspace), "--out", str(tmp_path / "new.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "is damaged" in err and "active-labeling recover" in err
    assert not (tmp_path / "new.sqlite").exists() and not (tmp_path / "new.sqlite.partial").exists()


def test_recover_keeps_the_suggestions_shown_and_the_agreement(tmp_path, capsys):
    data = tmp_path / "pool.csv"
    pd.DataFrame({"text": ["a", "b", "c"]}).to_csv(data, index=False)
    setup = LocalSetup(kind="tabular", data=data, categories=["cat", "dog"], workspace=tmp_path / "ws",
                       annotator="alice")
    build_app(setup).close()
    pool = TabularFilePool(data)
    store = SqliteDecisionStore(tmp_path / "ws" / DB_NAME)
    for label_id, (item, label, suggestion, agreed) in enumerate(zip(
            pool.item_ids(), ["cat", "dog", None], ["cat", "cat", "dog"], [True, False, None]), 1):
        store.append(Decision(label_id, item, "alice", "2026-01-01T00:00:00.000Z",
                              SKIPPED if label is None else LABELED, label, "", "s", suggestion, agreed),
                     pool.values(item))
    store.close()
    assert main(["recover", "--workspace", str(tmp_path / "ws"), "--out", str(tmp_path / "new")]) == 0
    recovered = SqliteDecisionStore(tmp_path / "new" / DB_NAME)
    kept = [(d.suggestion, d.agreed) for d in recovered.load()]
    assert kept == [("cat", True), ("cat", False), ("dog", None)]
    recovered.close()
