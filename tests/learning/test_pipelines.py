"""The default models learn from tabular rows, generated images and generated sounds."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import soundfile
from PIL import Image
from sklearn.datasets import load_digits, load_wine

from active_labeling.learning.evaluation import contradiction_share, evaluate_round, safe_folds
from active_labeling.learning.files import FolderReader
from active_labeling.learning.pipelines import default_pipeline
from active_labeling.learning.tabular import CATEGORY, NUMERIC, TEXT, column_kinds

WORDS = {0: "ruby cherry garnet velvet", 1: "golden straw honey lemon", 2: "amber tawny caramel oak"}


def wine_frame(seed=0):
    data = load_wine(as_frame=True)
    frame = data.frame.drop(columns="target")
    target = data.target.astype(str)
    rng = np.random.default_rng(seed)
    # A category and a free text that carry some of the class, with noise and missing values.
    frame["cellar"] = [f"c{t}" if rng.random() < 0.6 else f"c{rng.integers(3)}" for t in data.target]
    frame["note"] = [f"{' '.join(rng.permutation(WORDS[t].split())[:2])} tasting #{i}"
                     for i, t in enumerate(data.target)]
    frame.loc[::7, "alcohol"] = np.nan
    frame.loc[::11, "cellar"] = None
    return frame, target


def test_tabular_columns_are_told_apart():
    frame, _ = wine_frame()
    kinds = column_kinds(frame, ["alcohol", "cellar", "note"])
    assert kinds == {"alcohol": NUMERIC, "cellar": CATEGORY, "note": TEXT}


def test_tabular_model_learns_survives_missing_values_new_categories_and_pickling():
    frame, target = wine_frame()
    make = lambda: default_pipeline("tabular", frame)  # noqa: E731
    model, figures = evaluate_round(make, frame, target, previous=None, sample=frame.head(20))
    assert figures.folds == 5 and figures.accuracy > 0.85 and figures.macro_f1 > 0.85
    assert figures.contradictions is None and figures.labels == len(frame)
    unseen = frame.head(5).assign(cellar="a cellar never seen", note=None)
    copy = pickle.loads(pickle.dumps(model))
    assert list(copy.predict(unseen)) == list(model.predict(unseen))
    assert copy.predict_proba(unseen).shape == (5, 3)


def test_text_alone_is_enough_to_learn():
    frame, target = wine_frame(seed=1)
    model = default_pipeline("tabular", frame, columns=["note"]).fit(frame.iloc[::2], target.iloc[::2])
    accuracy = np.mean(model.predict(frame.iloc[1::2]) == target.iloc[1::2].to_numpy())
    assert accuracy > 0.9


@pytest.fixture(scope="module")
def digit_images(tmp_path_factory):
    """Bundled 8×8 digits drawn as colored PNGs of various sizes."""
    root = tmp_path_factory.mktemp("digits")
    digits = load_digits()
    rng = np.random.default_rng(0)
    paths, labels = [], []
    for index in range(300):
        gray = (digits.images[index] * 255 / 16).astype(np.uint8)
        tint = rng.uniform(0.6, 1.0, size=3)
        rgb = np.dstack([gray * t for t in tint]).astype(np.uint8)
        side = int(rng.integers(24, 64))
        path = f"/{index:03d}.png"
        Image.fromarray(rgb).resize((side, side)).save(root / path.lstrip("/"))
        paths.append(path)
        labels.append(str(digits.target[index]))
    return root, pd.DataFrame({"path": paths}), pd.Series(labels)


def test_image_model_learns_digits_from_files_through_a_reader(digit_images):
    root, frame, labels = digit_images
    reader = FolderReader(str(root))
    model = default_pipeline("image", frame, reader=reader).fit(frame.iloc[:200], labels.iloc[:200])
    accuracy = np.mean(model.predict(frame.iloc[200:]) == labels.iloc[200:].to_numpy())
    assert accuracy > 0.7
    # A broken file is scored like any other (zero features) instead of stopping the round.
    (root / "broken.png").write_bytes(b"not an image")
    proba = model.predict_proba(pd.DataFrame({"path": ["/broken.png", "/000.png"]}))
    assert proba.shape == (2, 10) and np.isfinite(proba).all()
    reloaded = pickle.loads(pickle.dumps(model))
    assert list(reloaded.predict(frame.iloc[:10])) == list(model.predict(frame.iloc[:10]))


def test_reader_refuses_paths_outside_its_folder(tmp_path):
    with pytest.raises(ValueError):
        FolderReader(str(tmp_path / "pool"))("/../secret.txt")


@pytest.fixture(scope="module")
def tones(tmp_path_factory):
    """Short WAV files: low hums and high whistles, with noise and varying loudness."""
    root = tmp_path_factory.mktemp("tones")
    rng = np.random.default_rng(1)
    rate = 16000
    paths, labels = [], []
    for index in range(40):
        high = index % 2 == 1
        frequency = rng.uniform(2000, 3500) if high else rng.uniform(120, 300)
        seconds = rng.uniform(0.3, 0.8)
        t = np.arange(int(rate * seconds)) / rate
        wave = rng.uniform(0.2, 0.8) * np.sin(2 * np.pi * frequency * t) + 0.02 * rng.normal(size=len(t))
        path = f"/tone_{index:02d}.wav"
        soundfile.write(str(root / path.lstrip("/")), wave.astype(np.float32), rate)
        paths.append(path)
        labels.append("whistle" if high else "hum")
    return root, pd.DataFrame({"path": paths}), pd.Series(labels)


def test_sound_model_tells_hums_from_whistles(tones):
    root, frame, labels = tones
    model = default_pipeline("sound", frame, reader=FolderReader(str(root)))
    model.fit(frame.iloc[:24], labels.iloc[:24])
    assert np.mean(model.predict(frame.iloc[24:]) == labels.iloc[24:].to_numpy()) >= 0.9


def test_fold_count_is_safe_with_few_labels():
    assert safe_folds(pd.Series(["a"] * 10)) == 0  # one class: nothing to cross-validate
    assert safe_folds(pd.Series(["a"] * 10 + ["b"])) == 0  # a class seen once cannot be split
    assert safe_folds(pd.Series(["a"] * 10 + ["b"] * 3)) == 3
    assert safe_folds(pd.Series(["a", "b"] * 50)) == 5


def test_few_labels_give_figures_without_cross_validation():
    frame, target = wine_frame()
    few = frame.iloc[[0, 1, 70]]
    model, figures = evaluate_round(lambda: default_pipeline("tabular", few), few, target.iloc[[0, 1, 70]],
                                    previous=None, sample=frame.head(5))
    assert figures.folds == 0 and figures.accuracy is None and figures.macro_f1 is None
    assert len(model.predict(frame.head(5))) == 5


def test_contradictions_count_changed_predictions_on_the_sample():
    frame, target = wine_frame()
    model = default_pipeline("tabular", frame).fit(frame, target)
    flipped = target.map({"0": "1", "1": "2", "2": "0"})
    other = default_pipeline("tabular", frame).fit(frame, flipped)
    assert contradiction_share(model, model, frame) == 0.0
    assert contradiction_share(model, other, frame) > 0.9
    assert contradiction_share(None, model, frame) is None


def test_an_edited_file_gets_new_features(tmp_path):
    from active_labeling.learning.media_features import ImageFeatures

    path = tmp_path / "a.png"
    Image.new("RGB", (10, 10), (255, 0, 0)).save(path)
    features = ImageFeatures()
    frame = pd.DataFrame({"path": [str(path)]})
    red = features.transform(frame)
    Image.new("RGB", (10, 10), (0, 0, 255)).save(path)
    blue = features.transform(frame)
    assert not np.allclose(red, blue)
    assert np.allclose(features.transform(frame), blue)
