"""The PNG plots: one chart per metric, a visible curve and band per strategy."""

import io

import numpy as np
from PIL import Image
from sklearn.datasets import make_classification

from active_labeling.analysis.figures import learning_curve_pngs
from active_labeling.analysis.plotting import PALETTE, nice_ticks
from active_labeling.analysis.simulation import SimulationSettings, run_simulation


def test_each_strategy_gets_a_curve_and_a_translucent_band_in_both_charts():
    X, y = make_classification(n_samples=200, n_features=5, n_classes=2, random_state=0)
    strategies = ("random", "margin", "balanced")
    result = run_simulation(X, y, SimulationSettings(strategies=strategies, initial_labels=10, budget=50,
                                                     repetitions=2, seed=1))
    pngs = learning_curve_pngs(result)
    assert sorted(pngs) == ["learning_curves_accuracy.png", "learning_curves_macro_f1.png"]
    for data in pngs.values():
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size[0] >= 600
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
        colours = {tuple(p) for p in pixels}
        for index in range(len(strategies)):
            assert PALETTE[index] in colours  # the strategy's curve is drawn
        # Bands: light tints of the palette colours, neither white nor a pure palette colour.
        tints = [p for p in colours if p != (255, 255, 255) and p not in PALETTE and min(p) > 150]
        assert len(tints) > 3


def test_ticks_are_round_numbers_covering_the_range():
    ticks = nice_ticks(0.43, 0.97)
    assert ticks[0] >= 0.43 and ticks[-1] <= 0.97 and len(ticks) >= 4
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0]) and any(np.isclose(steps[0], s) for s in (0.05, 0.1, 0.2))
