"""A slow read (a whole dataset, a folder listing) run again now and then, off the request path.

A pool that must notice new items re-reads its source every so often. On a large dataset or a
cloud folder that read takes seconds; run in a request, under the service's lock, it would hold
up every annotator's labels. Here it runs in a daemon thread, and a cheap :meth:`BackgroundRead.poll`
hands its result over on a later call.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from typing import Callable, Generic, Optional, TypeVar

T = TypeVar("T")


class BackgroundRead(Generic[T]):
    """Run ``read`` again in a daemon thread, at most every ``every`` seconds.

    Parameters
    ----------
    read : callable
        Returns what was read (never None); must not change state that requests read.
    every : float
        Seconds between the starts of two reads. The first starts ``every`` seconds after this
        object is made: the caller made the initial read itself.
    clock : callable, optional
        Monotonic seconds (tests pass a fake one).
    name : str
        The thread's name, for logs and debuggers.
    """

    def __init__(self, read: Callable[[], T], every: float, clock: Callable[[], float] = time.monotonic,
                 name: str = "background read"):
        self._read = read
        self.every = every
        self._clock = clock
        self._name = name
        self._started_at = clock()
        self._running: Optional[Future] = None

    def poll(self) -> Optional[T]:
        """The result of a read that finished since the last call, else None; starts the next when due.

        Raises
        ------
        Exception
            The error of a read that failed (the next read starts when due, as usual).
        """
        result = None
        running = self._running
        if running is not None:
            if not running.done():
                return None
            self._running = None
            result = running.result()
        if self._clock() - self._started_at >= self.every:
            self._started_at = self._clock()
            self._running = self._start()
        return result

    def _start(self) -> Future:
        return in_thread(self._read, self._name)


def in_thread(read: Callable[[], T], name: str) -> Future:
    """Run ``read`` in a new daemon thread; its result (or its error) arrives in the Future."""
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(read())
        except BaseException as error:  # handed over to whoever reads the Future
            future.set_exception(error)

    # A daemon: a read still running never holds the process up at exit.
    threading.Thread(target=run, name=name, daemon=True).start()
    return future
