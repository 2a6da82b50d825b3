"""Small in-memory stand-ins of the storage interfaces, for the service's own tests."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from active_labeling.service.reservations import Reservations
from active_labeling.service.service import LabelingService
from active_labeling.service.settings import Category, ServiceSettings
from active_labeling.storage.base import Decision, Queries


class ListPool:
    """A tabular pool of ``n`` rows with ids ``i0``, ``i1``..."""

    kind = "tabular"

    def __init__(self, n: int):
        self.ids = [f"i{k}" for k in range(n)]
        self.changed = False

    def item_ids(self):
        return self.ids

    def values(self, item_id):
        return {"text": f"row {item_id}"}

    display = values

    def ids_for_rows(self, rows):
        return list(rows)

    def grow(self, count: int):
        start = len(self.ids)
        self.ids = self.ids + [f"i{k}" for k in range(start, start + count)]
        self.changed = True

    def refresh(self):
        changed, self.changed = self.changed, False
        return changed


class MemoryStore:
    """Decisions in a list; ``fail`` makes the next append raise, as a full disk would."""

    def __init__(self, decisions: Optional[List[Decision]] = None):
        self.decisions: List[Decision] = list(decisions or [])
        self.values: Dict[int, Any] = {}
        self.fail = False

    def load(self):
        return list(self.decisions)

    def append(self, decision, item_values):
        if self.fail:
            raise OSError("disk full")
        self.decisions.append(decision)
        self.values[decision.label_id] = item_values

    def close(self):
        pass


class FixedQueries:
    """Queries whose generation and content the test sets."""

    def __init__(self, item_ids, scores=None, generation=1):
        self.queries = Queries(generation, list(item_ids), list(scores or [1.0] * len(item_ids)))

    def generation(self):
        return self.queries.generation

    def load(self, pool):
        return self.queries


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self):
        return self.now


def make_service(n=20, store=None, queries=None, clock=None, multi_label=False, annotators_per_item=1,
                 reservation_seconds=60.0, pool=None):
    clock = clock or FakeClock()
    settings = ServiceSettings(kind="tabular", categories=(Category("cat"), Category("dog")),
                               multi_label=multi_label, columns=("text",),
                               reservation_seconds=reservation_seconds,
                               annotators_per_item=annotators_per_item, seed=3)
    return LabelingService(pool or ListPool(n), store or MemoryStore(), Reservations(":memory:", clock=clock),
                           settings, queries, refresh_seconds=0)
