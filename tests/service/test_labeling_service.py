import pytest
from service_helpers import FakeClock, FixedQueries, ListPool, MemoryStore, make_service

from active_labeling.service.errors import BadRequest, Reserved, UnknownItem
from active_labeling.storage.base import LABELED, Decision


def _ids(batch):
    return [item["id"] for item in batch["items"]]


def test_two_annotators_never_get_the_same_reserved_item():
    service = make_service(n=30)
    alice = _ids(service.batch("alice", 10))
    bob = _ids(service.batch("bob", 10))
    assert len(set(alice)) == 10 and not set(alice) & set(bob)
    # Asking again gives new items, not those already held.
    assert not set(_ids(service.batch("alice", 10))) & set(alice + bob)


def test_labeled_items_are_not_served_again_and_stats_follow():
    service = make_service(n=5)
    first = _ids(service.batch("alice", 5))
    answer = service.label("alice", first[0], "cat", "sure")
    assert answer["label_id"] == 1 and answer["stats"]["labeled"] == 1
    service.release("alice")
    again = _ids(service.batch("bob", 5))
    assert first[0] not in again and len(again) == 4
    stats = service.stats_for("alice")
    assert stats["remaining"] == 4 and stats["per_category"] == {"cat": 1}
    assert stats["annotator"] == {"name": "alice", "labeled": 1, "skipped": 0, "per_category": {"cat": 1}}


def test_a_skipped_item_goes_to_someone_else_but_not_back_to_the_skipper():
    service = make_service(n=3)
    item = _ids(service.batch("alice", 1))[0]
    service.skip("alice", item)
    assert item not in _ids(service.batch("alice", 3))
    assert item in _ids(service.batch("bob", 3))
    assert service.stats_for("bob")["skipped"] == 1


def test_more_annotators_per_item_serve_a_labeled_item_to_the_next_one():
    service = make_service(n=2, annotators_per_item=2)
    for item in _ids(service.batch("alice", 2)):
        service.label("alice", item, "cat")
    assert sorted(_ids(service.batch("bob", 2))) == ["i0", "i1"]
    assert service.stats_for("bob")["remaining"] == 2
    assert _ids(service.batch("alice", 2)) == []


def test_labeling_an_item_someone_else_holds_is_refused_and_writes_nothing():
    store = MemoryStore()
    service = make_service(store=store)
    item = _ids(service.batch("alice", 1))[0]
    with pytest.raises(Reserved):
        service.label("bob", item, "cat")
    assert store.decisions == []


def test_reservations_expire_and_the_item_is_served_again():
    clock = FakeClock()
    service = make_service(n=1, clock=clock, reservation_seconds=30)
    assert _ids(service.batch("alice", 1)) == ["i0"]
    assert _ids(service.batch("bob", 1)) == []
    clock.now += 31
    assert _ids(service.batch("bob", 1)) == ["i0"]


@pytest.mark.parametrize("label, error", [("bird", "unknown category 'bird'"), (3, "label should be"),
                                          (None, "label should be")])
def test_bad_labels_are_refused_with_the_reason(label, error):
    store = MemoryStore()
    service = make_service(store=store)
    with pytest.raises(BadRequest, match=error):
        service.label("alice", "i0", label)
    with pytest.raises(UnknownItem):
        service.label("alice", "nope", "cat")
    with pytest.raises(BadRequest, match="comment"):
        service.label("alice", "i0", "cat", comment=5)
    assert store.decisions == []


def test_multi_label_takes_a_list_of_known_categories():
    service = make_service(multi_label=True)
    service.label("alice", "i0", ["cat", "dog", "cat"])
    assert service.history_entry("alice")["label"] == ["cat", "dog"]
    assert service.stats_for("alice")["per_category"] == {"cat": 1, "dog": 1}
    with pytest.raises(BadRequest):
        service.label("alice", "i1", "cat")
    with pytest.raises(BadRequest):
        service.label("alice", "i1", [])


