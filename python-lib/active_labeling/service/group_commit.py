"""Group commit: decisions that arrive while a write is under way are written together.

Each caller waits until its own decision is durable (a label is acknowledged only once written),
but while one write is in progress, later callers queue up; the next write takes all of them in
one append session per dataset. With one request at a time (DSS's default backend) every write
holds one decision; with a threaded backend and several annotators, writes hold several, so the
number of append sessions, and of files on a file-based connection, grows slower than the labels.
"""

from __future__ import annotations

import threading
from typing import Callable, Generic, List, Optional, TypeVar

T = TypeVar("T")


class _Ticket(Generic[T]):
    __slots__ = ("entry", "done", "error")

    def __init__(self, entry: T):
        self.entry = entry
        self.done = False
        self.error: Optional[BaseException] = None


class GroupCommit(Generic[T]):
    """Serialise writes of entries, batching those that wait.

    Parameters
    ----------
    write : callable
        ``write(entries)`` stores a list of entries durably, in order, or raises.
    after : callable, optional
        ``after(entries)`` runs once they are written, before any later batch is written (e.g. to
        update an in-memory index in write order).
    max_batch : int
        At most this many entries per write.
    """

    def __init__(self, write: Callable[[List[T]], None], after: Optional[Callable[[List[T]], None]] = None,
                 max_batch: int = 256):
        self._write = write
        self._after = after
        self.max_batch = max_batch
        self._cond = threading.Condition()
        self._queue: List[_Ticket[T]] = []
        self._writing = False
        self.writes = 0

    def submit(self, make: Callable[[], T]) -> T:
        """Queue the entry ``make()`` builds and return it once written; raise the write's error.

        ``make`` runs under the queue's lock, so entries are made in the order they are written
        (e.g. increasing ids).
        """
        with self._cond:
            ticket = _Ticket(make())
            self._queue.append(ticket)
            while not ticket.done:
                if not self._writing:
                    self._write_batch()
                else:
                    self._cond.wait()
        if ticket.error is not None:
            raise ticket.error
        return ticket.entry

    def _write_batch(self) -> None:
        # Called with the lock held; writes outside it so that others can queue meanwhile.
        batch, self._queue = self._queue[:self.max_batch], self._queue[self.max_batch:]
        self._writing = True
        self._cond.release()
        error: Optional[BaseException] = None
        try:
            entries = [t.entry for t in batch]
            try:
                self._write(entries)
                if self._after is not None:
                    self._after(entries)
            except BaseException as raised:  # every waiter of this batch gets it
                error = raised
        finally:
            self._cond.acquire()
            for ticket in batch:
                ticket.done, ticket.error = True, error
            self._writing = False
            self.writes += 1
            self._cond.notify_all()
