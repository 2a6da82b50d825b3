"""balanced's evidence: the outcomes of its labeled exploration picks, and the share they set."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from active_labeling.items import ids_from_hashes, row_hashes
from active_labeling.sampling.exploration import EVIDENCE_FLOOR, exploration_count, exploration_share
from active_labeling.sampling.sampler import QuerySampler, SamplerSettings
from active_labeling.sampling.surprise import (
    WINDOW,
    ExplorationEvidence,
    ExplorationPick,
    exploration_picks,
    read_evidence,
    with_evidence,
)


def test_surprise_is_the_share_of_errors_beyond_what_the_model_expected():
    assert ExplorationEvidence().surprise() is None
    sure_and_wrong = ExplorationEvidence(outcomes=[(0.9, False)] * 4 + [(0.9, True)] * 6)
    assert sure_and_wrong.surprise() == pytest.approx(0.4 - 0.1)
    honest = ExplorationEvidence(outcomes=[(0.6, False)] * 4 + [(0.6, True)] * 6)
    assert honest.surprise() == pytest.approx(0.0)


def test_labeled_picks_become_outcomes_and_the_others_stay_pending():
    evidence = ExplorationEvidence(outcomes=[(0.5, True)] * (WINDOW - 1)).with_picks(
        [ExplorationPick("a", 0.9, "cat"), ExplorationPick("b", 0.8, "dog"),
         ExplorationPick("c", 0.7, "cat")])
    after = evidence.resolved({"a": "dog", "c": "cat", "zzz": "cat"})
    assert after.pending == [ExplorationPick("b", 0.8, "dog")]
    # The window keeps the latest outcomes: the oldest one made room for the two new ones.
    assert len(after.outcomes) == WINDOW and after.outcomes[-2:] == [(0.9, False), (0.7, True)]
    # A new batch replaces what is still pending; the outcomes stay.
    assert after.with_picks([]).pending == [] and after.with_picks([]).outcomes == after.outcomes


def test_evidence_comes_back_exactly_from_json_and_junk_is_left_out():
    evidence = ExplorationEvidence([ExplorationPick("007", 0.8125, "yes")], [(0.5, True), (0.9, False)])
    assert ExplorationEvidence.from_json(json.loads(json.dumps(evidence.to_json()))) == evidence
    junk = {"pending": [["a", "high", "x"], ["b", 0.5], "c", ["d", 1.5, "x"], ["e", 0.7, "x"]],
            "outcomes": [[0.5, 2], [float("nan"), 1], [0.4, 0]]}
    assert ExplorationEvidence.from_json(junk) == ExplorationEvidence([ExplorationPick("e", 0.7, "x")],
                                                                      [(0.4, False)])
    assert ExplorationEvidence.from_json("nonsense") == ExplorationEvidence()


def test_evidence_is_kept_per_queries_dataset_beside_other_variables():
    variables = {"standard": {"x": 1}, "local": {"active_labeling_queries_generation": {"P.q": 3}}}
    evidence = ExplorationEvidence(outcomes=[(0.9, False)])
    stored = with_evidence(variables, "P.q", evidence)
    assert stored["standard"] == {"x": 1}
    assert stored["local"]["active_labeling_queries_generation"] == {"P.q": 3}
    assert read_evidence(stored, "P.q") == evidence
    assert read_evidence(stored, "P.other") == ExplorationEvidence()
    assert "active_labeling_exploration" not in variables["local"]  # a copy: the input is untouched


def test_surprise_scales_the_share_only_once_classes_have_a_few_labels():
    # Cold (at most 5 labels per class): half the batch, whatever the picks said.
    assert exploration_share(15, 3, surprise=-0.5) == exploration_share(15, 3) == 0.5
    schedule = exploration_share(30, 3)
    assert schedule == 0.25
    # Past it, between a low floor (no surprise: the model's confidence has earned trust) and the schedule.
    assert exploration_share(30, 3, surprise=-0.1) == EVIDENCE_FLOOR == 0.03
    assert exploration_share(30, 3, surprise=0.0) == EVIDENCE_FLOOR
    assert exploration_share(30, 3, surprise=0.1) == pytest.approx((EVIDENCE_FLOOR + schedule) / 2)
    assert exploration_share(30, 3, surprise=0.6) == schedule
    # Without evidence the schedule never falls below 10%.
    assert exploration_share(10_000, 3) == 0.1


def test_a_share_set_by_evidence_is_rounded_at_random_so_small_batches_get_it_on_average():
    # 3% of batches of 10: about one pick every third batch, not one in every batch (10%).
    rng = np.random.default_rng(0)
    counts = [exploration_count(10, 300, 3, surprise=-0.1, rng=rng) for _ in range(3000)]
    assert set(counts) == {0, 1}
    assert np.mean(counts) == pytest.approx(0.3, abs=0.03)
    # On the schedule (cold, or no evidence yet): rounded, and at least one in a batch of two or more.
    assert exploration_count(10, 300, 3, rng=rng) == 1
    assert exploration_count(3, 6, 3, surprise=-0.1, rng=rng) == 2
    # Without a generator (as before): rounded.
    assert exploration_count(10, 300, 3, surprise=-0.1) == 0


@pytest.mark.parametrize("id_column", ["key", None])
def test_the_picks_of_a_sampler_run_are_named_as_the_labeling_app_names_items(id_column):
    rng = np.random.default_rng(3)
    pool = pd.DataFrame({"key": [f"k{i}" for i in range(400)], "x": rng.normal(size=400).round(3),
                         "y": rng.normal(size=400).round(3)})
    model = LogisticRegression().fit(pool[["x", "y"]], np.where(pool.x > 0, "pos", "neg"))

    def scorer(chunk):
        return pd.DataFrame(model.predict_proba(chunk[["x", "y"]]), index=chunk.index,
                            columns=[f"proba_{c}" for c in model.classes_])

    sampler = QuerySampler(SamplerSettings(strategy="balanced", n_queries=40), scorer, None, "v1", id_column,
                           ["x", "y"])
    queries, _ = sampler.run([pool.iloc[:150], pool.iloc[150:]])
    picks = exploration_picks(queries, id_column)
    explored = queries[queries["strategy"] == "balanced:explore"]
    assert len(picks) == len(explored) == 20  # no labels yet: half the batch, in rank order
    ids = pool["key"].tolist() if id_column else ids_from_hashes(row_hashes(pool))
    by_id = dict(zip(ids, range(len(pool))))
    for pick in picks:
        proba = model.predict_proba(pool.iloc[[by_id[pick.item_id]]][["x", "y"]])[0]
        assert pick.predicted == model.classes_[proba.argmax()]
        assert pick.confidence == pytest.approx(proba.max(), abs=1e-4)
    # An input with its own prediction column keeps it, and gives no evidence.
    assert exploration_picks(queries.drop(columns=["probabilities"]), id_column) == []
