"""A perceptual colour scale for spectrograms, applied with numpy (no matplotlib needed)."""

from __future__ import annotations

import numpy as np

# Dark violet through red and orange to pale yellow; brightness rises steadily along the scale,
# so louder always looks brighter, also in grey.
_ANCHORS = np.array([
    [0, 0, 4],
    [40, 11, 84],
    [101, 21, 110],
    [159, 42, 99],
    [212, 72, 66],
    [245, 125, 21],
    [250, 193, 39],
    [252, 255, 164],
], dtype=np.float64)


def _table(size: int = 256) -> np.ndarray:
    positions = np.linspace(0.0, 1.0, len(_ANCHORS))
    steps = np.linspace(0.0, 1.0, size)
    channels = [np.interp(steps, positions, _ANCHORS[:, c]) for c in range(3)]
    return np.round(np.stack(channels, axis=1)).astype(np.uint8)


_LUT = _table()


def apply_colormap(level: np.ndarray) -> np.ndarray:
    """RGB pixels (uint8, shape ``level.shape + (3,)``) for levels in [0, 1] (clipped)."""
    index = np.clip(np.nan_to_num(level, nan=0.0), 0.0, 1.0) * (len(_LUT) - 1)
    return _LUT[np.round(index).astype(np.intp)]
