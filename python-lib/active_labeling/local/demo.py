"""Sample data for ``active-labeling demo``, built from what is installed (nothing downloaded).

- tabular: scikit-learn's bundled iris measurements, to label by species;
- image: small generated pictures of circles, squares and triangles;
- sound: short generated sounds: low tones, high tones and noise.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import numpy as np

# Each description says what tells a category apart, so that a newcomer can decide: the iris
# ranges are those of the bundled data (a test checks them).
SAMPLES = {
    "tabular": ("iris flowers from scikit-learn: label each one's species from its measurements",
                ["setosa=small petals: petal_length_cm 1.0 to 1.9 and petal_width_cm 0.1 to 0.6",
                 "versicolor=medium petals: petal_length_cm 3.0 to 5.1 and petal_width_cm 1.0 to 1.8",
                 "virginica=large petals: petal_length_cm 4.5 to 6.9 and petal_width_cm 1.4 to 2.5; "
                 "where it overlaps versicolor, the wider petals (1.8 and more) belong here"]),
    "image": ("generated pictures: label the shape",
              ["circle=round: a smooth outline with no corners",
               "square=four corners and four straight sides of equal length",
               "triangle=three corners, a point at the top"]),
    "sound": ("generated sounds: label what you hear",
              ["low=a steady deep hum (one tone of 150 to 300 Hz)",
               "high=a steady whistle (one tone of 1200 to 2400 Hz)",
               "noise=a hiss like radio static, with no pitch to hum along"]),
}


def _tabular(folder: Path) -> Path:
    from sklearn.datasets import load_iris

    frame = load_iris(as_frame=True).frame.drop(columns=["target"])
    frame.columns = [c.replace(" (cm)", "_cm").replace(" ", "_") for c in frame.columns]
    path = folder / "iris.csv"
    frame.to_csv(path, index=False)
    return path


def _images(folder: Path, count: int = 30) -> Path:
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(0)
    root = folder / "shapes"
    root.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        shape = ("circle", "square", "triangle")[index % 3]
        image = Image.new("RGB", (160, 160), tuple(int(v) for v in rng.integers(200, 256, 3)))
        draw = ImageDraw.Draw(image)
        x, y, size = (int(v) for v in rng.integers(20, 60, 3))
        color = tuple(int(v) for v in rng.integers(0, 150, 3))
        box = (x, y, x + size + 40, y + size + 40)
        if shape == "circle":
            draw.ellipse(box, fill=color)
        elif shape == "square":
            draw.rectangle(box, fill=color)
        else:
            draw.polygon([(box[0], box[3]), (box[2], box[3]), ((box[0] + box[2]) // 2, box[1])], fill=color)
        image.save(root / f"picture_{index:03d}.png")
    return root


def _sounds(folder: Path, count: int = 15, rate: int = 16000) -> Path:
    import soundfile

    rng = np.random.default_rng(0)
    root = folder / "sounds"
    root.mkdir(parents=True, exist_ok=True)
    time = np.arange(int(rate * 1.5)) / rate
    for index in range(count):
        which = index % 3
        if which == 2:
            samples = rng.normal(0, 0.2, len(time))
        else:
            frequency = rng.uniform(150, 300) if which == 0 else rng.uniform(1200, 2400)
            samples = 0.4 * np.sin(2 * np.pi * frequency * time)
        fade = np.minimum(1, np.minimum(time, time[-1] - time) * 20)  # no clicks at the ends
        soundfile.write(root / f"sound_{index:03d}.wav", (samples * fade).astype(np.float32), rate)
    return root


def build_sample(kind: str, folder: Path) -> Tuple[Path, List[str], str]:
    """Write the sample of ``kind`` under ``folder`` (once); return (data path, categories, description)."""
    folder.mkdir(parents=True, exist_ok=True)
    description, categories = SAMPLES[kind]
    existing = {"tabular": folder / "iris.csv", "image": folder / "shapes", "sound": folder / "sounds"}[kind]
    if existing.exists():
        return existing, categories, description
    maker = {"tabular": _tabular, "image": _images, "sound": _sounds}[kind]
    return maker(folder), categories, description
