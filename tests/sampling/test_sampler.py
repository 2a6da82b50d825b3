"""The streaming QuerySampler: same queries whatever the chunking, ties, exclusion, dropped rows, errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from active_labeling.items import ids_from_hashes, row_hashes
from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.exclusion import LabeledFilter, labeled_item_ids
from active_labeling.sampling.sampler import QuerySampler, SamplerSettings


def logistic_scorer(chunk):
    """Class probabilities from column ``x``; rows whose ``x`` is missing are dropped, like DSS does."""
    x = chunk["x"].dropna()
    p = 1 / (1 + np.exp(-x.to_numpy(dtype=float)))
    return pd.DataFrame({"proba_no": 1 - p, "proba_yes": p}, index=x.index)


def chunked(frame, size):
    return [frame.iloc[i:i + size] for i in range(0, len(frame), size)]


def run(pool, chunk_size=None, scorer=logistic_scorer, labeled=None, id_column=None, **settings):
    sampler = QuerySampler(SamplerSettings(**settings), scorer, labeled, "v7", id_column)
    return sampler.run(chunked(pool, chunk_size or len(pool)))


def test_streaming_keeps_exactly_the_best_rows_whatever_the_chunking():
    rng = np.random.default_rng(3)
    # Coarse values: many exact ties, so the tie-break matters too.
    pool = pd.DataFrame({"x": rng.integers(-20, 20, size=5000) / 4, "id": np.arange(5000)})
    whole, _ = run(pool, n_queries=300, seed=9)
    for size in (7, 333, 1000):
        pieces, _ = run(pool, size, n_queries=300, seed=9)
        pd.testing.assert_frame_equal(whole, pieces)
    # The queries are the 300 rows with the smallest |x| (most uncertain): no better row was lost.
    assert whole["x"].abs().max() <= np.sort(pool["x"].abs())[299]
    assert whole["score"].is_monotonic_decreasing


def test_ties_are_broken_by_the_seed():
    pool = pd.DataFrame({"x": np.zeros(1000), "id": np.arange(1000)})
    first, _ = run(pool, 100, n_queries=50, seed=1)
    again, _ = run(pool, 250, n_queries=50, seed=1)
    other, _ = run(pool, 100, n_queries=50, seed=2)
    assert first["id"].tolist() == again["id"].tolist()
    assert first["id"].tolist() != other["id"].tolist()
    assert first["id"].tolist() != list(range(50))  # not simply the first rows read


def test_zero_keeps_every_row_ranked():
    pool = pd.DataFrame({"x": [3.0, -0.1, 1.0, 0.0]})
    queries, report = run(pool, 2, n_queries=0)
    assert queries["x"].tolist() == [0.0, -0.1, 1.0, 3.0]
    assert queries["rank"].tolist() == [1, 2, 3, 4] and report.queries_written == 4


def test_values_and_dtypes_are_kept_as_read():
    pool = pd.DataFrame({"x": [0.5, -2.0, 0.1], "count": np.array([1, 2, 3], dtype=np.int64),
                         "text": ["a", "b", None], "flag": [True, False, True]})
    queries, _ = run(pool, n_queries=3)
    assert queries.dtypes[["x", "count", "text", "flag"]].tolist() == pool.dtypes.tolist()
    assert queries[["x", "count", "text", "flag"]].iloc[0].tolist() == [0.1, 3, None, True]
    assert queries["model_version"].tolist() == ["v7"] * 3


def test_dropped_rows_are_counted_not_silently_lost():
    pool = pd.DataFrame({"x": [0.1, np.nan, 2.0, np.nan, -0.3]})
    queries, report = run(pool, 2, n_queries=10)
    assert report.rows_read == 5 and report.rows_dropped == 2 and report.rows_scored == 3
    assert queries["x"].tolist() == [0.1, -0.3, 2.0]
    assert "rows dropped by the model's preprocessing: 2" in report.lines()


def test_labeled_duplicates_are_told_apart_by_occurrence():
    pool = pd.DataFrame({"x": [0.0, 0.0, 0.0, 1.0], "tag": ["same", "same", "same", "other"]})
    ids = ids_from_hashes(row_hashes(pool))
    assert ids[1] == ids[0] + "-2" and ids[2] == ids[0] + "-3"
    # Copies sit in different chunks: occurrences are counted across chunks.
    queries, report = run(pool, 1, labeled=LabeledFilter([ids[0], ids[2], "ffffffffffffffff"]), n_queries=10)
    assert report.rows_excluded == 2 and queries["tag"].tolist() == ["same", "other"]
    # A fourth copy does not exist: labeling it leaves every row in.
    queries, report = run(pool, 2, labeled=LabeledFilter([ids[0] + "-4"]), n_queries=10)
    assert report.rows_excluded == 0 and len(queries) == 4


def test_labeled_ids_from_an_id_column():
    pool = pd.DataFrame({"x": [0.0, 0.1, 0.2], "key": [10, 11, 12]})
    queries, report = run(pool, labeled=LabeledFilter({"11"}, "key"), id_column="key", n_queries=5)
    assert queries["key"].tolist() == [10, 12] and report.rows_excluded == 1


def test_an_annotators_later_skip_supersedes_their_label():
    metadata = pd.DataFrame({"label_id": [1, 2, 3, 4], "item_id": ["a", "b", "a", "c"],
                             "annotator": ["ann", "ann", "ann", "bob"],
                             "status": ["labeled", "labeled", "skipped", "labeled"]})
    assert labeled_item_ids(metadata) == {"b", "c"}
    with pytest.raises(SamplerError, match="status"):
        labeled_item_ids(metadata.drop(columns=["status"]))


def test_empty_pool_is_an_error():
    with pytest.raises(SamplerError, match="empty"):
        QuerySampler(SamplerSettings(), logistic_scorer).run([])
    with pytest.raises(SamplerError, match="empty"):
        no_rows = pd.DataFrame({"x": pd.Series([], dtype=float)})
        QuerySampler(SamplerSettings(), logistic_scorer).run([no_rows])


def test_a_model_dropping_every_row_is_an_error():
    with pytest.raises(SamplerError, match="dropped all 2 rows"):
        run(pd.DataFrame({"x": [np.nan, np.nan]}))


def test_a_model_without_probabilities_is_an_error():
    def regressor(chunk):
        return pd.DataFrame({"prediction": chunk["x"]})

    with pytest.raises(SamplerError, match="regression"):
        run(pd.DataFrame({"x": [1.0]}), scorer=regressor)


def test_output_columns_may_not_clash_with_the_pool():
    with pytest.raises(SamplerError, match="score"):
        run(pd.DataFrame({"x": [1.0], "score": [3]}))


def test_everything_labeled_gives_no_queries_but_the_columns():
    pool = pd.DataFrame({"x": [0.0, 1.0], "key": ["a", "b"]})
    queries, report = run(pool, labeled=LabeledFilter({"a", "b"}, "key"), id_column="key")
    assert len(queries) == 0 and report.rows_excluded == 2
    assert list(queries.columns) == ["x", "key", "score", "rank", "strategy", "model_version",
                                     "prediction", "probabilities"]


def test_settings_are_checked():
    with pytest.raises(SamplerError, match="strategy"):
        SamplerSettings(strategy="most_fun")
    with pytest.raises(SamplerError, match="number of queries above 0"):
        SamplerSettings(strategy="batch_diversity", n_queries=0)


def test_a_chunk_entirely_dropped_may_come_back_without_probability_columns():
    def picky(chunk):
        kept = chunk[chunk["x"].notna()]
        if not len(kept):
            return pd.DataFrame(index=kept.index)  # what some models answer for no rows
        return logistic_scorer(kept)

    pool = pd.DataFrame({"x": [np.nan, np.nan, 0.2, 3.0]})
    queries, report = run(pool, 2, scorer=picky, n_queries=5)
    assert queries["x"].tolist() == [0.2, 3.0] and report.rows_dropped == 2


@pytest.mark.parametrize("as_frame", [True, False])
def test_rows_with_missing_probabilities_are_counted_as_dropped(as_frame):
    from active_labeling.sampling.probabilities import ChunkProbabilities

    def scorer(chunk):  # a model answering NaN for rows it can't score, instead of leaving them out
        p = 1 / (1 + np.exp(-chunk["x"].to_numpy(dtype=float)))
        if as_frame:
            return pd.DataFrame({"proba_no": 1 - p, "proba_yes": p}, index=chunk.index)
        return ChunkProbabilities(np.column_stack([1 - p, p]), ["proba_no", "proba_yes"])

    pool = pd.DataFrame({"x": [0.4, np.nan, -0.1, 2.0, np.nan, 1.0], "id": np.arange(6)})
    queries, report = run(pool, 4, scorer=scorer, n_queries=0)
    assert queries["id"].tolist() == [2, 0, 5, 3]
    assert report.rows_dropped == 2 and report.rows_scored == 4


@pytest.mark.parametrize("strategy", ["margin", "balanced"])
def test_each_query_carries_the_models_guess_and_its_likeliest_classes(strategy):
    pool = pd.DataFrame({"x": np.linspace(-3, 3, 61), "id": np.arange(61)})
    queries, _ = run(pool, 10, n_queries=12, strategy=strategy, seed=4)
    p = 1 / (1 + np.exp(-queries["x"].to_numpy()))
    assert queries["prediction"].tolist() == ["yes" if v > 0.5 else "no" for v in p]
    for cell, yes in zip(queries["probabilities"], p):
        table = json.loads(cell)
        assert list(table) == (["yes", "no"] if yes > 0.5 else ["no", "yes"])  # likeliest first
        assert table["yes"] == pytest.approx(yes, abs=1e-4)
        assert table["no"] == pytest.approx(1 - yes, abs=1e-4)


def test_a_pool_with_its_own_prediction_column_keeps_it():
    pool = pd.DataFrame({"x": [0.1, -2.0, 3.0], "prediction": ["a", "b", "c"]})
    queries, _ = run(pool, n_queries=3)
    assert sorted(queries["prediction"]) == ["a", "b", "c"] and "probabilities" not in queries.columns
