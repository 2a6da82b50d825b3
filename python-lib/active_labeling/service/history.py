"""Each annotator's own decisions, to step back and forth through them.

An annotator's history lists the items they decided, in the order they first decided them; the
entry of an item shows their latest decision on it. Changing a label therefore keeps the item's
place in the history, and any ``label_id`` the item ever had finds that place.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from active_labeling.storage.base import Decision


class History:
    """Decisions per annotator, addressable by ``label_id``."""

    def __init__(self):
        self._items: Dict[str, List[str]] = {}  # annotator -> item ids, first-decision order
        self._place: Dict[Tuple[str, str], int] = {}  # (annotator, item) -> index in _items
        self._latest: Dict[Tuple[str, str], Decision] = {}
        self._by_label_id: Dict[int, Tuple[str, str]] = {}

    def current(self, annotator: str, item_id: str) -> Optional[Decision]:
        """``annotator``'s latest decision on ``item_id``, or None."""
        return self._latest.get((annotator, item_id))

    def add(self, decision: Decision) -> Optional[Decision]:
        """Record ``decision``; return the decision it replaces, if any."""
        key = (decision.annotator, decision.item_id)
        previous = self._latest.get(key)
        if previous is not None and previous.label_id > decision.label_id:
            return None  # an older decision arriving late never hides a newer one
        if previous is None:
            items = self._items.setdefault(decision.annotator, [])
            self._place[key] = len(items)
            items.append(decision.item_id)
        self._latest[key] = decision
        self._by_label_id[decision.label_id] = key
        return previous

    def decisions(self):
        """Every current decision (one per annotator and item)."""
        return self._latest.values()

    def decided(self, annotator: str) -> List[str]:
        """Items ``annotator`` decided, in history order."""
        return self._items.get(annotator, [])

    def count(self, annotator: str) -> int:
        """How many items ``annotator`` decided."""
        return len(self._items.get(annotator, ()))

    def entry(self, annotator: str, before: Optional[int] = None,
              after: Optional[int] = None) -> Optional[Tuple[Decision, int]]:
        """The decision before / after the one with ``label_id`` (the latest one without either).

        Returns
        -------
        (decision, position) or None
            ``position`` is 0-based in the annotator's history; None when there is nothing
            there, or when the label id is not one of ``annotator``'s.
        """
        items = self._items.get(annotator, [])
        if before is None and after is None:
            index = len(items) - 1
        else:
            key = self._by_label_id.get(before if before is not None else after)
            if key is None or key[0] != annotator:
                return None
            index = self._place[key] + (-1 if before is not None else 1)
        if not 0 <= index < len(items):
            return None
        return self._latest[(annotator, items[index])], index