def test_history_steps_back_and_forth_and_a_change_keeps_its_place():
    store = MemoryStore()
    service = make_service(store=store)
    ids = _ids(service.batch("alice", 3))
    label_ids = [service.label("alice", item, "cat")["label_id"] for item in ids]
    latest = service.history_entry("alice")
    assert latest["id"] == ids[2] and latest["position"] == 2 and latest["count"] == 3
    back = service.history_entry("alice", before=latest["label_id"])
    assert back["id"] == ids[1]
    changed = service.label("alice", ids[1], "dog", "on second thought")
    assert service.history_entry("alice", before=label_ids[2])["label"] == "dog"
    forward = service.history_entry("alice", after=changed["label_id"])
    assert forward["id"] == ids[2]
    assert service.history_entry("alice", after=forward["label_id"]) is None
    assert service.history_entry("alice", before=label_ids[0]) is None
    assert service.history_entry("bob") is None
    stats = service.stats_for("alice")
    assert stats["labeled"] == 3 and stats["per_category"] == {"cat": 2, "dog": 1}
    assert len(store.decisions) == 4  # the metadata keeps the change as a new decision


def test_a_failed_write_is_not_acknowledged_and_changes_nothing():
    store = MemoryStore()
    service = make_service(store=store)
    item = _ids(service.batch("alice", 1))[0]
    store.fail = True
    with pytest.raises(OSError):
        service.label("alice", item, "cat")
    store.fail = False
    assert service.stats_for("alice")["labeled"] == 0 and service.history_entry("alice") is None
    assert service.label("alice", item, "cat")["label_id"] == 2  # the failed write used up id 1
    assert [d.label_id for d in store.decisions] == [2]


class HalfWritingStore(MemoryStore):
    """Keeps the decision, then fails once: a metadata row written, its labels row not."""

    def __init__(self):
        super().__init__()
        self.failures = 1

    def append(self, decision, item_values):
        self.decisions.append(decision)
        if self.failures:
            self.failures -= 1
            raise OSError("labels dataset unreachable")


def test_a_label_id_kept_by_a_half_failed_write_is_never_given_again():
    store = HalfWritingStore()
    service = make_service(store=store)
    first, second = _ids(service.batch("alice", 2))
    with pytest.raises(OSError):
        service.label("alice", first, "cat")
    assert service.label("alice", second, "dog")["label_id"] == 2
    assert service.skip("alice", first)["label_id"] == 3
    ids = [d.label_id for d in store.decisions]
    assert ids == [1, 2, 3]  # one row per id: the kept row is not shadowed by a later decision
    restarted = make_service(store=store)
    assert restarted.label("alice", _ids(restarted.batch("alice", 1))[0], "cat")["label_id"] == 4


def test_the_index_is_rebuilt_from_stored_decisions():
    stored = [Decision(1, "i0", "alice", "2026-01-01T00:00:00.000Z", LABELED, "cat"),
              Decision(5, "i0", "alice", "2026-01-01T00:01:00.000Z", LABELED, "dog"),
              Decision(6, "gone", "alice", "2026-01-01T00:02:00.000Z", LABELED, "dog")]
    service = make_service(n=3, store=MemoryStore(stored))
    assert service.stats_for("alice")["labeled"] == 1
    assert service.history_entry("alice")["id"] == "gone"
    assert "i0" not in _ids(service.batch("bob", 3))
    service.release("bob")
    assert service.label("alice", "i1", "cat")["label_id"] == 7


def test_queries_come_first_and_a_new_generation_is_followed_without_restart():
    queries = FixedQueries(["i7", "i3"], [0.9, 0.4])
    service = make_service(queries=queries)
    batch = service.batch("alice", 3)
    assert _ids(batch)[:2] == ["i7", "i3"] and batch["generation"] == 1
    assert batch["items"][0]["al"] == {"score": 0.9, "rank": 1}
    assert service.config("alice")["active_learning"] is True
    service.release("alice")
    queries.queries.generation, queries.queries.item_ids, queries.queries.scores = 2, ["i5"], [0.7]
    batch = service.batch("alice", 1)
    assert _ids(batch) == ["i5"] and batch["generation"] == 2


