"""A page's items are held while the page renews them (``POST /api/renew``, its heartbeat) and
lapse about a minute after it stops, when it died without giving them back; the reservation time
still bounds how long an open page keeps items its annotator does nothing with."""

import pytest
from flask import Flask
from service_helpers import FakeClock, make_service

from active_labeling.service.errors import BadRequest
from active_labeling.service.reservations import LEASE_SECONDS, Reservations
from active_labeling.service.routes import register_routes


def _ids(batch):
    return [item["id"] for item in batch["items"]]


def test_the_default_lease_is_about_a_minute():
    assert 30 <= LEASE_SECONDS <= 90
    assert make_service().config("alice")["lease_seconds"] == LEASE_SECONDS


def test_a_page_that_stops_renewing_loses_its_items_within_the_lease():
    clock = FakeClock()
    service = make_service(n=3, clock=clock, reservation_seconds=600)
    held = _ids(service.batch("alice", 10, page="tab-1"))
    assert len(held) == 3
    for _ in range(10):                         # 200 s of heartbeats: the items stay
        clock.now += 20
        assert sorted(service.renew("alice", "tab-1")["held"]) == sorted(held)
        assert _ids(service.batch("bob", 10)) == []
    clock.now += LEASE_SECONDS + 1              # the tab crashed: no heartbeat any more
    assert sorted(_ids(service.batch("bob", 10))) == sorted(held)


def test_the_reservation_time_bounds_an_open_page_whose_annotator_does_nothing():
    clock = FakeClock()
    service = make_service(n=2, clock=clock, reservation_seconds=300)
    held = _ids(service.batch("alice", 10, page="tab-1"))
    for _ in range(14):                         # 280 s, the annotator at work
        clock.now += 20
        service.renew("alice", "tab-1", active=True)
    # Idle: the heartbeat alone keeps the items for the reservation time, less at most a lease
    # (an active renewal writes the new deadline at most once per lease).
    for _ in range(12):
        clock.now += 20
        assert sorted(service.renew("alice", "tab-1")["held"]) == sorted(held)
    clock.now += 61                             # 301 s since the annotator last did something
    assert service.renew("alice", "tab-1")["held"] == []
    assert sorted(_ids(service.batch("bob", 10))) == sorted(held)


def test_an_active_page_takes_back_its_lapsed_items_unless_someone_else_took_them():
    clock = FakeClock()
    service = make_service(n=3, clock=clock)
    held = _ids(service.batch("alice", 10, page="tab-1"))
    clock.now += LEASE_SECONDS + 1              # the laptop slept
    taken = _ids(service.batch("bob", 1))
    answer = service.renew("alice", "tab-1", active=True, item_ids=held + ["not-in-pool"])
    assert sorted(answer["held"]) == sorted(set(held) - set(taken))
    # An inactive page takes nothing back.
    clock.now += LEASE_SECONDS + 1
    assert service.renew("alice", "tab-1", item_ids=held)["held"] == []


def test_reservations_without_a_page_have_no_lease():
    clock = FakeClock()
    service = make_service(n=1, clock=clock, reservation_seconds=600)
    assert _ids(service.batch("alice", 1)) == ["i0"]
    clock.now += 5 * LEASE_SECONDS
    assert _ids(service.batch("bob", 1)) == []


def test_a_short_batch_says_how_many_items_are_held_and_when_the_first_comes_free():
    clock = FakeClock()
    service = make_service(n=4, clock=clock)
    first_tab = _ids(service.batch("alice", 10, page="tab-1"))
    service.label("alice", first_tab[0], "cat")
    clock.now += 15
    # A second tab of alice: the three items left are her own first tab's.
    answer = service.batch("alice", 10, page="tab-2")
    assert answer["items"] == []
    assert answer["held"] == {"count": 3, "yours": 3, "first_free_in": LEASE_SECONDS - 15}
    assert service.batch("bob", 10)["held"] == {"count": 3, "yours": 0, "first_free_in": LEASE_SECONDS - 15}
    clock.now += LEASE_SECONDS
    assert len(_ids(service.batch("alice", 10, page="tab-2"))) == 3


def test_a_full_batch_reports_nothing_held():
    service = make_service(n=20)
    assert service.batch("alice", 5, page="tab-1")["held"] is None
    nothing = service.batch("alice", 10, page="tab-2")
    assert len(nothing["items"]) == 10 and nothing["held"] is None


def test_reservations_read_back_at_start_get_a_fresh_lease_and_lapsed_ones_stay_gone(tmp_path):
    clock = FakeClock()
    path = tmp_path / "reservations.sqlite"
    first = Reservations(path, clock=clock, lease_seconds=60)
    first.reserve("alice", ["a"], 600, page="tab-1")
    first.reserve("alice", ["dead"], 600, page="tab-2")
    clock.now += 50
    first.renew("alice", "tab-1")
    clock.now += 20                             # tab-2's lease lapsed; a later write purges it
    first.reserve("bob", ["b"], 600)
    first.close()
    again = Reservations(path, clock=clock, lease_seconds=60)
    assert again.holder("a") == "alice" and again.holder("dead") is None
    clock.now += 61                             # tab-1 never came back after the restart
    assert again.holder("a") is None and again.holder("b") == "bob"


def test_renew_checks_what_it_is_given():
    service = make_service()
    with pytest.raises(BadRequest, match="page is missing"):
        service.renew("alice", None)
    with pytest.raises(BadRequest, match="active should be true or false"):
        service.renew("alice", "tab-1", active="yes")
    with pytest.raises(BadRequest, match="ids should be a list"):
        service.renew("alice", "tab-1", active=True, item_ids="i0")
    with pytest.raises(ValueError, match="lease"):
        Reservations(":memory:", lease_seconds=0)


def test_the_renew_route_answers_the_pages_items_and_refuses_bad_bodies():
    service = make_service(n=5)
    app = Flask("test")
    register_routes(app, service, lambda request: request.headers.get("X-Test-User"))
    client = app.test_client()
    headers = {"X-Test-User": "alice", "X-Requested-With": "active-labeling"}
    items = {item["id"] for item in client.get("/api/batch?size=2&page=tab-1", headers=headers)
             .get_json()["items"]}
    answer = client.post("/api/renew", json={"page": "tab-1", "active": True}, headers=headers)
    assert answer.status_code == 200
    assert set(answer.get_json()["held"]) == items and answer.get_json()["lease_seconds"] == LEASE_SECONDS
    for body, field in (({}, "page"), ({"page": "tab 1"}, "page"), ({"page": "tab-1", "ids": 3}, "ids")):
        refused = client.post("/api/renew", json=body, headers=headers)
        assert refused.status_code == 400 and field in refused.get_json()["error"]
