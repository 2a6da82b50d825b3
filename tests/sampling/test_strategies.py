"""Each strategy's scores and ranking, against hand-computed values and modAL's functions."""

import numpy as np
import pandas as pd
import pytest

from active_labeling.sampling.sampler import QuerySampler, SamplerSettings
from active_labeling.sampling.uncertainty import entropy, least_confidence, margin

# Four items; by hand: least confidence 1 - max, margin 1 - (top1 - top2), entropy -sum p ln p.
TABLE = pd.DataFrame({"proba_a": [0.7, 0.4, 0.98, 0.5], "proba_b": [0.2, 0.35, 0.01, 0.1],
                      "proba_c": [0.1, 0.25, 0.01, 0.4]})
HAND = {
    "least_confidence": [0.3, 0.6, 0.02, 0.5],
    "margin": [0.5, 0.95, 0.03, 0.9],
    "entropy": [-(0.7 * np.log(0.7) + 0.2 * np.log(0.2) + 0.1 * np.log(0.1)),
                -(0.4 * np.log(0.4) + 0.35 * np.log(0.35) + 0.25 * np.log(0.25)),
                -(0.98 * np.log(0.98) + 2 * 0.01 * np.log(0.01)),
                -(0.5 * np.log(0.5) + 0.1 * np.log(0.1) + 0.4 * np.log(0.4))],
}


def table_scorer(chunk):
    return TABLE.loc[chunk["item"]].set_index(chunk.index)


def sample(strategy, n=10, seed=0, chunks=None):
    pool = pd.DataFrame({"item": [0, 1, 2, 3]})
    settings = SamplerSettings(strategy=strategy, n_queries=n, seed=seed)
    return QuerySampler(settings, table_scorer).run(chunks or [pool])


@pytest.mark.parametrize("strategy", sorted(HAND))
def test_uncertainty_strategies_rank_by_hand_computed_scores(strategy):
    queries, _ = sample(strategy)
    expected = np.array(HAND[strategy])
    order = np.argsort(-expected)
    assert queries["item"].tolist() == order.tolist()
    np.testing.assert_allclose(queries["score"], expected[order])
    assert queries["rank"].tolist() == [1, 2, 3, 4]
    assert set(queries["strategy"]) == {strategy}


def test_n_keeps_only_the_best():
    queries, report = sample("margin", n=2)
    assert queries["item"].tolist() == [1, 3]
    assert report.queries_written == 2 and report.rows_scored == 4


def test_binary_margin_is_one_minus_the_gap():
    np.testing.assert_allclose(margin([[0.9, 0.1], [0.45, 0.55], [0.5, 0.5]]), [0.2, 0.9, 1.0])


def test_random_depends_on_the_seed_only():
    pool = pd.DataFrame({"item": np.arange(4).repeat(50)})
    whole, _ = sample("random", n=20, seed=5, chunks=[pool])
    pieces, _ = sample("random", n=20, seed=5, chunks=[pool.iloc[:70], pool.iloc[70:130], pool.iloc[130:]])
    other, _ = sample("random", n=20, seed=6, chunks=[pool])
    assert whole.index.equals(pieces.index)
    np.testing.assert_array_equal(whole["score"], pieces["score"])
    assert not np.array_equal(whole["score"], other["score"])
    assert ((whole["score"] >= 0) & (whole["score"] < 1)).all()
    assert whole["score"].is_monotonic_decreasing


class _FixedProba:
    """A stand-in classifier for modAL: it answers the given probability table."""

    def __init__(self, proba):
        self.proba = proba

    def predict_proba(self, X):
        return self.proba


@pytest.mark.parametrize("n_classes", [2, 3, 7])
def test_parity_with_modal(n_classes):
    uncertainty = pytest.importorskip("modAL.uncertainty")
    rng = np.random.default_rng(n_classes)
    proba = rng.dirichlet(np.ones(n_classes) * 0.7, size=500)
    clf, X = _FixedProba(proba), np.zeros((500, 1))
    np.testing.assert_allclose(least_confidence(proba), uncertainty.classifier_uncertainty(clf, X))
    np.testing.assert_allclose(margin(proba), 1.0 - uncertainty.classifier_margin(clf, X), atol=1e-12)
    np.testing.assert_allclose(entropy(proba), uncertainty.classifier_entropy(clf, X), atol=1e-12)