def test_new_pool_rows_are_served_without_restart():
    pool = ListPool(2)
    service = make_service(pool=pool)
    assert len(_ids(service.batch("alice", 5))) == 2
    pool.grow(3)
    assert sorted(_ids(service.batch("alice", 5))) == ["i2", "i3", "i4"]
    assert service.stats_for("alice")["total"] == 5


def test_batch_size_is_checked():
    service = make_service()
    for size in (0, 101, "3"):
        with pytest.raises(BadRequest, match="size"):
            service.batch("alice", size)


def test_stats_and_history_are_the_same_after_a_restart():
    import random

    store = MemoryStore()
    service = make_service(n=40, store=store, annotators_per_item=2)
    rng = random.Random(4)
    for step in range(120):
        annotator = rng.choice(["alice", "bob", "carol"])
        item = f"i{rng.randrange(40)}"
        if service.reservations.taken_by_other(item, annotator):
            continue
        if rng.random() < 0.3:
            service.skip(annotator, item)
        else:
            try:
                service.label(annotator, item, rng.choice(["cat", "dog"]), comment=str(step))
            except Reserved:  # the item has its two labels already
                continue
        service.release(annotator)
    restarted = make_service(n=40, store=MemoryStore(store.decisions), annotators_per_item=2)
    for annotator in ("alice", "bob", "carol", "dave"):
        assert restarted.stats_for(annotator) == service.stats_for(annotator)
        assert restarted.history_entry(annotator) == service.history_entry(annotator)
        assert (restarted.desk.snapshot(annotator, everyone=True)
                == service.desk.snapshot(annotator, everyone=True))


def test_an_item_with_all_its_labels_takes_no_more_labels_but_changes():
    service = make_service(n=3, annotators_per_item=2)
    service.label("alice", "i0", "cat")
    service.label("bob", "i0", "dog")
    with pytest.raises(Reserved, match="already has the 2 label"):
        service.label("carol", "i0", "cat")
    service.label("alice", "i0", "dog")  # a change of one's own label is always taken
    assert service.stats_for("carol")["labeled"] == 1


def test_config_gives_free_digits_to_categories_without_a_hotkey():
    from active_labeling.service.settings import Category, ServiceSettings

    settings = ServiceSettings(kind="image", categories=(Category("a"), Category("b", "Bees", "1"),
                                                         Category("c")))
    assert [c["hotkey"] for c in settings.config()["categories"]] == ["2", "1", "3"]
    many = ServiceSettings(kind="image", categories=tuple(Category(f"k{i}") for i in range(11)))
    assert [c["hotkey"] for c in many.config()["categories"]][8:] == ["9", None, None]


def test_an_unreadable_new_queries_generation_leaves_the_service_serving():
    class BrokenLater(FixedQueries):
        def load(self, pool):
            if self.queries.generation > 1:
                raise ValueError("half-written file")
            return self.queries

    queries = BrokenLater(["i4"])
    service = make_service(queries=queries)
    assert _ids(service.batch("alice", 1)) == ["i4"]
    queries.queries.generation = 2
    batch = service.batch("alice", 2)
    assert len(_ids(batch)) == 2 and batch["generation"] == 1


def test_changing_ones_own_label_is_allowed_while_someone_else_holds_the_item():
    service = make_service(n=1, annotators_per_item=2)
    service.label("alice", "i0", "cat")
    assert _ids(service.batch("bob", 1)) == ["i0"]
    service.label("alice", "i0", "dog")
    assert service.reservations.holder("i0") == "bob"
    assert service.label("bob", "i0", "dog")["stats"]["per_category"] == {"dog": 2}
