import os

import pandas as pd
import pytest
from local_helpers import write_pool

from active_labeling import items
from active_labeling.local.folder import FolderPool, LocalMediaSource
from active_labeling.local.queries import FileQueriesSource
from active_labeling.local.tabular import PoolError, TabularFilePool
from active_labeling.local.workspace import Workspace


def test_csv_and_parquet_give_the_same_ids_and_duplicates_stay_distinct(tmp_path):
    frame = write_pool(tmp_path / "pool.csv")
    write_pool(tmp_path / "pool.parquet")
    from_csv = TabularFilePool(tmp_path / "pool.csv").item_ids()
    assert from_csv == TabularFilePool(tmp_path / "pool.parquet").item_ids()
    assert len(set(from_csv)) == len(frame) == 20
    assert from_csv == items.ids_from_hashes(items.row_hashes(frame))


def test_an_id_column_gives_the_ids_and_must_be_unique(tmp_path):
    pd.DataFrame({"key": ["a", "b"], "text": ["x", "y"]}).to_csv(tmp_path / "ok.csv", index=False)
    pool = TabularFilePool(tmp_path / "ok.csv", id_column="key")
    assert pool.item_ids() == ["a", "b"] and pool.display("b") == {"text": "y"}
    assert pool.values("b") == {"key": "b", "text": "y"}
    pd.DataFrame({"key": ["a", "a"], "text": ["x", "y"]}).to_csv(tmp_path / "dup.csv", index=False)
    with pytest.raises(PoolError, match="repeated"):
        TabularFilePool(tmp_path / "dup.csv", id_column="key")
    with pytest.raises(PoolError, match="is not a column of the data"):
        TabularFilePool(tmp_path / "ok.csv", id_column="nope")


def test_missing_values_are_shown_as_null_and_dates_as_text(tmp_path):
    pd.DataFrame({"text": ["x", None], "n": [1.5, None],
                  "when": pd.to_datetime(["2026-01-02 03:04:05", None])}).to_parquet(tmp_path / "p.parquet")
    pool = TabularFilePool(tmp_path / "p.parquet")
    assert pool.display(pool.item_ids()[1]) == {"text": None, "n": None, "when": None}
    assert pool.display(pool.item_ids()[0]) == {"text": "x", "n": 1.5, "when": "2026-01-02T03:04:05"}


def test_an_appended_row_is_picked_up_by_refresh(tmp_path, eventually):
    frame = write_pool(tmp_path / "pool.csv")
    pool = TabularFilePool(tmp_path / "pool.csv")
    assert not pool.refresh()
    grown = pd.concat([frame, pd.DataFrame({"text": ["new"], "length": [99]})])
    grown.to_csv(tmp_path / "pool.csv", index=False)
    os.utime(tmp_path / "pool.csv", ns=(1, 1))
    assert not pool.refresh() and len(pool.item_ids()) == 20  # read in the background meanwhile
    assert eventually(pool.refresh)
    assert len(pool.item_ids()) == 21 and not pool.refresh()


def test_a_file_caught_broken_keeps_the_rows_and_is_read_again(tmp_path, eventually):
    frame = write_pool(tmp_path / "pool.csv")
    pool = TabularFilePool(tmp_path / "pool.csv", columns=["text", "length"])
    frame.drop(columns="length").to_csv(tmp_path / "pool.csv", index=False)  # a shown column gone
    os.utime(tmp_path / "pool.csv", ns=(1, 1))
    failures = []

    def failed():
        try:
            pool.refresh()
        except PoolError as error:
            failures.append(str(error))
        return bool(failures)
    assert eventually(failed)
    assert "['length'] are not in" in failures[0] and len(pool.item_ids()) == 20
    fixed = pd.concat([frame, pd.DataFrame({"text": ["new"], "length": [99]})])
    fixed.to_csv(tmp_path / "pool.csv", index=False)  # picked up by a later read
    os.utime(tmp_path / "pool.csv", ns=(2, 2))
    assert eventually(pool.refresh)
    assert pool.display(pool.item_ids()[-1]) == {"text": "new", "length": 99}


def test_media_paths_stay_inside_the_folder(tmp_path):
    root = tmp_path / "folder"
    (root / "a").mkdir(parents=True)
    (root / "a" / "x.wav").write_bytes(b"RIFF")
    (tmp_path / "outside.wav").write_bytes(b"secret")
    (root / "link.wav").symlink_to(tmp_path / "outside.wav")
    source = LocalMediaSource(root)
    with source.open("/a/x.wav") as stream:
        assert stream.read() == b"RIFF"
    for bad in ("/../outside.wav", "/a/../../outside.wav", str(tmp_path / "outside.wav"), "/link.wav",
                "/a", "/nope.wav", "/a/x.wav\x00"):
        with pytest.raises(KeyError):
            source.open(bad)
    assert FolderPool(root, "sound").item_ids() == ["/a/x.wav", "/link.wav"]


def test_queries_map_to_pool_ids_and_a_changed_file_is_a_new_generation(tmp_path):
    frame = write_pool(tmp_path / "pool.csv")
    pool = TabularFilePool(tmp_path / "pool.csv")
    workspace = Workspace(tmp_path / "ws")
    queries_path = tmp_path / "queries.csv"
    source = FileQueriesSource(queries_path, workspace.db)
    assert source.generation() == 0 and source.load(pool).item_ids == []
    picked = frame.iloc[[5, 2]].assign(score=[0.2, 0.9], rank=[2, 1], strategy="entropy", model_version="v1")
    picked.to_csv(queries_path, index=False)
    loaded = source.load(pool)
    assert loaded.generation == 1
    assert loaded.item_ids == [pool.item_ids()[2], pool.item_ids()[5]] and loaded.scores == [0.9, 0.2]
    assert source.generation() == 1
    picked.iloc[:1].to_csv(queries_path, index=False)
    assert source.generation() == 2
    # The count survives a restart.
    assert FileQueriesSource(queries_path, workspace.db).generation() == 2


def test_cached_ids_are_the_same_and_a_changed_file_is_hashed_again(tmp_path, monkeypatch):
    frame = write_pool(tmp_path / "pool.parquet")
    first = TabularFilePool(tmp_path / "pool.parquet", cache_dir=tmp_path).item_ids()
    calls = []
    original = items.row_hashes
    monkeypatch.setattr(items, "row_hashes", lambda *a, **k: calls.append(1) or original(*a, **k))
    assert TabularFilePool(tmp_path / "pool.parquet", cache_dir=tmp_path).item_ids() == first
    assert calls == []
    frame.iloc[::-1].to_parquet(tmp_path / "pool.parquet", index=False)
    os.utime(tmp_path / "pool.parquet", ns=(5, 5))
    again = TabularFilePool(tmp_path / "pool.parquet", cache_dir=tmp_path).item_ids()
    assert calls and again == items.ids_from_hashes(items.row_hashes(frame.iloc[::-1]))
    assert len(list(tmp_path.glob("pool-ids-*.txt"))) == 1
