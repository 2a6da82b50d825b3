import sqlite3
import threading
from collections import Counter

from local_helpers import Api, running, write_pool

from active_labeling.local.app import LocalSetup


def test_threads_hammering_batch_and_label_never_share_an_item_and_lose_no_label(tmp_path):
    write_pool(tmp_path / "pool.csv", rows=400)
    names = [f"annotator{k}" for k in range(8)]
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", annotators=names)
    served = {name: [] for name in names}
    acknowledged = {name: [] for name in names}
    errors = []

    def work(name, api):
        try:
            for _ in range(6):
                status, batch = api.get("/api/batch?size=8")
                assert status == 200, batch
                ids = [item["id"] for item in batch["items"]]
                served[name].extend(ids)
                for item in ids:
                    status, answer = api.post("/api/label", {"id": item, "label": "cat"})
                    assert status == 200, answer
                    acknowledged[name].append(answer["label_id"])
        except Exception as error:  # reported below, with the thread's name
            errors.append((name, error))

    with running(setup) as (local, port):
        threads = [threading.Thread(target=work, args=(name, Api(port, local.team.tokens[name])))
                   for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        every = [item for ids in served.values() for item in ids]
        # Each item was held by one annotator until labeled, so none was served twice.
        assert len(every) == 8 * 6 * 8 and max(Counter(every).values()) == 1
        db = sqlite3.connect(local.workspace.db_path)
        stored = {row[0] for row in db.execute("SELECT label_id FROM decisions")}
        assert stored == {label_id for ids in acknowledged.values() for label_id in ids}
        assert db.execute("SELECT COUNT(*) FROM labels").fetchone()[0] == len(every)
        _, stats = Api(port, local.team.tokens["annotator0"]).get("/api/stats")
        assert stats["labeled"] == len(every) and stats["annotator"]["labeled"] == 48


def test_reservations_and_labels_survive_a_restart(tmp_path):
    write_pool(tmp_path / "pool.csv", rows=6)
    setup = LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["cat", "dog"],
                       workspace=tmp_path / "ws", annotators=["alice", "bob"])
    with running(setup) as (local, port):
        tokens = local.team.tokens
        alice = Api(port, tokens["alice"])
        held = [item["id"] for item in alice.get("/api/batch?size=3")[1]["items"]]
        alice.post("/api/label", {"id": held[0], "label": "dog"})
    with running(setup) as (local, port):
        bob = Api(port, tokens["bob"])
        served = [item["id"] for item in bob.get("/api/batch?size=10")[1]["items"]]
        assert len(served) == 3 and not set(served) & set(held)
        assert bob.get("/api/stats")[1]["labeled"] == 1
        assert Api(port, tokens["alice"]).get("/api/history")[1]["entry"]["id"] == held[0]
