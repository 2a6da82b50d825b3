"""``active-labeling simulate`` as a user runs it: a table in, a summary printed, files out."""

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.datasets import make_classification

from active_labeling.cli import main

SMALL = ["--budget", "40", "--initial-labels", "10", "--batch-size", "10", "--repetitions", "2", "--quiet"]


def test_simulate_on_a_csv_prints_the_summary_and_writes_curves_and_plots(tmp_path, capsys):
    X, y = make_classification(n_samples=200, n_features=4, n_informative=3, n_redundant=0,
                               n_classes=3, random_state=0)
    table = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    table["colour"] = np.where(X[:, 0] > 0, "red", "blue")  # a text feature, one-hot encoded
    table["label"] = np.array(["x", "y", "z"])[y]
    table.to_csv(tmp_path / "data.csv", index=False)
    out = tmp_path / "out"
    code = main(["simulate", "--data", str(tmp_path / "data.csv"), "--target", "label",
                 "--strategies", "random,margin", "--out", str(out)] + SMALL)
    printed = capsys.readouterr().out
    assert code == 0
    assert "labels→95% acc" in printed and "random" in printed and "margin" in printed
    assert "full-data scores per repetition: #1 accuracy" in printed
    curves = pd.read_csv(out / "learning_curves.csv")
    assert list(curves.columns)[:6] == ["strategy", "repetition", "labels", "accuracy", "macro_f1",
                                        "balanced_accuracy"]
    assert set(curves["strategy"]) == {"random", "margin"} and curves["labels"].max() == 40
    summary = pd.read_csv(out / "summary.csv")
    assert {"aulc_accuracy", "labels_to_95", "labels_to_99", "aulc_accuracy_std",
            "labels_to_95_macro_f1", "labels_to_5_per_class"} <= set(summary.columns)
    assert (out / "learning_curves_accuracy.png").read_bytes()[:4] == b"\x89PNG"


def test_simulate_on_a_folder_of_images_in_class_subfolders(tmp_path, capsys):
    rng = np.random.default_rng(0)
    for label, colour in (("red", (220, 30, 30)), ("blue", (30, 30, 220))):
        (tmp_path / "images" / label).mkdir(parents=True)
        for i in range(25):
            noisy = np.clip(np.array(colour) + rng.normal(0, 40, (12, 12, 3)), 0, 255).astype("uint8")
            Image.fromarray(noisy).save(tmp_path / "images" / label / f"{i}.png")
    (tmp_path / "images" / "red" / "notes.txt").write_text("not an image: left out")
    code = main(["simulate", "--data", str(tmp_path / "images"), "--strategies", "random,balanced",
                 "--out", str(tmp_path / "out"), "--budget", "20", "--initial-labels", "4",
                 "--batch-size", "4", "--repetitions", "1"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "balanced, repetition 1: 20 labels, accuracy" in printed  # progress
    # 50 images, 30% held out: a budget of 20 fits in the pool, so nothing is said about it.
    assert "larger than the pool" not in printed
    curves = pd.read_csv(tmp_path / "out" / "learning_curves.csv")
    assert curves.groupby("strategy")["accuracy"].last().min() > 0.9  # colours are easy to tell apart


@pytest.mark.parametrize("extra, message", [
    (["--target", "nope"], "target column 'nope'"),
    (["--target", "label", "--strategies", "margin,psychic"], "unknown psychic"),
    (["--target", "label", "--budget", "0"], "--budget must be at least 1"),
])
def test_mistakes_get_a_clear_message_and_exit_code_2(tmp_path, capsys, extra, message):
    pd.DataFrame({"a": [1, 2, 3, 4], "label": ["x", "y", "x", "y"]}).to_csv(tmp_path / "d.csv", index=False)
    assert main(["simulate", "--data", str(tmp_path / "d.csv"), "--out", str(tmp_path)] + extra) == 2
    assert message in capsys.readouterr().err


def test_a_budget_larger_than_the_pool_is_named(tmp_path, capsys):
    X, y = make_classification(n_samples=60, n_features=4, n_informative=3, n_redundant=0, random_state=0)
    table = pd.DataFrame(X, columns=["a", "b", "c", "d"]).assign(label=y)
    table.to_csv(tmp_path / "small.csv", index=False)
    code = main(["simulate", "--data", str(tmp_path / "small.csv"), "--target", "label", "--strategies",
                 "random", "--out", str(tmp_path / "out"), "--budget", "100", "--initial-labels", "10",
                 "--batch-size", "10", "--repetitions", "1", "--quiet"])
    assert code == 0
    assert "The budget (100 labels) is larger than the pool (42 rows" in capsys.readouterr().out
