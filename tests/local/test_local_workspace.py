import shutil
import sqlite3

import pytest

from active_labeling.local.schema import SCHEMA_VERSION, V1_TABLES
from active_labeling.local.workspace import DB_NAME, Workspace, WorkspaceError, open_workspace
from active_labeling.service.reservations import Reservations

SETUP = {"kind": "tabular", "data": "/data/pool.csv", "id_column": None, "categories": ["cat", "dog"],
         "multi_label": False, "label_column": "label"}


def _bytes(path):
    return path.read_bytes()


def test_a_workspace_from_a_newer_version_is_refused_untouched(tmp_path):
    Workspace(tmp_path).close()
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    db.commit()
    db.close()
    before = _bytes(tmp_path / DB_NAME)
    with pytest.raises(WorkspaceError, match="newer active-labeling.*Upgrade"):
        Workspace(tmp_path)
    assert _bytes(tmp_path / DB_NAME) == before


def test_a_version_1_workspace_is_migrated_with_its_labels(tmp_path):
    db = sqlite3.connect(tmp_path / DB_NAME)
    for ddl in V1_TABLES.values():
        db.execute(ddl)
    db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    db.execute("INSERT INTO decisions VALUES (1, 'a', 'alice', '2026-01-01T00:00:00.000Z', 'labeled', "
               "'\"cat\"', '')")
    db.execute("INSERT INTO reservations VALUES ('b', 'alice', 4102444800.0)")  # held until 2100
    db.commit()
    db.close()
    workspace = Workspace(tmp_path)
    row = workspace.db.execute("SELECT label_id, label, session FROM decisions").fetchone()
    assert row == (1, '"cat"', "")
    version = workspace.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    assert version == str(SCHEMA_VERSION) == "5"
    reservations = Reservations(workspace.db_path)
    assert reservations.holder("b") == "alice" and reservations.held_by("alice", page="") == ["b"]
    reservations.close()
    assert (tmp_path / f"{DB_NAME}.v1.bak").exists()


def test_a_database_with_other_tables_is_refused_untouched(tmp_path):
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute("CREATE TABLE labels (x TEXT)")
    db.execute("INSERT INTO labels VALUES ('precious')")
    db.commit()
    db.close()
    before = _bytes(tmp_path / DB_NAME)
    with pytest.raises(WorkspaceError, match="not an active-labeling workspace"):
        Workspace(tmp_path)
    assert _bytes(tmp_path / DB_NAME) == before


def test_a_table_with_another_schema_is_refused(tmp_path):
    Workspace(tmp_path).close()
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute("ALTER TABLE labels ADD COLUMN extra TEXT")
    db.commit()
    db.close()
    with pytest.raises(WorkspaceError, match="table 'labels'.*columns"):
        Workspace(tmp_path)


def test_a_workspace_for_another_pool_or_kind_is_refused(tmp_path):
    open_workspace(tmp_path, SETUP).close()
    for change in ({"kind": "image"}, {"data": "/data/other.csv"}, {"multi_label": True}):
        with pytest.raises(WorkspaceError, match="was made for"):
            open_workspace(tmp_path, {**SETUP, **change})
    open_workspace(tmp_path, {**SETUP, "categories": ["cat", "dog", "bird"]}).close()


def test_categories_used_by_labels_cannot_be_dropped(tmp_path):
    workspace = open_workspace(tmp_path, SETUP)
    workspace.db.execute("INSERT INTO decisions VALUES (1, 'a', 'alice', 'd', 'labeled', '\"dog\"', '', '')")
    workspace.close()
    with pytest.raises(WorkspaceError, match="dog"):
        open_workspace(tmp_path, {**SETUP, "categories": ["cat"]})
    open_workspace(tmp_path, {**SETUP, "categories": ["dog"]}).close()


def test_export_needs_an_existing_workspace(tmp_path):
    with pytest.raises(WorkspaceError, match="no workspace"):
        Workspace(tmp_path / "missing", create=False)
    assert not (tmp_path / "missing").exists()
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_file_that_is_no_database_is_refused_untouched(tmp_path):
    (tmp_path / DB_NAME).write_bytes(b"labels I care about" * 100)
    with pytest.raises(WorkspaceError, match="left untouched"):
        Workspace(tmp_path)
    assert (tmp_path / DB_NAME).read_bytes() == b"labels I care about" * 100


def test_a_version_4_workspace_keeps_its_decisions_and_records_suggestions_from_now_on(tmp_path):
    from active_labeling.local.store import SqliteDecisionStore
    from active_labeling.storage.base import Decision

    Workspace(tmp_path).close()
    db = sqlite3.connect(tmp_path / DB_NAME)  # as active-labeling wrote it before suggestions
    db.execute("DROP TABLE suggestions")
    db.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    db.execute("INSERT INTO decisions VALUES (1, 'a', 'alice', '2026-01-01T00:00:00.000Z', 'labeled', "
               "'\"cat\"', '', 's')")
    db.commit()
    db.close()
    Workspace(tmp_path).close()
    store = SqliteDecisionStore(tmp_path / DB_NAME)
    store.append(Decision(2, "b", "alice", "2026-01-01T00:00:01.000Z", "labeled", "dog", "", "s",
                          suggestion="cat", agreed=False), {"x": 1})
    store.append(Decision(3, "c", "alice", "2026-01-01T00:00:02.000Z", "labeled", "cat", "", "s",
                          suggestion="cat", agreed=True), {"x": 2})
    old, disagreed, agreed = store.load()
    store.close()
    assert (old.label, old.suggestion, old.agreed) == ("cat", None, None)
    assert (disagreed.suggestion, disagreed.agreed) == ("cat", False)
    assert (agreed.suggestion, agreed.agreed) == ("cat", True)
    assert (tmp_path / f"{DB_NAME}.v4.bak").exists()
