"""The ``dss`` pytest fixture: a fresh file-backed DSS stand-in per test (see standin_admin.py for
set-up and inspection, standin_runners.py for running entry points like DSS does).

tests/conftest.py puts this directory on sys.path, so ``import dataiku`` in a test (or in a webapp
backend loaded by ``dss.load_webapp``) gets the stand-in, pointed at the test's root by env."""

from __future__ import annotations

from pathlib import Path

import pytest
from standin_admin import StandInAdmin
from standin_runners import StandInRunners


class DSSStandIn(StandInAdmin, StandInRunners):
    """One DSS instance with one project (``project_key``) stored under ``root``."""

    def __init__(self, root: Path, project_key: str = "PROJ", monkeypatch=None):
        super().__init__(root, project_key)
        self._monkeypatch = monkeypatch

    def _setenv(self, name: str, value: str) -> None:
        if self._monkeypatch is not None:
            self._monkeypatch.setenv(name, value)
        else:
            super()._setenv(name, value)


@pytest.fixture
def dss(tmp_path, monkeypatch):
    """A ``DSSStandIn`` on a temporary root, with this process's env set as in a webapp backend."""
    from dataiku.dataset import DatasetWriter

    stand_in = DSSStandIn(tmp_path / "dss", monkeypatch=monkeypatch)
    for name in ("DKUFLOW_SPEC", "DKU_TRIGGER", "DKU_TRIGGER_STATE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DKU_STANDIN_ROOT", str(stand_in.root))
    monkeypatch.setenv("DIP_HOME", str(stand_in.root))  # DSS's data directory, set for its processes
    monkeypatch.setenv("DKU_CURRENT_PROJECT_KEY", stand_in.project_key)
    yield stand_in
    leaked = list(DatasetWriter.active_writers)
    DatasetWriter.active_writers.clear()
    assert not leaked, f"dataset writers left open (never closed): {leaked}"
