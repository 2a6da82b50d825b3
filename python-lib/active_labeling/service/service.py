"""The labeling service: batches, labels, skips, history and stats over the storage interfaces.

Framework-free and thread-safe. At start it rebuilds an in-memory index from the stored
decisions; afterwards a batch or a label costs O(batch), whatever the size of the pool or the
number of labels stored. ``_lock`` guards the index (short holds); the durable appends go through
a :class:`GroupCommit`, which writes decisions that arrive during a write together in the next
one, so label ids reach the store in increasing order and the index is updated only after the
store has the decision. A label id is never handed out twice, even after a failed append (ids may
then have gaps).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import quote

import numpy as np

from active_labeling.kinds import KINDS
from active_labeling.service.errors import BadRequest, Reserved, UnknownItem
from active_labeling.service.gcpause import paused_gc
from active_labeling.service.group_commit import GroupCommit
from active_labeling.service.history import History
from active_labeling.service.order import ServingOrder
from active_labeling.service.reservations import Reservations
from active_labeling.service.settings import ServiceSettings
from active_labeling.service.stats import Stats
from active_labeling.service.suggestions import ModelAgreement, why
from active_labeling.storage.base import LABELED, SKIPPED, Decision, DecisionStore, Pool, QueriesSource
from active_labeling.tasks import LabelContext, LabelError, task_of
from active_labeling.teams.review import ReviewDesk

MAX_BATCH = 100
_log = logging.getLogger(__name__)


def utc_now_iso() -> str:
    """The current UTC time as ISO 8601 with milliseconds and a ``Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class LabelingService:
    """Serve items to annotators and record their decisions.

    Parameters
    ----------
    pool : Pool
    store : DecisionStore
    reservations : Reservations
    settings : ServiceSettings
    queries : QueriesSource, optional
        When set, the queries are served first, most useful first (active learning).
    refresh_seconds : float
        How often (at most) a batch checks for new pool items or a new queries generation.
    decisions : list of Decision, optional
        What ``store.load()`` returns, when the caller already read it (e.g. in parallel with
        the pool).
    image_size : callable, optional
        ``image_size(item_id)`` gives an image item's ``(width, height)`` as the page shows it
        (EXIF orientation applied): the boxes task checks boxes against it.
    """

    def __init__(self, pool: Pool, store: DecisionStore, reservations: Reservations,
                 settings: ServiceSettings, queries: Optional[QueriesSource] = None,
                 refresh_seconds: float = 5.0, clock: Callable[[], float] = time.monotonic,
                 decisions: Optional[List[Decision]] = None,
                 image_size: Optional[Callable[[str], Tuple[int, int]]] = None):
        self.pool = pool
        self.task = task_of(settings.task)  # what a label is: checked, counted, suggested by it
        self._image_size = image_size
        self.store = store
        self.reservations = reservations
        self.settings = settings
        self.queries = queries
        self.refresh_seconds = refresh_seconds
        self._clock = clock
        self._lock = threading.RLock()
        # A store that takes several decisions at once gets those that queued up during a write.
        append_many = getattr(store, "append_many", None)
        self._commits = GroupCommit(append_many or (lambda entries: store.append(*entries[0])),
                                    self._index_written, max_batch=256 if append_many else 1)
        self._session = uuid.uuid4().hex[:12]
        self.history = History()
        self.desk = ReviewDesk(self)  # agreement, final labels and review mode (teams)
        self.agreement = ModelAgreement()  # annotators vs the model's suggestions, this round
        with paused_gc():
            if decisions is None:
                decisions = store.load()
            for decision in self.desk.load(decisions):  # a reviewer's decision is the desk's only
                self.history.add(decision)
            self._next_label_id = max((d.label_id for d in decisions), default=0) + 1
            del decisions
            self._generation = -1
            self._load_pool()
            self._load_order()
        self._checked = clock()

    # -- index -------------------------------------------------------------------------------

    def _load_pool(self) -> None:
        ids = self.pool.item_ids()
        self._ids: Sequence[str] = ids if isinstance(ids, list) else list(ids)
        # A pool that already maps ids to positions lends its map: a second one of a million
        # entries costs a third of a second and ~100 MB.
        lent = getattr(self.pool, "positions", None)
        self._positions: Dict[str, int] = lent() if lent is not None else dict(zip(ids, range(len(ids))))
        self.stats = Stats.rebuilt(len(self._ids), self.settings.annotators_per_item,
                                   self._positions, self.history.decisions(), self.task.categories_of)
        self._mine: Dict[str, np.ndarray] = {}

    def _load_order(self) -> None:
        positions: List[int] = []
        scores: List[float] = []
        generation = 0
        self._prelabels: Dict[str, Any] = {}
        self._reasons: Dict[str, Dict[str, Any]] = {}
        if self.queries is not None:
            loaded = self.queries.load(self.pool)
            generation = loaded.generation
            self._prelabels = loaded.prelabels
            self._reasons = loaded.reasons
            for item_id, score in zip(loaded.item_ids, loaded.scores or [np.nan] * len(loaded.item_ids)):
                position = self._positions.get(item_id)
                if position is not None:
                    positions.append(position)
                    scores.append(score)
        self.order = ServingOrder(len(self._ids), self.settings.seed, positions, scores)
        self._generation = generation
        self._queried = bool(positions)  # else the order is random: no model yet
        self.agreement.rebuild((self._ids[p] for p in positions), self.history.decisions())

    def _mine_mask(self, annotator: str) -> np.ndarray:
        mask = self._mine.get(annotator)
        if mask is None:
            mask = np.zeros(len(self._ids), dtype=bool)
            decided = [self._positions.get(i) for i in self.history.decided(annotator)]
            mask[[p for p in decided if p is not None]] = True
            self._mine[annotator] = mask
        return mask

    def _maybe_refresh(self) -> None:
        now = self._clock()
        if now - self._checked < self.refresh_seconds:
            return
        self._checked = now
        try:
            with paused_gc():
                pool_changed = self.pool.refresh()
                if pool_changed:
                    self._load_pool()
                if pool_changed or (self.queries is not None
                                    and self.queries.generation() != self._generation):
                    self._load_order()
        except Exception:
            # A pool or queries file caught half-written: keep serving, try again next time.
            _log.warning("could not refresh the pool or the queries; serving as before", exc_info=True)

    # -- reading -----------------------------------------------------------------------------

    def config(self, annotator: str) -> Dict[str, Any]:
        """What ``GET /api/config`` answers."""
        config = self.settings.config()
        config["active_learning"] = self.queries is not None
        config["annotator"] = annotator
        why = getattr(self.pool, "empty_reason", None)  # pools that can say why they hold nothing
        config["empty_pool"] = why() if why is not None and not self._ids else None
        config["lease_seconds"] = self.reservations.lease_seconds
        return config

    def item_view(self, item_id: str) -> Dict[str, Any]:
        """An item as the page shows it: data, media URLs, active-learning info, error."""
        position = self._positions.get(item_id)
        view: Dict[str, Any] = {"id": item_id, "data": {}, "media": None,
                                "al": None if position is None else self.order.al(position),
                                "error": None, "suggestion": None}
        if position is None:
            view["error"] = "this item is no longer in the pool"
            return view
        try:
            view["data"] = self.pool.display(item_id)
            check = getattr(self.pool, "item_error", None)
            view["error"] = check(item_id) if check is not None else None
        except Exception as error:  # an unreadable item is the annotator's to skip, not a crash
            view["error"] = f"cannot read this item: {error}"
        media = KINDS[self.settings.kind].media  # what this kind's page fetches per item
        if media:
            base = "/api/items/" + quote(item_id, safe="")
            view["media"] = {"url": base + "/media",
                             "waveform": base + "/waveform" if "waveform" in media else None,
                             "spectrogram": base + "/spectrogram" if "spectrogram" in media else None,
                             "size": base + "/size" if "size" in media else None}
        view["suggestion"] = self._suggestion(item_id)
        view["why"] = why(view["al"], self._reasons.get(item_id), self._queried,
                          self.settings.show_suggestions)
        return view

    def _suggestion(self, item_id: str) -> Any:
        """The model's pre-annotation that came with the queries, unless suggestions are hidden."""
        raw = self._prelabels.get(item_id)
        if raw is None or not self.settings.show_suggestions:
            return None
        return self.task.suggestion(raw, self.settings.category_names)

    def _snapshot(self, annotator: str) -> Dict[str, Any]:
        """The stats, with how often labels agreed with the model's suggestions this round."""
        snapshot = self.stats.snapshot(annotator)
        snapshot["model_agreement"] = self.agreement.snapshot()
        return snapshot

    def batch(self, annotator: str, size: int = 10, page: Optional[str] = None) -> Dict[str, Any]:
        """Reserve up to ``size`` new items for ``annotator`` and return them in serving order.

        Items the annotator already holds are not returned again, but their reservation is
        renewed: the annotator is still at work on them. With a ``page`` (a browser tab), only
        that page's reservations are renewed, and the new ones are recorded for it. A short
        batch says how many items others hold (``held``): they may come free later.
        """
        if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_BATCH:
            raise BadRequest(f"size should be an integer from 1 to {MAX_BATCH}, got {size!r}")
        with self._lock:
            self._maybe_refresh()
            for position in self.stats.take_reopened():
                self.order.reopen(position)
            mine = self._mine_mask(annotator)
            done = self.stats.done_mask
            holder = self.reservations.holder
            ids = self._ids

            def available(position: int) -> bool:
                return holder(ids[position]) is None

            positions = self.order.take(annotator, size, lambda p: done(p) | mine[p], available, done)
            chosen = [ids[p] for p in positions]
            held = self.reservations.held_by(annotator, page)
            self.reservations.reserve(annotator, held + chosen, self.settings.reservation_seconds, page)
            return {"items": [self.item_view(i) for i in chosen],
                    "stats": self._snapshot(annotator),
                    "generation": self._generation,
                    "held": self._held_elsewhere(annotator, page) if len(chosen) < size else None}

    def _held_elsewhere(self, annotator: str, page: Optional[str]) -> Dict[str, Any]:
        """Items still to label for ``annotator`` that others hold (their other pages included).

        Only a short batch asks: the reservations are a few per open page.
        """
        holds = [hold for hold in self.reservations.holds() if hold.item_id in self._positions
                 and not (hold.annotator == annotator and (page is None or hold.page == page))]
        positions = np.asarray([self._positions[hold.item_id] for hold in holds], dtype=np.int64)
        open_ = ~(self.stats.done_mask(positions) | self._mine_mask(annotator)[positions])
        holds = [hold for hold, keep in zip(holds, open_.tolist()) if keep]
        first = min((hold.until for hold in holds), default=None)
        free_in = None if first is None else round(max(0.0, first - self.reservations.now()), 1)
        return {"count": len(holds), "yours": sum(hold.annotator == annotator for hold in holds),
                "first_free_in": free_in}

    def renew(self, annotator: str, page: Optional[str], active: bool = False,
              item_ids: Optional[List[str]] = None) -> Dict[str, Any]:
        """The page's heartbeat: renew the lease of ``page``'s reservations.

        ``active``: the annotator did something on the page since the last renewal; the
        reservation time of its items starts again, and those of ``item_ids`` (what the page
        shows and has loaded) that lapsed meanwhile are taken back when nobody else took them.
        Returns the items the page holds, the lease, and the queries generation (a page that
        waits on one item still hears of a new round).
        """
        if not page:
            raise BadRequest("page is missing: give the id of the page whose reservations to renew")
        if not isinstance(active, bool):
            raise BadRequest(f"active should be true or false, got {active!r}")
        if item_ids is not None and (not isinstance(item_ids, list) or len(item_ids) > 2 * MAX_BATCH
                                     or not all(isinstance(i, str) for i in item_ids)):
            raise BadRequest(f"ids should be a list of at most {2 * MAX_BATCH} item ids")
        with self._lock:
            if active and item_ids:
                lapsed = [i for i in dict.fromkeys(item_ids) if i in self._positions
                          and self.reservations.holder(i) is None]
                positions = np.asarray([self._positions[i] for i in lapsed], dtype=np.int64)
                open_ = ~(self.stats.done_mask(positions) | self._mine_mask(annotator)[positions])
                again = [item for item, keep in zip(lapsed, open_.tolist()) if keep]
                if again:
                    self.reservations.reserve(annotator, again, self.settings.reservation_seconds, page)
            held = self.reservations.renew(annotator, page,
                                           self.settings.reservation_seconds if active else None)
            self._maybe_refresh()
            return {"held": held, "lease_seconds": self.reservations.lease_seconds,
                    "generation": self._generation}

    def stats_for(self, annotator: str) -> Dict[str, Any]:
        """What ``GET /api/stats`` answers."""
        with self._lock:
            return self._snapshot(annotator)

    def history_entry(self, annotator: str, before: Optional[int] = None,
                      after: Optional[int] = None) -> Optional[Dict[str, Any]]:
        """The caller's decision before / after ``label_id`` (the latest without either)."""
        with self._lock:
            found = self.history.entry(annotator, before, after)
            if found is None:
                return None
            decision, position = found
            return {"label_id": decision.label_id, "id": decision.item_id, "status": decision.status,
                    "label": decision.label, "comment": decision.comment, "date": decision.date,
                    "item": self.item_view(decision.item_id), "position": position,
                    "count": self.history.count(annotator)}

    # -- writing -----------------------------------------------------------------------------

    def label(self, annotator: str, item_id: Any, label: Any, comment: Any = "") -> Dict[str, Any]:
        """Record ``annotator``'s label on ``item_id`` (a change when they decided it before)."""
        return self._decide(annotator, item_id, LABELED, self._checked_label(label, item_id), comment)

    def skip(self, annotator: str, item_id: Any, comment: Any = "") -> Dict[str, Any]:
        """Record that ``annotator`` skips ``item_id``; it is not served to them again."""
        return self._decide(annotator, item_id, SKIPPED, None, comment)

    def release(self, annotator: str, item_ids: Optional[List[str]] = None,
                page: Optional[str] = None) -> int:
        """Release ``annotator``'s reservations on ``item_ids``, or those of ``page``, or all."""
        with self._lock:
            return self.reservations.release(annotator, item_ids, page)

    def _checked_label(self, label: Any, item_id: Any):
        image_size = None
        if self._image_size is not None:
            # Boxes are checked against the image: the item must be one first (as _decide says).
            if not isinstance(item_id, str) or not item_id:
                raise BadRequest("id should be the item's id (non-empty text)")
            with self._lock:
                if item_id not in self._positions:  # gone from the folder: its size is unknown too
                    raise UnknownItem(f"unknown item {item_id!r}")

            def image_size():
                if item_id not in self._positions:
                    raise KeyError("the image is no longer in the pool")
                return self._image_size(item_id)
        try:
            return self.task.check(label, LabelContext(
                self.settings.category_names, str(item_id or ""), image_size, self._item_text(item_id),
                self.settings.overlapping_spans))
        except LabelError as error:
            raise BadRequest(str(error)) from None

    def _item_text(self, item_id: Any) -> Optional[Callable[[], str]]:
        """The text of a text pool's item, for the spans task's checks; None for other pools."""
        column = self.settings.text_column
        if column is None or not isinstance(item_id, str):
            return None

        def text() -> str:
            with self._lock:
                if item_id not in self._positions:
                    raise KeyError("the text is no longer in the pool")
                value = self.pool.display(item_id).get(column)
            return "" if value is None or (isinstance(value, float) and value != value) else str(value)
        return text

    def _decide(self, annotator: str, item_id: Any, status: str, label, comment: Any) -> Dict[str, Any]:
        if not isinstance(item_id, str) or not item_id:
            raise BadRequest("id should be the item's id (non-empty text)")
        if comment is None:
            comment = ""
        if not isinstance(comment, str):
            raise BadRequest("comment should be text")
        with self._lock:
            in_pool = item_id in self._positions
            change = self.history.current(annotator, item_id) is not None
            if not in_pool and not change:
                raise UnknownItem(f"unknown item {item_id!r}")
            # With a team, an item with all its labels takes no more (a lapsed reservation, a
            # program posting): each item gets exactly the annotators it needs.
            if (status == LABELED and not change and self.stats.needed > 1
                    and self.stats.done_mask(self._positions[item_id])):
                raise Reserved(f"item {item_id!r} already has the {self.stats.needed} label(s) it needs; "
                               "ask for a new batch")
            holder = self.reservations.holder(item_id)
            # Changing one's own earlier decision never conflicts with whoever holds the item now.
            if holder is not None and holder != annotator and not change:
                raise Reserved(f"item {item_id!r} is reserved by another annotator; ask for a new batch")
            if holder is None and in_pool and not change:
                # Hold it while it is written, so that no batch hands it to someone else meanwhile.
                self.reservations.reserve(annotator, [item_id], self.settings.reservation_seconds)
            # Under the lock: a pool refresh swaps the rows.
            values = self.pool.values(item_id) if status == LABELED and in_pool else None
            # What the page showed with the item (the service serves one suggestion per item and
            # round), and whether the label took it.
            suggestion = self._suggestion(item_id)
            agreed = (None if suggestion is None or status != LABELED
                      else self.task.agreement(label, suggestion) >= 1.0)
        def entry():
            # The id is used up even if the append fails: a store may have kept part of the
            # decision (the DSS metadata row) and must never see the same id for another one.
            label_id = self._next_label_id
            self._next_label_id += 1
            return (Decision(label_id, item_id, annotator, utc_now_iso(), status, label, comment,
                             self._session, suggestion, agreed), values)

        decision, _ = self._commits.submit(entry)  # raises: nothing acknowledged, index untouched
        with self._lock:
            # The page drops what it loaded ahead when a new round of queries came (generation).
            self._maybe_refresh()
            return {"label_id": decision.label_id, "id": item_id, "stats": self._snapshot(annotator),
                    "generation": self._generation}

    def _index_written(self, entries) -> None:
        """Index decisions the store now has, in the order it wrote them."""
        with self._lock:
            for decision, _ in entries:
                if self.desk.add(decision):
                    continue
                previous = self.history.add(decision)
                position = self._positions.get(decision.item_id)
                self.stats.change(position, previous, decision)
                if self.history.current(decision.annotator, decision.item_id) is decision:
                    self.agreement.change(decision)
                if position is not None and decision.annotator in self._mine:
                    self._mine[decision.annotator][position] = True
                self.reservations.release(decision.annotator, [decision.item_id])
