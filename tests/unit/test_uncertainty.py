import numpy as np
import pytest

from active_labeling.sampling.uncertainty import entropy, least_confidence, margin

PROBA = np.array([[0.5, 0.3, 0.2], [0.9, 0.05, 0.05], [1 / 3, 1 / 3, 1 / 3]])


def test_least_confidence_by_hand():
    np.testing.assert_allclose(least_confidence(PROBA), [0.5, 0.1, 2 / 3])


def test_margin_by_hand():
    np.testing.assert_allclose(margin(PROBA), [1 - 0.2, 1 - 0.85, 1.0])


def test_entropy_by_hand_and_zero_probabilities():
    expected = -(0.5 * np.log(0.5) + 0.3 * np.log(0.3) + 0.2 * np.log(0.2))
    scores = entropy([[0.5, 0.3, 0.2], [1.0, 0.0, 0.0]])
    np.testing.assert_allclose(scores, [expected, 0.0])


def test_rejects_a_flat_vector():
    with pytest.raises(ValueError, match="2-D"):
        margin([0.2, 0.8])
