"""Publish a labeling webapp's team figures in the project variables (see
:mod:`active_labeling.teams.published`), and read them back for the Query Sampler.

The backend writes at start and then at most every ``every_seconds`` while labels arrive, from a
background thread: a label never waits for DSS. The read-modify-write is as short as possible
(DSS has no atomic update of the variables).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from typing import Any, Callable, Optional

import dataiku

from active_labeling.teams.final import FinalRule
from active_labeling.teams.published import team_rule, with_team

_log = logging.getLogger(__name__)
EVERY_SECONDS = 60.0


class TeamVariables:
    """Writes the team panel of ``service`` under the metadata dataset's name.

    Parameters
    ----------
    service : LabelingService
    metadata_dataset : str
        The webapp's metadata dataset, as its settings name it.
    every_seconds : float, optional
        Least time between two writes (default ``EVERY_SECONDS``).
    """

    def __init__(self, service: Any, metadata_dataset: str, every_seconds: Optional[float] = None):
        self._service = service
        self._name = metadata_dataset.split(".", 1)[-1]  # the Query Sampler may name it either way
        self._every = float(EVERY_SECONDS if every_seconds is None else every_seconds)
        self._changed = threading.Event()
        self._stop = threading.Event()
        self.writes = 0
        self.publish()
        threading.Thread(target=self._run, daemon=True, name=f"team variables {metadata_dataset}").start()

    def changed(self) -> None:
        """A decision was stored: publish within ``every_seconds``."""
        self._changed.set()

    def publish(self) -> None:
        """Write the figures now (failures are logged: the figures are a report, labeling goes on)."""
        settings = self._service.settings
        entry = {"annotators_per_item": int(settings.annotators_per_item),
                 "disagreement": settings.disagreement, "task": settings.task,
                 "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "figures": self._service.desk.snapshot("", everyone=True)}
        try:
            project = dataiku.Project()
            project.set_variables(with_team(project.get_variables(), self._name, entry))
            self.writes += 1
        except Exception:
            _log.warning("could not write the team's figures to the project variables", exc_info=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._changed.wait()
            if self._stop.wait(self._every):
                return
            self._changed.clear()
            self.publish()

    def close(self) -> None:
        """Stop the background writes."""
        self._stop.set()
        self._changed.set()


def read_team_rule(metadata_dataset: str,
                   variables: Optional[Callable[[], Any]] = None) -> Optional[FinalRule]:
    """The final-label rule the webapp writing ``metadata_dataset`` published (None: none)."""
    try:
        found = (variables or (lambda: dataiku.Project().get_variables()))()
    except Exception:
        _log.warning("could not read the project variables: one label makes an item labeled", exc_info=True)
        return None
    return team_rule(found, metadata_dataset.split(".", 1)[-1])
