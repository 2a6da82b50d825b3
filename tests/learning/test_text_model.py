"""The default text model: the features scikit-learn would compute, learnt from a few dozen labels,
on texts as the model-input rule gives them (missing texts empty, right-to-left scripts)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from text_corpus import headlines

from active_labeling.learning.model_input import texts
from active_labeling.learning.pipelines import default_pipeline, describe_default
from active_labeling.learning.text import (
    HASHED_FEATURES,
    LARGE_POOL,
    SeenColumns,
    WordCharNgrams,
    text_features,
)

MIXED = ["Parliament approves the  budget", "", "لن تصدق ما حدث بعد ذلك في Oslo (1)", "Ümlaut ÉTÉ été",
         "tabs\tand\nnew lines", "הממשלה מאשרת את התקציב", "a", "日本語のテキスト 東京"]


def test_missing_texts_are_empty_strings_and_numbers_become_text():
    got = texts(pd.Series(["a headline", None, np.nan, 12.5, pd.NA], dtype=object))
    assert got.tolist() == ["a headline", "", "", "12.5", ""]
    assert texts(pd.DataFrame({"t": ["x", None]})).tolist() == ["x", ""]  # a one-column table
    with pytest.raises(ValueError, match="one column"):
        texts(pd.DataFrame({"a": ["x"], "b": ["y"]}))


@pytest.mark.parametrize("hashed", [False, True])
def test_character_ngrams_are_those_of_scikit_learns_char_wb(hashed):
    documents = texts(headlines(300, rtl=0.1, long=0.02, long_chars=3000, missing=0.05)["headline"])
    documents = np.concatenate([documents, np.array(MIXED, dtype=object)])
    ours = WordCharNgrams((2, 4), HASHED_FEATURES if hashed else None).fit(documents[:150])
    if hashed:
        theirs = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=HASHED_FEATURES,
                                   alternate_sign=False, norm=None)
    else:
        theirs = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(documents[:150])
    difference = ours.transform(documents) - theirs.transform(documents)
    assert difference.nnz == 0 or abs(difference).max() == 0


def test_texts_without_any_word_give_rows_of_zeros():
    model = WordCharNgrams().fit(np.array(["one two", "three"], dtype=object))
    assert model.transform(np.array(["", "   "], dtype=object)).nnz == 0
    nothing = WordCharNgrams().fit(np.array([""], dtype=object))
    assert nothing.transform(np.array(["x", "y"], dtype=object)).shape[0] == 2


@pytest.mark.parametrize("pool_size", [100, LARGE_POOL + 1])
def test_headlines_are_learnt_from_forty_labels_and_the_model_pickles(pool_size):
    table = headlines(400, rtl=0.1, missing=0.02)
    inputs, labels = texts(table["headline"]), table["label"].to_numpy()
    model = default_pipeline("text", pool_size=pool_size).fit(inputs[:40], labels[:40])
    assert np.mean(model.predict(inputs[40:]) == labels[40:]) > 0.9
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(copy.predict_proba(inputs[40:60]), model.predict_proba(inputs[40:60]))
    assert ("hashed" in describe_default("text", pool_size=pool_size, text_column="headline")) == (
        pool_size > LARGE_POOL)


def test_dropping_columns_no_labeled_text_uses_changes_no_prediction():
    table = headlines(300, rtl=0.1)
    inputs, labels = texts(table["headline"]), table["label"].to_numpy()
    features = text_features(LARGE_POOL + 1).fit(inputs[:60])
    train, rest = features.transform(inputs[:60]), features.transform(inputs[60:])
    full = LogisticRegression(C=10.0, solver="lbfgs", max_iter=5000, tol=1e-10).fit(train, labels[:60])
    seen = make_pipeline(SeenColumns(), LogisticRegression(C=10.0, solver="lbfgs", max_iter=5000, tol=1e-10))
    seen.fit(train, labels[:60])
    assert seen[0].columns_.size < train.shape[1] / 20  # a few thousand columns out of half a million
    np.testing.assert_allclose(seen.predict_proba(rest), full.predict_proba(rest), atol=1e-5)


def test_tabular_text_columns_use_the_text_model_and_say_so():
    table = headlines(200, missing=0.05)
    table["clicks"] = np.arange(200) % 7
    columns = ["headline", "source", "clicks"]
    train, test = table.iloc[:100], table.iloc[100:]
    model = default_pipeline("tabular", train, columns).fit(train[columns], train["label"])
    assert np.mean(model.predict(test[columns]) == test["label"].to_numpy()) > 0.9
    said = describe_default("tabular", table, columns)
    assert said.startswith("headline: text: word 1-2-grams and character 2-4-grams within words, TF-IDF")
    assert "clicks: numbers (median-imputed, standardized)" in said and "source: categories (one-hot)" in said
