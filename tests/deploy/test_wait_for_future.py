"""Waiting for a DSS job never hangs: a failed or endless job ends the deploy with a message."""

from __future__ import annotations

import pytest

pytest.importorskip("dataikuapi")

from active_labeling.dss.deploy import DeployError, wait_for_future  # noqa: E402


class _Job:
    """What ``DSSFuture`` offers: ``state`` (the first answer) and ``get_state()`` (a poll)."""

    def __init__(self, states):
        self.state = states[0]
        self._states = list(states[1:])
        self.polls = 0

    def get_state(self):
        self.polls += 1
        return self._states.pop(0) if self._states else {"hasResult": False, "alive": True}


def test_result_of_a_job_that_finishes():
    job = _Job([{"jobId": "1", "hasResult": False, "alive": True},
                {"hasResult": False, "alive": True},
                {"hasResult": True, "alive": False, "result": {"envName": "env"}}])
    assert wait_for_future(job, "building", sleep=lambda s: None) == {"envName": "env"}
    assert job.polls == 2


def test_an_answer_with_its_result_needs_no_poll():
    job = _Job([{"hasResult": True, "result": {"envName": "env"}}])
    assert wait_for_future(job, "building", sleep=lambda s: None) == {"envName": "env"}
    assert job.polls == 0


def test_a_job_that_died_without_result_is_reported():
    job = _Job([{"hasResult": False, "alive": True},
                {"hasResult": False, "alive": False, "exception": {"message": "pip failed"}}])
    with pytest.raises(DeployError, match="building failed in DSS: pip failed"):
        wait_for_future(job, "building", sleep=lambda s: None)


def test_a_job_that_never_ends_times_out():
    job = _Job([{"hasResult": False, "alive": True}])
    with pytest.raises(DeployError, match="did not finish within 0 s"):
        wait_for_future(job, "building", timeout=0, sleep=lambda s: None)
