"""Review mode: reviewers settle disagreements, and check a sample of agreed items.

The desk sits next to a :class:`~active_labeling.service.service.LabelingService` and shares its
write path: a review is a decision (status ``reviewed``) with the next label id, written to the
metadata like any decision through the service's group commit, and indexed once the store has
it. It never replaces an annotator's label; it becomes the item's final label
(:mod:`active_labeling.teams.final`).

Reviewers get the items in disagreement first, then agreed items drawn for a check. An item
served to a reviewer is held for them (in memory: a restart frees it) so that two reviewers never
review it at the same time.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence

from active_labeling.service.errors import BadRequest, Reserved, UnknownItem
from active_labeling.service.history import History
from active_labeling.service.reservations import Reservations
from active_labeling.storage.base import REVIEWED, Decision
from active_labeling.teams.final import FinalRule
from active_labeling.teams.team import Team

MAX_BATCH = 50


class ReviewDesk:
    """The team's state and review mode of one labeling service.

    Parameters
    ----------
    service : LabelingService
        Whose settings, task, item views and write path the desk uses.
    """

    def __init__(self, service: Any):
        self._service = service
        settings = service.settings
        rule = FinalRule(int(settings.annotators_per_item), settings.disagreement, service.task.agreement)
        self.team = Team(service.task, rule, [c.name for c in settings.categories], settings.review_sample)
        self.history = History()  # each reviewer's reviews, to step back and forth
        self.holds = Reservations(":memory:")
        self.on_change: Optional[Callable[[], None]] = None  # told after each decision indexed

    def add(self, decision: Decision) -> bool:
        """Index a stored decision; True when it is a review (the annotators' index skips it)."""
        review = decision.status == REVIEWED
        if review:
            self.history.add(decision)
            self.team.review(decision)
            self.holds.release(decision.annotator, [decision.item_id])
        else:
            self.team.change(decision)
        if self.on_change is not None:
            self.on_change()
        return review

    def load(self, decisions: Sequence[Decision]) -> List[Decision]:
        """Index the stored decisions at start, in the order the store wrote them; return those
        that are not reviews (the annotators' index takes them)."""
        reviews = [decision for decision in decisions if decision.status == REVIEWED]
        for review in reviews:
            self.history.add(review)
        self.team.load(decisions)
        return [decision for decision in decisions if decision.status != REVIEWED] if reviews else decisions

    # -- reading ---------------------------------------------------------------------------

    def view(self, item_id: str) -> Dict[str, Any]:
        """An item as review mode shows it: the item, every annotator's label, the final label."""
        view = self._service.item_view(item_id)
        names = self._service.settings.show_annotator_names
        view["labels"] = [{"annotator": d.annotator if names else f"Annotator {n}", "label": d.label,
                           "comment": d.comment, "date": d.date}
                          for n, d in enumerate(self.team.labels_of(item_id), start=1)]
        final = self.team.final(item_id)
        review = self.team.review_of(item_id)
        view["final"] = {"status": final.status, "label": final.label,
                         "reviewer": review.annotator if review is not None else None,
                         "comment": review.comment if review is not None else ""}
        return view

    def snapshot(self, viewer: str, everyone: bool) -> Dict[str, Any]:
        """The team panel (``GET /api/stats`` ``team``)."""
        with self._service._lock:
            return self.team.snapshot(viewer, everyone)

    def batch(self, reviewer: str, size: int = 10) -> Dict[str, Any]:
        """Hold up to ``size`` items to review for ``reviewer``: disagreements first."""
        if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_BATCH:
            raise BadRequest(f"size should be an integer from 1 to {MAX_BATCH}, got {size!r}")
        seconds = self._service.settings.reservation_seconds
        with self._service._lock:
            held = set(self.holds.held_by(reviewer))
            chosen = self.team.to_review(lambda item: item not in held and self.holds.holder(item) is None,
                                         size)
            self.holds.reserve(reviewer, list(held) + chosen, seconds)
            disputed, to_check = self.team.queued()
            return {"items": [self.view(item) for item in chosen],
                    "queue": {"disputed": disputed, "to_check": to_check}}

    def history_entry(self, reviewer: str, before: Optional[int] = None,
                      after: Optional[int] = None) -> Optional[Dict[str, Any]]:
        """The reviewer's review before / after ``label_id`` (the latest without either)."""
        with self._service._lock:
            found = self.history.entry(reviewer, before, after)
            if found is None:
                return None
            decision, position = found
            return {"label_id": decision.label_id, "id": decision.item_id, "status": decision.status,
                    "label": decision.label, "comment": decision.comment, "date": decision.date,
                    "item": self.view(decision.item_id), "position": position,
                    "count": self.history.count(reviewer)}

    # -- writing ---------------------------------------------------------------------------

    def review(self, reviewer: str, item_id: Any, label: Any, comment: Any = "") -> Dict[str, Any]:
        """Record ``reviewer``'s final label of ``item_id`` (a change when they reviewed it before)."""
        if not isinstance(item_id, str) or not item_id:
            raise BadRequest("id should be the item's id (non-empty text)")
        if comment is None:
            comment = ""
        if not isinstance(comment, str):
            raise BadRequest("comment should be text")
        service = self._service
        checked = service._checked_label(label, item_id)
        with service._lock:
            if not self.team.labels_of(item_id):
                raise UnknownItem(f"item {item_id!r} has no annotator's label to review")
            holder = self.holds.holder(item_id)
            if holder is not None and holder != reviewer:
                raise Reserved(f"item {item_id!r} is being reviewed by another reviewer; ask for a new batch")
            self.holds.reserve(reviewer, [item_id], service.settings.reservation_seconds)
            # The labels dataset's row of a review carries the item's columns, as a label's does.
            values = service.pool.values(item_id) if item_id in service._positions else None

        def entry():
            label_id = service._next_label_id  # one sequence for labels and reviews
            service._next_label_id += 1
            return (Decision(label_id, item_id, reviewer, _now(), REVIEWED, checked, comment,
                             service._session), values)

        decision, _ = service._commits.submit(entry)
        with service._lock:
            return {"label_id": decision.label_id, "id": item_id,
                    "final": self.view(item_id)["final"]}

    def close(self) -> None:
        """Drop the review holds."""
        self.holds.close()


def _now() -> str:
    from active_labeling.service.service import utc_now_iso  # the service imports this module

    return utc_now_iso()
