"""BackgroundRead: a slow re-read runs off the caller's path and is handed over later."""

from __future__ import annotations

import threading
import time

import pytest

from active_labeling.storage.background_read import BackgroundRead


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_a_read_starts_when_due_and_is_handed_over_once_done(eventually):
    clock, release, calls = Clock(), threading.Event(), []

    def read():
        calls.append(clock.now)
        release.wait(10)
        return f"read {len(calls)}"

    reread = BackgroundRead(read, every=30, clock=clock)
    assert reread.poll() is None and calls == []  # not due yet
    clock.now += 30
    started = time.monotonic()
    assert reread.poll() is None  # starts the read, does not wait for it
    assert eventually(lambda: calls == [130.0])
    assert reread.poll() is None  # still reading
    assert time.monotonic() - started < 5
    release.set()
    assert eventually(lambda: reread._running.done())
    assert reread.poll() == "read 1"
    assert reread.poll() is None and len(calls) == 1  # handed over once; the next is not due


def test_a_failed_read_raises_at_poll_and_the_next_one_runs_when_due(eventually):
    clock, outcomes = Clock(), [OSError("the folder is unreachable"), "listing"]

    def read():
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    reread = BackgroundRead(read, every=0, clock=clock)
    reread.poll()
    assert eventually(lambda: reread._running.done())
    with pytest.raises(OSError, match="unreachable"):
        reread.poll()
    reread.poll()  # due again (every=0): starts the next read
    assert eventually(lambda: reread._running is not None and reread._running.done())
    assert reread.poll() == "listing"
