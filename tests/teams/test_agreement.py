"""Agreement figures of simulated annotators: equal to independent implementations (scikit-learn's
Cohen's kappa, Krippendorff's alpha from its definition and from the ``krippendorff`` package) and
to what the simulation's noise implies, on 2,000 items; kept right through changed labels and skips."""

from __future__ import annotations

import numpy as np
import pytest
from simulated_team import expected_agreement, expected_alpha, matrix, reference_alpha, simulate
from sklearn.metrics import cohen_kappa_score

from active_labeling.storage.base import LABELED, SKIPPED, Decision
from active_labeling.tasks import task_of
from active_labeling.teams.final import FinalRule
from active_labeling.teams.team import Team

CATEGORIES = ["cat", "dog", "bird", "fish"]
ITEMS = 2000


def decisions_for(labels, rng, detours=True):
    """Decisions giving these labels, in a shuffled order; with ``detours`` some annotators first
    give another label or skip, then change their mind (the figures must follow)."""
    planned = []
    for item, given in labels.items():
        for name, label in given.items():
            if detours and rng.random() < 0.15:
                planned.append((item, name, SKIPPED, None) if rng.random() < 0.5
                               else (item, name, LABELED, CATEGORIES[int(rng.integers(len(CATEGORIES)))]))
            planned.append((item, name, LABELED, label))
    # A random order in which each annotator's decisions on an item keep theirs (detour first).
    shuffled = rng.permutation(len(planned)).tolist()
    slots = {}
    for i in sorted(shuffled):
        slots.setdefault(planned[i][:2], []).append(i)
    sequence = [slots[planned[i][:2]].pop(0) for i in shuffled]
    return [Decision(n + 1, planned[i][0], planned[i][1], "2026-12-06T00:00:00.000Z", planned[i][2],
                     planned[i][3]) for n, i in enumerate(sequence)]


def team_of(decisions, task="category", needed=2):
    team = Team(task_of(task), FinalRule(needed, agreement=task_of(task).agreement), CATEGORIES)
    for decision in decisions:
        team.change(decision)
    return team


def test_kappa_of_two_annotators_matches_scikit_learn_and_the_simulation():
    rng = np.random.default_rng(15)
    accuracies = {"ana": 0.85, "ben": 0.7}
    labels = simulate(rng, ITEMS, accuracies, CATEGORIES)
    team = team_of(decisions_for(labels, rng))

    first = [labels[i]["ana"] for i in labels]
    second = [labels[i]["ben"] for i in labels]
    kappa = team.snapshot()["kappa"]
    assert kappa == pytest.approx(cohen_kappa_score(first, second), abs=0.001)
    assert kappa == pytest.approx(expected_agreement(0.85, 0.7, len(CATEGORIES)), abs=0.03)
    # With two annotators alpha is Scott's pi with a small-sample correction: close to kappa here.
    units = list(labels.values())
    assert team.snapshot()["alpha"] == pytest.approx(reference_alpha(units), abs=0.001)


def test_alpha_with_missing_labels_matches_its_definition_the_package_and_the_simulation():
    rng = np.random.default_rng(7)
    accuracies = {"ana": 0.9, "ben": 0.8, "chloe": 0.75, "dan": 0.7, "eve": 0.85}
    labels = simulate(rng, ITEMS, accuracies, CATEGORIES, per_item=3)
    for item in list(labels)[:200]:  # some items labeled by one annotator only: they don't count
        labels[item] = dict(list(labels[item].items())[:1])
    team = team_of(decisions_for(labels, rng), needed=3)

    alpha = team.snapshot()["alpha"]
    units = list(labels.values())
    assert alpha == pytest.approx(reference_alpha(units), abs=0.001)
    assert alpha == pytest.approx(expected_alpha(accuracies, len(CATEGORIES)), abs=0.03)
    krippendorff = pytest.importorskip("krippendorff")
    codes = {name: i for i, name in enumerate(CATEGORIES)}
    package = krippendorff.alpha(reliability_data=matrix(units, list(accuracies), codes),
                                 level_of_measurement="nominal")
    assert alpha == pytest.approx(package, abs=0.001)


def test_per_category_figures_treat_each_category_as_a_yes_no_question():
    rng = np.random.default_rng(3)
    labels = simulate(rng, ITEMS, {"ana": 0.9, "ben": 0.6, "chloe": 0.8}, CATEGORIES, per_item=2)
    team = team_of(decisions_for(labels, rng, detours=False))
    units = list(labels.values())
    for name in CATEGORIES:
        yes_no = [{who: label == name for who, label in unit.items()} for unit in units]
        assert team.snapshot()["per_category"][name]["alpha"] == pytest.approx(reference_alpha(yes_no),
                                                                                abs=0.001)


def test_multi_label_agreement_is_per_category_and_pooled():
    rng = np.random.default_rng(11)
    decisions, truth = [], {}
    for i in range(ITEMS):
        true = {c for c in CATEGORIES if rng.random() < 0.4}
        truth[f"item-{i}"] = {}
        for name, accuracy in (("ana", 0.9), ("ben", 0.75)):
            given = sorted(c for c in CATEGORIES if (c in true) == (rng.random() < accuracy))
            truth[f"item-{i}"][name] = given
            decisions.append(Decision(len(decisions) + 1, f"item-{i}", name, "2026-12-06T00:00:00.000Z",
                                      LABELED, given))
    team = team_of(decisions, task="categories")
    figures = team.snapshot()
    pooled = []
    for name in CATEGORIES:
        first = [name in truth[i]["ana"] for i in truth]
        second = [name in truth[i]["ben"] for i in truth]
        assert figures["per_category"][name]["kappa"] == pytest.approx(cohen_kappa_score(first, second),
                                                                       abs=0.001)
        pooled += [{"ana": a, "ben": b} for a, b in zip(first, second)]
    assert figures["alpha"] == pytest.approx(reference_alpha(pooled), abs=0.001)


def test_each_annotator_gets_their_agreement_with_the_others():
    rng = np.random.default_rng(5)
    labels = simulate(rng, ITEMS, {"ana": 0.95, "ben": 0.95, "zed": 0.4}, CATEGORIES)
    team = team_of(decisions_for(labels, rng, detours=False), needed=3)
    rows = {row["name"]: row for row in team.snapshot(everyone=True)["annotators"]}
    assert rows["zed"]["agreement"] < 0.5 < rows["ana"]["agreement"]
    assert rows["zed"]["kappa"] < rows["ben"]["kappa"]
    # An annotator sees only their own row.
    assert [row["name"] for row in team.snapshot("zed")["annotators"]] == ["zed"]
