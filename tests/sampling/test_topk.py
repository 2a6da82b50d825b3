"""TopCandidates: the best rows of a stream, with memory bounded by capacity and chunk size."""

from __future__ import annotations

import numpy as np
import pandas as pd

from active_labeling.sampling.topk import COMPACT_FACTOR, TopCandidates


def offer_all(top, scores, chunk_size):
    """Offer ``scores`` chunk by chunk, with a ``row`` column holding each row's pool position."""
    most_held = 0
    for start in range(0, len(scores), chunk_size):
        part = scores[start:start + chunk_size]
        positions = np.arange(start, start + len(part))
        rows = pd.DataFrame({"row": positions, "text": [f"r{p}" for p in positions]})
        top.offer(rows, part, positions, np.column_stack([part, 1 - part]))
        most_held = max(most_held, top._store.size)
    return top.best(), most_held


def test_rising_scores_let_every_row_in_yet_memory_stays_bounded():
    # Worst case for a streaming top-k: every chunk beats everything kept so far.
    scores = np.linspace(0, 1, 20_000)
    best, most_held = offer_all(TopCandidates(50, seed=0), scores, 100)
    assert best.rows["row"].tolist() == list(range(19_999, 19_949, -1))
    assert best.rows["text"].tolist() == [f"r{p}" for p in range(19_999, 19_949, -1)]
    np.testing.assert_array_equal(best.scores, scores[::-1][:50])
    np.testing.assert_array_equal(best.proba[:, 0], best.scores)
    assert most_held <= COMPACT_FACTOR * (50 + 100) + 100


def test_the_result_does_not_depend_on_the_chunking():
    rng = np.random.default_rng(4)
    scores = rng.integers(0, 30, size=3000) / 30  # many ties: the seeded keys decide among them
    reference, _ = offer_all(TopCandidates(200, seed=5), scores, 3000)
    for chunk_size in (1, 17, 450):
        best, _ = offer_all(TopCandidates(200, seed=5), scores, chunk_size)
        pd.testing.assert_frame_equal(best.rows, reference.rows)
        np.testing.assert_array_equal(best.keys, reference.keys)
    assert np.all(np.diff(reference.scores) <= 0)


def test_without_capacity_every_row_is_kept_best_first():
    scores = np.array([0.2, 0.9, 0.5, 0.9, 0.1])
    best, _ = offer_all(TopCandidates(None, seed=0), scores, 2)
    assert sorted(best.rows["row"]) == [0, 1, 2, 3, 4]
    assert best.scores.tolist() == [0.9, 0.9, 0.5, 0.2, 0.1]


def test_nothing_offered_gives_nothing():
    assert TopCandidates(10, seed=0).best() is None
