"""The PNG plots: one chart per metric, a visible curve and band per strategy, bands blended where
they overlap, and styles that keep six strategies apart."""

import io

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image
from sklearn.datasets import make_classification

from active_labeling.analysis.figures import learning_curve_pngs
from active_labeling.analysis.plotting import PALETTE, Series, line_chart, style, to_png
from active_labeling.analysis.simulation import SimulationSettings, run_simulation


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_each_strategy_gets_a_curve_in_every_chart():
    X, y = make_classification(n_samples=200, n_features=5, n_classes=2, random_state=0)
    strategies = ("random", "margin", "balanced")
    result = run_simulation(X, y, SimulationSettings(strategies=strategies, initial_labels=10, budget=50,
                                                     repetitions=2, seed=1))
    pngs = learning_curve_pngs(result)
    assert sorted(pngs) == ["learning_curves_accuracy.png", "learning_curves_balanced_accuracy.png",
                            "learning_curves_macro_f1.png"]
    for data in pngs.values():
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size[0] >= 600
        colours = {tuple(p) for p in _pixels(data).reshape(-1, 3)}
        for index in range(len(strategies)):
            rgb = tuple(round(255 * c) for c in to_rgb(PALETTE[index]))
            assert rgb in colours  # the strategy's curve is drawn in its own colour


def _pixel_at(figure, png_pixels, x, y):
    # Display coordinates start at the bottom left; image rows at the top.
    px, py = figure.axes[0].transData.transform((x, y))
    return png_pixels[int(round(png_pixels.shape[0] - py)), int(round(px))].astype(int)


def test_overlapping_bands_blend_instead_of_the_last_one_covering_the_others():
    x = [0, 10, 20, 30]
    first = Series("first", x, [0.5] * 4, low=[0.3] * 4, high=[0.7] * 4)
    second = Series("second", x, [0.6] * 4, low=[0.45] * 4, high=[0.85] * 4)
    figure = line_chart([first, second], "bands", "labels", "score")
    pixels = _pixels(to_png(figure))
    only_first = _pixel_at(figure, pixels, 15, 0.37)
    only_second = _pixel_at(figure, pixels, 15, 0.78)
    both = _pixel_at(figure, pixels, 15, 0.475)
    white = np.array([255, 255, 255])
    assert (only_first != white).any() and (only_second != white).any()
    # Where they overlap, the colour is neither band's alone: both show through.
    assert np.abs(both - only_second).sum() > 15 and np.abs(both - only_first).sum() > 15
    # And it is darker than either: two translucent layers over white.
    assert both.sum() < only_first.sum() and both.sum() < only_second.sum()


def _lab(hex_colour):
    rgb = np.array(to_rgb(hex_colour))
    linear = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    f = np.cbrt(np.maximum(xyz / np.array([0.95047, 1.0, 1.08883]), 0.008856))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("count", [6])
def test_six_strategies_differ_in_colour_line_style_and_marker(count):
    looks = [style(i) for i in range(count)]
    for i in range(count):
        for j in range(i + 1, count):
            a, b = looks[i], looks[j]
            assert a["linestyle"] != b["linestyle"] and a["marker"] != b["marker"]
            # CIELAB distance: 30 is a clear difference; the earlier palette had 26 (blue, sky blue).
            assert np.linalg.norm(_lab(a["color"]) - _lab(b["color"])) > 30, (a["color"], b["color"])
