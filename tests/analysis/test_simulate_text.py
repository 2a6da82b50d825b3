"""``active-labeling simulate`` on texts: a text-only table, and a mixed one whose every column is
used or left out with a word."""

from __future__ import annotations

import numpy as np
import pandas as pd
from text_corpus import headlines

from active_labeling.analysis.prepare import prepare_table
from active_labeling.cli import main

SMALL = ["--budget", "60", "--initial-labels", "10", "--batch-size", "10", "--repetitions", "2", "--quiet",
         "--strategies", "random,margin"]
TEXT_WAY = ("word 1-2-grams and character 2-4-grams within words, TF-IDF (vocabulary of the labeled texts), "
            "reduced to 100 dimensions (LSA)")


def test_simulate_on_a_text_only_table(tmp_path, capsys):
    table = headlines(400, rtl=0.1, missing=0.02)
    table[["headline", "label"]].to_csv(tmp_path / "headlines.csv", index=False)
    code = main(["simulate", "--data", str(tmp_path / "headlines.csv"), "--target", "label", "--out",
                 str(tmp_path / "out")] + SMALL)
    printed = capsys.readouterr().out
    assert code == 0
    assert f"features: headline: text, {TEXT_WAY}" in printed
    curves = pd.read_csv(tmp_path / "out" / "learning_curves.csv")
    assert curves.groupby("strategy")["accuracy"].last().min() > 0.85  # the words tell the classes apart


def test_simulate_on_a_mixed_table_says_how_each_column_is_used(tmp_path, capsys):
    table = headlines(300, missing=0.05)
    rng = np.random.default_rng(0)
    table["clicks"] = rng.poisson(5, size=len(table))
    table["ticket"] = [f"T{i:05d}" for i in range(len(table))]  # an id-like code: no use as a feature
    table["product"] = [f"p{i % 60}" for i in range(len(table))]  # short codes, 60 of them
    table.to_csv(tmp_path / "mixed.csv", index=False)
    args = ["simulate", "--data", str(tmp_path / "mixed.csv"), "--target", "label",
            "--out", str(tmp_path / "out")]
    assert main(args + SMALL) == 0
    printed = capsys.readouterr().out
    assert "features: clicks: numbers (median-imputed, standardized)" in printed
    assert "features: source: category (one-hot, 4 values)" in printed
    assert f"features: headline: text, {TEXT_WAY}" in printed
    assert ("features: left out: ticket (a category with 300 distinct values, more than 50; name it a text "
            "column to use it as text); product (a category with 60 distinct values") in printed
    # Named as a text column, a code is read as text (its character n-grams) rather than left out.
    assert main(args + SMALL + ["--text-columns", "product", "--repetitions", "1", "--budget", "20"]) == 0
    printed = capsys.readouterr().out
    assert "features: product: text, word 1-2-grams" in printed and "left out: ticket" in printed


def test_the_text_features_of_a_simulation_are_centered_scaled_and_seeded():
    table = headlines(120, missing=0.05)
    first, labels, used = prepare_table(table, "label", ["headline"], seed=3)
    again, _, _ = prepare_table(table, "label", ["headline"], seed=3)
    assert first.shape == (120, 100) and np.allclose(first, again)
    assert np.allclose(first.mean(axis=0), 0, atol=1e-9) and np.isclose(first.std(), 1)
    # One scale for the block: the first LSA dimensions keep more weight than the last ones.
    assert first[:, :10].std() > 1.5 * first[:, -10:].std()
    assert list(labels[:2]) == ["news", "clickbait"] and used == [f"headline: text, {TEXT_WAY}"]
