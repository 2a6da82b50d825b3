import numpy as np
import pytest

from active_labeling.sampling.uncertainty import entropy, least_confidence, margin, margin_and_confidence

PROBA = np.array([[0.5, 0.3, 0.2], [0.9, 0.05, 0.05], [1 / 3, 1 / 3, 1 / 3]])


def test_least_confidence_by_hand():
    np.testing.assert_allclose(least_confidence(PROBA), [0.5, 0.1, 2 / 3])


def test_margin_by_hand():
    np.testing.assert_allclose(margin(PROBA), [1 - 0.2, 1 - 0.85, 1.0])


def test_margin_and_confidence_by_hand():
    np.testing.assert_allclose(margin_and_confidence(PROBA),
                               [(0.8 + 0.5) / 2, (0.15 + 0.1) / 2, (1 + 2 / 3) / 2])
    # Between two classes (margin's first) and spread over three (least confidence's first), with the
    # same margin: the spread row ranks first, where margin alone ties them.
    between, spread = [0.45, 0.45, 0.10], [0.36, 0.36, 0.28]
    assert margin([between, spread])[0] == pytest.approx(margin([between, spread])[1])
    assert np.argmax(margin_and_confidence([between, spread])) == 1


def test_with_two_classes_every_measure_ranks_rows_alike():
    p = np.random.default_rng(0).uniform(size=200)
    binary = np.column_stack([p, 1 - p])
    order = np.argsort(margin(binary), kind="stable")
    for measure in (least_confidence, entropy, margin_and_confidence):
        np.testing.assert_array_equal(np.argsort(measure(binary), kind="stable"), order)
    np.testing.assert_array_equal(margin_and_confidence(np.ones((3, 1))), [0.0, 0.0, 0.0])


def test_entropy_by_hand_and_zero_probabilities():
    expected = -(0.5 * np.log(0.5) + 0.3 * np.log(0.3) + 0.2 * np.log(0.2))
    scores = entropy([[0.5, 0.3, 0.2], [1.0, 0.0, 0.0]])
    np.testing.assert_allclose(scores, [expected, 0.0])


def test_rejects_a_flat_vector():
    with pytest.raises(ValueError, match="2-D"):
        margin([0.2, 0.8])
