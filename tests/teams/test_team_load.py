"""A restart shows the team as it was: the team state loaded from the store in one go (what a
labeling service does when it starts) equals the state reached decision by decision while the
annotators and reviewers worked: figures, final labels, and the review queue in its order."""

from __future__ import annotations

import numpy as np
import pytest
from simulated_team import simulate

from active_labeling.storage.base import LABELED, REVIEWED, SKIPPED, Decision
from active_labeling.tasks import task_of
from active_labeling.teams.final import FinalRule
from active_labeling.teams.team import Team

CATEGORIES = ["cat", "dog", "bird"]
DATE = "2026-12-07T00:00:00.000Z"


def work_log(rng, task="category", per_item=2):
    """Decisions as a team produces them: labels, changed minds, skips, reviews, and a few
    decisions that reach the store after a later one (an older label id arriving late)."""
    labels = simulate(rng, 400, {"ana": 0.9, "ben": 0.75, "cy": 0.6}, CATEGORIES, per_item=per_item)
    log = []
    for item, given in labels.items():
        for name, label in given.items():
            if rng.random() < 0.1:
                log.append((item, name, SKIPPED, None))
            if rng.random() < 0.1:
                log.append((item, name, LABELED, CATEGORIES[int(rng.integers(3))]))
            if rng.random() < 0.9:
                log.append((item, name, LABELED, label if task == "category" else [label]))
        if rng.random() < 0.15:
            label = CATEGORIES[int(rng.integers(3))]
            log.append((item, "rita", REVIEWED, label if task == "category" else [label]))
    order = rng.permutation(len(log))
    decisions = [Decision(n + 1, *log[i][:2], DATE, log[i][2], log[i][3]) for n, i in enumerate(order)]
    late = rng.choice(len(decisions) - 1, size=20, replace=False)
    for k in late:  # swap neighbours: the later label id is written first
        decisions[k], decisions[k + 1] = decisions[k + 1], decisions[k]
    return decisions


def one_at_a_time(team, decisions):
    for decision in decisions:
        (team.review if decision.status == REVIEWED else team.change)(decision)
    return team


def state(team):
    return (team.snapshot(everyone=True), team.finals(), team.to_review(lambda item: True, 10_000),
            {item: team.labels_of(item) for item in team.finals()})


@pytest.mark.parametrize("task, needed, disagreement", [
    ("category", 2, "review"), ("category", 1, "review"), ("category", 3, "majority"),
    ("categories", 2, "review")])
def test_a_restart_shows_the_team_state_reached_label_by_label(task, needed, disagreement):
    decisions = work_log(np.random.default_rng(needed), task, max(needed, 2))

    def new_team():
        rule = FinalRule(needed, disagreement, task_of(task).agreement)
        return Team(task_of(task), rule, CATEGORIES, review_sample=0.3)

    live = one_at_a_time(new_team(), decisions)
    restarted = new_team()
    restarted.load(decisions)
    _same(state(restarted), state(live))
    assert live.queued()[0] > 0 or needed == 1  # the queue is not empty: its order was compared
    # A load onto a team that already indexed some decisions continues it.
    half = len(decisions) // 2
    resumed = one_at_a_time(new_team(), decisions[:half])
    resumed.load(decisions[half:])
    _same(state(resumed), state(live))


def _same(first, second):
    (figures, finals, queue, labels), (figures2, finals2, queue2, labels2) = first, second
    assert finals == finals2
    assert queue == queue2
    assert labels == labels2
    for key, value in figures.items():
        if isinstance(value, float):
            assert value == pytest.approx(figures2[key], abs=1e-9), key
        else:
            assert value == figures2[key], key
