"""The background worker of ``active-labeling serve --retrain-every N``.

It polls the workspace for new labelings and, every N of them, runs a round (retrain, evaluate,
sample, write new queries) in its own thread with its own database connection: labeling never
waits for it. Labelings made during a round count for the next one. A failed round is logged
(in the server's log and in the rounds' log) and retried later, with a growing delay.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from pathlib import Path
from typing import Any, Optional

from active_labeling.local.retrain_round import RetrainSettings, run_round, utc_now
from active_labeling.local.rounds import FAILED, RoundLog
from active_labeling.local.workspace import DB_NAME, connect
from active_labeling.storage.base import LABELED

LOG = logging.getLogger(__name__)
MAX_RETRY_SECONDS = 600.0


class RetrainWorker:
    """Runs retrain rounds in a daemon thread until ``close``.

    Parameters
    ----------
    settings : RetrainSettings
    poll_seconds : float
        How often the workspace is checked for new labelings.
    retry_seconds : float
        First delay before retrying a failed round; doubled after each failure (at most 10 min).
    """

    def __init__(self, settings: RetrainSettings, poll_seconds: float = 1.0, retry_seconds: float = 30.0):
        self.settings = settings
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.log = RoundLog(settings.workspace)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="active-labeling-retrain", daemon=True)

    def start(self) -> RetrainWorker:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def close(self) -> None:
        """Ask the thread to stop; a round in progress finishes in the background (daemon thread)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.poll_seconds + 1)

    def _run(self) -> None:
        db = connect(Path(self.settings.workspace) / DB_NAME, synchronous="NORMAL")
        try:
            self._loop(db)
        finally:
            db.close()

    def _loop(self, db) -> None:
        entries = self.log.read()
        last = self.log.last_success()
        mark = int(last.get("mark", 0))
        number = max((int(e.get("round", 0)) for e in entries), default=0)
        previous = _load_model(last.get("model"))
        failures, not_before = 0, 0.0
        while not self._stop.wait(self.poll_seconds):
            if time.monotonic() < not_before or _labelings_after(db, mark) < self.settings.every:
                continue
            number += 1
            try:
                entry, previous = _round_of(self.settings)(self.settings, db, number, previous, last)
            except Exception as error:  # never fatal: log, retry later
                failures += 1
                delay = min(self.retry_seconds * 2 ** (failures - 1), MAX_RETRY_SECONDS)
                not_before = time.monotonic() + delay
                LOG.warning("retrain round %d failed (%s); retrying in %.0f s", number, error, delay,
                            exc_info=True)
                self.log.append({"round": number, "status": FAILED, "finished": utc_now(),
                                 "error": f"{type(error).__name__}: {error}", "retry_in_seconds": delay})
                continue
            failures, mark, last = 0, int(entry["mark"]), entry
            self.log.append(entry)
            LOG.info("retrain round %d: %d labels, accuracy %s, %d queries; %s", number, entry["labels"],
                     entry.get("accuracy", entry.get("entity_f1")), entry["queries"],
                     (entry.get("stopping") or {}).get("sentence", ""))


def _round_of(settings: RetrainSettings):
    """The round of the task: the spans task fits its token tagger, the others a classifier."""
    if settings.task == "spans":
        from active_labeling.local.retrain_spans import run_spans_round  # sklearn-crfsuite, only then

        return run_spans_round
    return run_round


def _labelings_after(db, mark: int) -> int:
    row = db.execute("SELECT COUNT(*) FROM decisions WHERE status = ? AND label_id > ?",
                     (LABELED, mark)).fetchone()
    return int(row[0])


def _load_model(path: Optional[str]) -> Any:
    """Last round's model, to count contradictions after a restart; None when unavailable."""
    if not path:
        return None
    try:
        with open(path, "rb") as stream:
            return pickle.load(stream)
    except Exception:  # a missing or stale model only costs one contradiction figure
        return None


