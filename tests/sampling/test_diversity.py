"""Batch diversity: uncertain queries that are not near-duplicates of each other."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.sampler import QuerySampler, SamplerSettings


def pool_of_groups(copies=40):
    """Five tight groups of near-identical rows; group 0 is the most uncertain for the model."""
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [10, 0], [0, 10], [10, 10], [20, 20]], dtype=float)
    group = np.repeat(np.arange(5), copies)
    points = centres[group] + rng.normal(scale=0.05, size=(len(group), 2))
    return pd.DataFrame({"u": points[:, 0], "v": points[:, 1], "group": group.astype(str)})


def scorer(chunk):
    # Uncertainty decreases group by group: group 0 near p = 0.5, group 4 confident.
    offset = chunk["group"].astype(int).to_numpy() * 0.5 + np.abs(chunk["u"].to_numpy() % 1) * 0.01
    p = 1 / (1 + np.exp(-offset))
    return pd.DataFrame({"proba_a": p, "proba_b": 1 - p}, index=chunk.index)


def sample(pool, n_queries=5, **settings):
    settings = SamplerSettings(n_queries=n_queries, seed=4, **settings)
    sampler = QuerySampler(settings, scorer, id_column="group")
    return sampler.run([pool.iloc[:77], pool.iloc[77:]])[0]


def test_plain_uncertainty_returns_near_duplicates():
    queries = sample(pool_of_groups(), strategy="margin")
    assert set(queries["group"]) == {"0"}


def test_batch_diversity_takes_the_most_uncertain_of_each_group():
    pool = pool_of_groups()
    queries = sample(pool, strategy="batch_diversity", diversity_factor=40, diversity_space="features")
    assert sorted(queries["group"]) == ["0", "1", "2", "3", "4"]
    assert queries["score"].is_monotonic_decreasing and queries["rank"].tolist() == [1, 2, 3, 4, 5]
    best_of_group = sample(pool, strategy="margin", n_queries=1000)[["group", "score"]].groupby("group").max()
    np.testing.assert_allclose(queries.set_index("group")["score"].sort_index(), best_of_group["score"])


def test_same_seed_same_batch():
    pool = pool_of_groups()
    first = sample(pool, strategy="batch_diversity", diversity_factor=10)
    again = sample(pool, strategy="batch_diversity", diversity_factor=10)
    pd.testing.assert_frame_equal(first, again)


def test_probability_space_for_pools_without_numeric_columns():
    pool = pool_of_groups()
    as_text = pool.assign(u=pool["u"].round(3).astype(str), v=pool["v"].round(3).astype(str))

    def text_scorer(chunk):
        return scorer(chunk.assign(u=chunk["u"].astype(float)))

    queries = QuerySampler(SamplerSettings(strategy="batch_diversity", n_queries=5, diversity_factor=40),
                           text_scorer).run([as_text])[0]
    # Groups have distinct probabilities: one query per group again.
    assert sorted(queries["group"]) == ["0", "1", "2", "3", "4"]
    with pytest.raises(SamplerError, match="numeric columns"):
        QuerySampler(SamplerSettings(strategy="batch_diversity", n_queries=5, diversity_space="features"),
                     text_scorer, id_column="group").run([as_text])


def test_fewer_distinct_points_than_queries_still_fills_the_batch():
    pool = pd.DataFrame({"u": [1.0] * 30 + [2.0] * 30, "v": 0.0, "group": "0"})
    queries = sample(pool, strategy="batch_diversity", n_queries=4, diversity_factor=10)
    assert len(queries) == 4 and set(queries["u"]) == {1.0, 2.0}


def test_only_the_models_features_define_near_duplicates():
    pool = pool_of_groups()
    rng = np.random.default_rng(5)
    noisy = pool.assign(**{f"noise{i}": rng.normal(size=len(pool)) for i in range(12)})
    settings = SamplerSettings(strategy="batch_diversity", n_queries=5, diversity_factor=40, seed=4)
    with_features = QuerySampler(settings, scorer, id_column="group", features=["u", "v"]).run([noisy])[0]
    assert sorted(with_features["group"]) == ["0", "1", "2", "3", "4"]
    # Without knowing the features, the noise columns blur the groups: some group is picked twice.
    blind = QuerySampler(settings, scorer, id_column="group").run([noisy])[0]
    assert sorted(blind["group"]) != ["0", "1", "2", "3", "4"]
