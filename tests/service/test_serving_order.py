import numpy as np

from active_labeling.service.order import ServingOrder


def _never(positions):
    return np.zeros(len(positions), dtype=bool)


def test_queries_come_first_in_their_order_then_the_rest_once_each():
    order = ServingOrder(50, seed=1, query_positions=[7, 3, 7, 12], query_scores=[0.9, 0.8, 0.7, 0.5])
    taken = order.take("a", 50, _never, lambda p: True)
    assert taken[:3] == [7, 3, 12]
    assert sorted(taken) == list(range(50))
    assert order.al(3) == {"score": 0.8, "rank": 2}
    assert order.al(taken[5]) is None


def test_the_random_order_depends_on_the_seed_only():
    first = ServingOrder(100, seed=5).take("a", 100, _never, lambda p: True)
    again = ServingOrder(100, seed=5).take("b", 100, _never, lambda p: True)
    other = ServingOrder(100, seed=6).take("a", 100, _never, lambda p: True)
    assert first == again and first != other


def test_finished_and_unavailable_positions_are_passed_over():
    order = ServingOrder(10_000, seed=0)
    finished = np.zeros(10_000, dtype=bool)
    finished[order.positions[:9_000]] = True
    busy = set(order.positions[9_000:9_005].tolist())
    taken = order.take("a", 5, lambda p: finished[p], lambda p: p not in busy)
    assert taken == order.positions[9_005:9_010].tolist()
    # Busy positions are offered again once free.
    assert order.take("a", 1, lambda p: finished[p], lambda p: True) == [order.positions[9_000]]
