"""The stopping verdict a labeling webapp shows, read from the project variables the step writes.

Reading the variables is an HTTP call to the DSS backend, and every page asks for stats now and
then: the answer is kept a few seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Dict, Optional

import dataiku

from active_labeling.analysis.stopping_store import latest_report, stopping_view

_log = logging.getLogger(__name__)
CACHE_SECONDS = 5.0


class DssStoppingVerdict:
    """``stopping_report()`` for the labeling API: the most recently checked model's verdict.

    Parameters
    ----------
    cache_seconds : float
        How long an answer is reused.
    clock : callable
        Monotonic seconds (tests).
    """

    def __init__(self, cache_seconds: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.cache_seconds = cache_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._until = float("-inf")
        self._view: Optional[Dict[str, Any]] = None

    def __call__(self) -> Optional[Dict[str, Any]]:
        with self._lock:
            now = self._clock()
            if now >= self._until:
                try:
                    self._view = stopping_view(latest_report(dataiku.Project().get_variables()))
                except Exception:  # a hint only: keep the last answer, try again later
                    _log.warning("could not read the stopping verdict from the project variables",
                                 exc_info=True)
                self._until = now + self.cache_seconds
            return self._view
