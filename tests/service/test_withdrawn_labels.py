"""A label withdrawn later (a skip or a change on the history) puts its item back in the batches
of the annotators who had passed it, in serving order, without a restart."""

import numpy as np
from service_helpers import make_service

from active_labeling.service.order import ServingOrder


def _ids(batch):
    return [item["id"] for item in batch["items"]]


def test_a_label_withdrawn_by_a_skip_is_served_to_whoever_had_passed_it():
    service = make_service(n=5)
    first = _ids(service.batch("alice", 1))[0]
    service.label("alice", first, "cat")
    rest = _ids(service.batch("bob", 5))           # bob's cursor passes alice's labeled item
    assert first not in rest and len(rest) == 4
    service.skip("alice", first)                   # alice withdraws her label from her history
    assert service.stats_for("bob")["remaining"] == 5
    assert _ids(service.batch("bob", 5)) == [first]
    # Not back to alice, who skipped it; once bob labels it, it is done for everyone again.
    assert _ids(service.batch("alice", 5)) == []
    service.label("bob", first, "dog")
    service.release("bob")
    assert first not in _ids(service.batch("carol", 5)) + _ids(service.batch("bob", 5))


def test_a_withdrawn_item_comes_first_in_the_next_batch_in_serving_order():
    service = make_service(n=30)
    order = _ids(service.batch("alice", 3))
    for item in order:
        service.label("alice", item, "cat")
    bob = _ids(service.batch("bob", 5))
    assert not set(bob) & set(order)
    service.release("bob")
    service.skip("alice", order[2])
    service.skip("alice", order[0])
    # Both come back ahead of what bob had not reached, in their place of the serving order.
    assert _ids(service.batch("bob", 4)) == [order[0], order[2]] + bob[:2]


def test_with_two_annotators_per_item_a_withdrawn_label_goes_to_a_third_one_only():
    service = make_service(n=4, annotators_per_item=2)
    item = _ids(service.batch("alice", 1))[0]
    service.label("alice", item, "cat")
    service.release("alice")
    assert item in _ids(service.batch("bob", 4))
    service.label("bob", item, "cat")
    service.release("bob")
    assert item not in _ids(service.batch("carol", 4))    # done: carol's cursor passes it
    service.release("carol")
    service.skip("bob", item)                             # one label left of the two needed
    assert _ids(service.batch("carol", 4))[0] == item
    assert item not in _ids(service.batch("alice", 4)) + _ids(service.batch("bob", 4))


def test_a_withdrawn_label_is_served_after_the_index_is_rebuilt_too():
    service = make_service(n=3)
    item = _ids(service.batch("alice", 1))[0]
    service.label("alice", item, "cat")
    service.skip("alice", item)
    again = make_service(n=3, store=service.store)
    assert item in _ids(again.batch("bob", 3))


def test_a_reopened_position_costs_a_batch_a_few_checks_not_a_scan_of_what_lies_behind():
    size = 200_000
    order = ServingOrder(size, seed=0)
    finished = np.zeros(size, dtype=bool)
    finished[order.positions[:150_000]] = True
    checked = []

    def count(positions):
        checked.append(len(positions))
        return finished[positions]

    assert order.take("bob", 2, count, lambda p: True) == order.positions[150_000:150_002].tolist()
    reopened = int(order.positions[10])
    finished[reopened] = False
    order.reopen(reopened)
    checked.clear()
    assert order.take("bob", 2, count, lambda p: True)[0] == reopened
    assert sum(checked) < 2_000
    # An annotator whose cursor is still before it finds it on the way, once.
    fresh = order.take("carol", 12, count, lambda p: True)
    assert fresh.count(reopened) == 1
