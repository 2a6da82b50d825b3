import os
import threading
import time

import numpy as np
import pandas as pd
from local_helpers import Api, running, write_pool
from PIL import Image

from active_labeling.local import tabular
from active_labeling.local.app import LocalSetup
from active_labeling.local.tabular import TabularFilePool


def next_batch_with_items(api, eventually):
    """Ask for batches until one has items (the pool is read again in the background); return it."""
    batches = []
    assert eventually(lambda: batches.append(api.get("/api/batch?size=10")[1]) or batches[-1]["items"])
    return batches[-1]


def test_a_new_queries_file_is_followed_by_the_next_batch(tmp_path):
    frame = write_pool(tmp_path / "pool.csv")
    ids = TabularFilePool(tmp_path / "pool.csv").item_ids()
    queries = tmp_path / "queries.csv"
    frame.iloc[[4, 9]].assign(score=[0.5, 0.8], rank=[2, 1]).to_csv(queries, index=False)
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", queries=queries, refresh_seconds=0)
    with running(setup) as (_, port):
        api = Api(port)
        assert api.get("/api/config")[1]["active_learning"] is True
        batch = api.get("/api/batch?size=2")[1]
        assert [item["id"] for item in batch["items"]] == [ids[9], ids[4]]
        assert batch["items"][0]["al"] == {"score": 0.8, "rank": 1} and batch["generation"] == 1
        api.post("/api/release", {})
        frame.iloc[[13]].assign(score=[0.99], rank=[1]).to_csv(queries, index=False)
        batch = api.get("/api/batch?size=1")[1]
        assert [item["id"] for item in batch["items"]] == [ids[13]] and batch["generation"] == 2


def test_new_files_in_the_folder_are_served_without_restart(tmp_path):
    root = tmp_path / "images"
    root.mkdir()
    Image.fromarray(np.zeros((4, 4, 3), dtype=np.uint8)).save(root / "a.png")
    setup = LocalSetup(kind="image", data=root, categories=["x", "y"], workspace=tmp_path / "ws",
                       refresh_seconds=0)
    with running(setup) as (_, port):
        api = Api(port)
        assert [item["id"] for item in api.get("/api/batch?size=5")[1]["items"]] == ["/a.png"]
        Image.fromarray(np.ones((4, 4, 3), dtype=np.uint8)).save(root / "b.png")
        time.sleep(0.3)
        batch = api.get("/api/batch?size=5")[1]
        assert [item["id"] for item in batch["items"]] == ["/b.png"]
        assert batch["stats"]["total"] == 2


def test_rows_appended_to_the_pool_file_are_served_without_restart(tmp_path, eventually):
    frame = write_pool(tmp_path / "pool.parquet", rows=4)
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.parquet", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", refresh_seconds=0)
    with running(setup) as (_, port):
        api = Api(port)
        first = api.get("/api/batch?size=10")[1]["items"]
        assert len(first) == 4
        grown = pd.concat([frame, pd.DataFrame({"text": ["fresh"], "length": [7]})])
        grown.to_parquet(tmp_path / "pool.parquet", index=False)
        os.utime(tmp_path / "pool.parquet", ns=(10**9, 10**9))
        # Read in the background: the batches answer at once, and one of them brings the new row.
        batch = next_batch_with_items(api, eventually)
        assert [item["data"]["text"] for item in batch["items"]] == ["fresh"]
        # The items served before the change are still held: labeling them works.
        assert api.post("/api/label", {"id": first[0]["id"], "label": "cat"})[0] == 200


def test_labels_are_answered_while_a_changed_pool_file_is_read(tmp_path, monkeypatch, eventually):
    frame = write_pool(tmp_path / "pool.parquet", rows=4)
    reading, release = threading.Event(), threading.Event()
    real_read = tabular.read_table

    def slow_in_background(path, columns=None, **options):  # a re-read of a large file, held by the test
        if threading.current_thread().name.startswith("read "):
            reading.set()
            release.wait(30)
        return real_read(path, columns, **options)
    monkeypatch.setattr(tabular, "read_table", slow_in_background)
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.parquet", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", refresh_seconds=0)
    with running(setup) as (_, port):
        api = Api(port)
        first = api.get("/api/batch?size=10")[1]["items"]
        pd.concat([frame, pd.DataFrame({"text": ["fresh"], "length": [7]})]).to_parquet(
            tmp_path / "pool.parquet", index=False)
        os.utime(tmp_path / "pool.parquet", ns=(10**9, 10**9))
        assert api.get("/api/batch?size=10")[1]["items"] == []  # starts the read, answers at once
        assert reading.wait(10)
        assert api.post("/api/label", {"id": first[0]["id"], "label": "cat"})[0] == 200
        assert api.get("/api/batch?size=10")[1]["items"] == []
        release.set()
        batch = next_batch_with_items(api, eventually)
        assert [item["data"]["text"] for item in batch["items"]] == ["fresh"]
