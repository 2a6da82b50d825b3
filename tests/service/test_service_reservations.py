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
