from service_helpers import FakeClock

from active_labeling.service.reservations import Reservations


def test_an_item_held_by_one_annotator_is_not_granted_to_another():
    clock = FakeClock()
    reservations = Reservations(":memory:", clock=clock)
    assert reservations.reserve("alice", ["a", "b"], 60) == ["a", "b"]
    assert reservations.reserve("bob", ["b", "c"], 60) == ["c"]
    assert reservations.holder("b") == "alice"
    assert reservations.taken_by_other("b", "bob")
    assert not reservations.taken_by_other("b", "alice")


def test_reservations_expire_with_time():
    clock = FakeClock()
    reservations = Reservations(":memory:", clock=clock)
    reservations.reserve("alice", ["a"], 60)
    clock.now += 61
    assert reservations.holder("a") is None
    assert reservations.reserve("bob", ["a"], 60) == ["a"]


def test_release_frees_only_the_callers_items():
    reservations = Reservations(":memory:", clock=FakeClock())
    reservations.reserve("alice", ["a", "b"], 60)
    reservations.reserve("bob", ["c"], 60)
    assert reservations.release("alice", ["a", "c"]) == 1
    assert reservations.holder("c") == "bob"
    assert reservations.release("alice") == 1
    assert reservations.held_by("alice") == []


def test_reservations_survive_reopening_the_database(tmp_path):
    clock = FakeClock()
    path = tmp_path / "r.sqlite"
    first = Reservations(path, clock=clock)
    first.reserve("alice", ["a"], 60)
    first.reserve("alice", ["gone"], 1)
    first.close()
    clock.now += 2
    again = Reservations(path, clock=clock)
    assert again.holder("a") == "alice"
    assert again.holder("gone") is None


def test_each_page_renews_and_gives_back_its_own_items():
    clock = FakeClock()
    reservations = Reservations(":memory:", clock=clock)
    reservations.reserve("alice", ["a", "b"], 60, page="tab1")
    reservations.reserve("alice", ["c"], 60, page="tab2")
    assert sorted(reservations.held_by("alice", page="tab1")) == ["a", "b"]
    assert sorted(reservations.held_by("alice")) == ["a", "b", "c"]
    clock.now += 50
    reservations.reserve("alice", reservations.held_by("alice", page="tab2"), 60, page="tab2")
    clock.now += 20  # tab1 did not renew: its items are free again, tab2's are not
    assert reservations.held_by("alice") == ["c"]
    reservations.reserve("alice", ["a"], 60, page="tab2")
    assert reservations.release("alice", page="tab1") == 0
    assert reservations.release("alice", page="tab2") == 2
    assert reservations.held_by("alice") == []


def test_renewing_without_a_page_keeps_each_items_page():
    reservations = Reservations(":memory:", clock=FakeClock())
    reservations.reserve("alice", ["a"], 60, page="tab1")
    reservations.reserve("alice", ["a", "b"], 60)  # an API client renewing all it holds
    assert reservations.held_by("alice", page="tab1") == ["a"]
    assert reservations.held_by("alice", page="") == ["b"]


def test_a_reservations_file_from_before_pages_is_upgraded(tmp_path):
    import sqlite3

    path = tmp_path / "reservations.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE reservations (item_id TEXT PRIMARY KEY, annotator TEXT NOT NULL, "
               "expires REAL NOT NULL)")
    db.execute("INSERT INTO reservations VALUES ('a', 'alice', 4102444800.0)")
    db.commit()
    db.close()
    reservations = Reservations(path)
    assert reservations.held_by("alice", page="") == ["a"]
    reservations.reserve("alice", ["b"], 60, page="tab1")
    reservations.close()
    assert Reservations(path).held_by("alice", page="tab1") == ["b"]
