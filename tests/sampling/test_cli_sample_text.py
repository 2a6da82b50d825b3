"""`active-labeling sample` on texts: the model receives what the model-input rule says, and a
model given the other form says what it received and what would fit."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from text_corpus import headlines

from active_labeling.cli import main
from active_labeling.sampling.uncertainty import margin


@pytest.fixture
def pool(tmp_path):
    """Headlines (some right-to-left, some missing) with a source: a pool file without labels."""
    table = headlines(300, rtl=0.1, missing=0.05)
    table[["headline", "source"]].to_csv(tmp_path / "pool.csv", index=False)
    return table


def pickled(tmp_path, estimator, name):
    path = tmp_path / name
    path.write_bytes(pickle.dumps(estimator))
    return str(path)


@pytest.fixture
def text_model(tmp_path, pool):
    """The most obvious text model, fitted on 60 headlines."""
    known = pool.dropna().iloc[:60]
    estimator = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(known["headline"], known["label"])
    return estimator, pickled(tmp_path, estimator, "text.pkl")


@pytest.fixture
def table_model(tmp_path, pool):
    """A ColumnTransformer pipeline: TF-IDF on the headline column, one-hot sources."""
    known = pool.dropna().iloc[:60]
    estimator = make_pipeline(ColumnTransformer([("headline", TfidfVectorizer(), "headline"),
                                                 ("source", OneHotEncoder(handle_unknown="ignore"),
                                                  ["source"])]),
                              LogisticRegression())
    estimator.fit(known[["headline", "source"]], known["label"])
    return estimator, pickled(tmp_path, estimator, "table.pkl")


def run(tmp_path, model_path, *extra):
    return main(["sample", "--model", model_path, "--data", str(tmp_path / "pool.csv"), "--out",
                 str(tmp_path / "q.csv"), "--strategy", "margin", "--n", "0", *extra])


def test_a_text_pipeline_gets_the_texts_of_a_text_pool(tmp_path, pool, text_model, capsys):
    estimator, model_path = text_model
    assert run(tmp_path, model_path, "--text-column", "headline") == 0
    printed = capsys.readouterr().out
    assert ("model input: the texts of column 'headline' as a 1-D array of strings (a missing text is '')"
            in printed)
    queries = pd.read_csv(tmp_path / "q.csv", keep_default_na=False)
    assert len(queries) == 300 and list(queries.columns[:2]) == ["headline", "source"]
    # Every row scored as the model scores the texts itself, a missing one as an empty text.
    own = pool["headline"].fillna("").tolist()
    expected = dict(zip(own, margin(estimator.predict_proba(own))))
    assert sorted(queries["headline"]) == sorted(own)
    np.testing.assert_allclose(queries["score"], [expected[text] for text in queries["headline"]])
    assert queries["score"].is_monotonic_decreasing


def test_a_column_transformer_reads_a_tabular_pool_with_missing_headlines(tmp_path, pool, table_model,
                                                                         capsys):
    estimator, model_path = table_model
    assert run(tmp_path, model_path) == 0
    assert "model input: a DataFrame of the item columns" in capsys.readouterr().out
    queries = pd.read_csv(tmp_path / "q.csv")
    frame = pool[["headline", "source"]].fillna("")
    np.testing.assert_allclose(queries["score"], np.sort(margin(estimator.predict_proba(frame)))[::-1])


def test_a_text_pipeline_given_a_table_says_what_it_got_and_what_fits(tmp_path, text_model, capsys):
    _, model_path = text_model
    assert run(tmp_path, model_path) == 2
    message = capsys.readouterr().err
    assert "failed in predict_proba on what it received: a pandas DataFrame of 300 rows × 2 columns " \
           "(headline, source)" in message
    assert "it returned probabilities of shape (2 × 2) for 300 rows" in message
    assert 'make_pipeline(ColumnTransformer([("headline", TfidfVectorizer(), "headline"), ' in message
    assert "sample --text-column COLUMN" in message
    assert not (tmp_path / "q.csv").exists()


def test_a_column_transformer_given_texts_says_what_it_got_and_what_fits(tmp_path, table_model, capsys):
    _, model_path = table_model
    assert run(tmp_path, model_path, "--text-column", "headline") == 2
    message = capsys.readouterr().err
    assert ("failed in predict_proba on what it received: a 1-D numpy array of strings, shape (300,)"
            in message)
    assert "make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))" in message
    assert "sample without --text-column" in message


def test_text_column_mistakes_are_named(tmp_path, text_model, capsys):
    _, model_path = text_model
    assert run(tmp_path, model_path, "--text-column", "title") == 2
    assert "lacks 1 of the model's features: title (its columns: headline, source)" in capsys.readouterr().err
    (tmp_path / "folder").mkdir()
    assert main(["sample", "--model", model_path, "--data", str(tmp_path / "folder"), "--out",
                 str(tmp_path / "q.csv"), "--text-column", "headline"]) == 2
    assert "is a folder; texts come from a column of a CSV or Parquet file" in capsys.readouterr().err
