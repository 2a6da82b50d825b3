"""The balanced strategy in the Query Sampler: diverse uncertain rows plus class-aware exploration picks."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from active_labeling.analysis.policies import select_batch
from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.exclusion import LabeledFilter
from active_labeling.sampling.exploration import class_aware_order, exploration_share
from active_labeling.sampling.sampler import QuerySampler, SamplerSettings

EXPLORE = "balanced:explore"


def make_pool(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"x1": rng.normal(size=n).round(4), "x2": rng.normal(size=n).round(4)})


POOL = make_pool()
MODEL = LogisticRegression(C=100).fit(POOL, np.where(POOL.x1 > 0, "a", "b"))


def scorer(chunk):
    return pd.DataFrame(MODEL.predict_proba(chunk[["x1", "x2"]]), index=chunk.index,
                        columns=[f"proba_{c}" for c in MODEL.classes_])


def sample(n=20, seed=0, chunk=None, n_labeled=None, labeled=None, pool=POOL):
    settings = SamplerSettings(strategy="balanced", n_queries=n, seed=seed)
    chunks = [pool] if chunk is None else [pool.iloc[i:i + chunk] for i in range(0, len(pool), chunk)]
    return QuerySampler(settings, scorer, labeled, n_labeled=n_labeled).run(chunks)


@pytest.mark.parametrize("n_labeled, explored", [(0, 10), (20, 5), (500, 2)])
def test_exploration_picks_take_the_stated_share_spread_through_the_ranks(n_labeled, explored):
    queries, report = sample(n=20, n_labeled=n_labeled)
    picks = queries["strategy"] == EXPLORE
    # Half the batch until 5 labels per class (2 classes), then 0.5 × 10 / labels, at least 10%.
    assert picks.sum() == explored == report.explored
    assert set(queries["strategy"]) == {"balanced", EXPLORE}
    assert queries["rank"].tolist() == list(range(1, 21))
    # Whoever labels only the first items gets the mix: every stretch of 20 / explored ranks has one.
    stretch = 20 // explored
    for start in range(0, 20 - stretch + 1, stretch):
        assert picks.iloc[start:start + stretch].sum() == 1
    assert f"random exploration picks among them: {explored} ({n_labeled} labels so far, 2 classes)" \
        in report.lines()


def test_exploration_picks_reach_items_the_model_is_sure_about():
    queries, _ = sample(n=20)
    explored = queries[queries["strategy"] == EXPLORE]
    uncertain = queries[queries["strategy"] == "balanced"]
    # Random over the whole pool: mostly far from the boundary, where uncertainty sampling never looks.
    assert explored["x1"].abs().median() > 0.3 > uncertain["x1"].abs().max()
    # Their score is their own uncertainty by balanced's measure, the mean of margin and least
    # confidence (not a random key), so it is low for sure items.
    proba = MODEL.predict_proba(explored[["x1", "x2"]])
    top, second = proba.max(axis=1), proba.min(axis=1)
    np.testing.assert_allclose(explored["score"], ((1 - (top - second)) + (1 - top)) / 2, atol=1e-12)
    assert not queries.duplicated(["x1", "x2"]).any()


def test_the_same_seed_gives_the_same_queries_whatever_the_chunk_size():
    whole, _ = sample(seed=3)
    for chunk in (97, 500, 1000):
        pieces, _ = sample(seed=3, chunk=chunk)
        pd.testing.assert_frame_equal(whole, pieces)
    other, _ = sample(seed=4)
    assert set(zip(other.x1, other.x2)) != set(zip(whole.x1, whole.x2))


def test_labeled_count_comes_from_the_metadata_when_given():
    labeled = LabeledFilter([f"{i:016x}" for i in range(500)])  # ids of no pool row: only the count matters
    queries, report = sample(n=20, labeled=labeled)
    assert report.explored == 2 and (queries["strategy"] == EXPLORE).sum() == 2
    _, cold = sample(n=20)
    assert cold.explored == 10


def test_a_small_pool_is_served_whole():
    queries, _ = sample(n=20, pool=POOL.iloc[:12])
    assert len(queries) == 12 and not queries.duplicated().any()


def test_ranking_every_row_is_refused():
    with pytest.raises(SamplerError, match="balanced strategy chooses a batch"):
        SamplerSettings(strategy="balanced", n_queries=0)


def test_simulations_use_the_same_share():
    assert exploration_share(0, 3) == exploration_share(15, 3) == 0.5
    assert exploration_share(30, 3) == 0.25 and exploration_share(10_000, 3) == 0.1
    features = POOL.to_numpy()
    proba = MODEL.predict_proba(POOL)
    picks = select_batch("balanced", proba, features, 20, np.random.default_rng(0),
                         class_counts=np.array([10, 10]))
    # 15 diverse uncertain rows and 5 random ones, as the sampler would for 20 labels of 2 classes.
    assert len(picks) == 20 and (np.abs(POOL.x1.to_numpy()[picks]) > 0.3).sum() >= 3


def test_class_aware_order_takes_turns_over_predicted_classes():
    predicted = np.array([0, 0, 1, 0, 2, 1, 0, 2, 0, 0])  # class 2: 2 rows, class 1: 2 rows, class 0: 6
    order = class_aware_order(predicted, 7, np.random.default_rng(0))
    taken = predicted[order].tolist()
    # Two full rounds over the three classes, then the only class with rows left.
    assert sorted(taken[:3]) == sorted(taken[3:6]) == [0, 1, 2] and taken[6] == 0
    # The sample's random order is kept within a class.
    for label in (0, 1, 2):
        mine = [i for i in order if predicted[i] == label]
        assert mine == sorted(mine)
    assert len(class_aware_order(predicted, 50, np.random.default_rng(0))) == 10
    assert not len(class_aware_order(predicted, 0, np.random.default_rng(0)))


def test_with_fewer_picks_than_classes_every_class_gets_its_turn_over_the_batches():
    # One pick a batch over a sample where the model predicts class 0 for 90% of the rows: a fixed
    # order (least predicted first) would ask about class 2 every time, never inside class 0.
    predicted = np.array([0] * 54 + [1] * 4 + [2] * 2)
    rng = np.random.default_rng(1)
    asked = [int(predicted[class_aware_order(predicted, 1, rng)[0]]) for _ in range(2000)]
    shares = np.bincount(asked, minlength=3) / len(asked)
    # Chances inversely proportional to the rows predicted in each class: 1/54, 1/4, 1/2.
    expected = np.array([1 / 54, 1 / 4, 1 / 2]) / (1 / 54 + 1 / 4 + 1 / 2)
    assert np.all(np.abs(shares - expected) < 0.03), shares
    assert shares[0] > 0.01 and shares[2] > shares[1] > shares[0]


RARE_POOL = make_pool(n=4000, seed=5)
# A model that puts 1% of the pool in a class "c" (far out on x2): uniform picks would rarely ask about it.
RARE_MODEL = LogisticRegression(C=100).fit(
    RARE_POOL, np.where(RARE_POOL.x2 > 2.33, "c", np.where(RARE_POOL.x1 > 0, "a", "b")))


def rare_scorer(chunk):
    return pd.DataFrame(RARE_MODEL.predict_proba(chunk[["x1", "x2"]]), index=chunk.index,
                        columns=[f"proba_{c}" for c in RARE_MODEL.classes_])


def test_exploration_picks_ask_about_the_class_the_model_predicts_least():
    predicted = RARE_MODEL.predict(RARE_POOL)
    assert (predicted == "c").mean() < 0.015
    runs = []
    # Runs as labels arrive: 300, 301, ... labels of 3 classes: 0.5 × 15 / n, at least 10% of 20.
    for n_labeled in range(300, 330):
        settings = SamplerSettings(strategy="balanced", n_queries=20, seed=0)
        queries, report = QuerySampler(settings, rare_scorer, n_labeled=n_labeled).run([RARE_POOL])
        explored = queries[queries["strategy"] == EXPLORE]
        assert report.explored == len(explored) == 2
        runs.append(list(RARE_MODEL.predict(explored[["x1", "x2"]])))
    asked = [label for run in runs for label in run]
    # A class of 1% of the pool is asked about in almost every run (uniform picks: 2 runs in 10)...
    assert sum("c" in run for run in runs) >= 27, runs
    # ...and the large classes get their turns too.
    assert {"a", "b"} <= set(asked)
