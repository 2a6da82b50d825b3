"""The default text model: word and character n-gram TF-IDF, and a logistic regression.

Words (1- and 2-grams) catch what a text says, characters (2- to 4-grams inside words, as
scikit-learn's ``char_wb``) catch spellings, inflections and scripts without spaces between
words. Each block is TF-IDF weighted (sublinear counts) and normalized on its own, so both count.
Up to :data:`LARGE_POOL` texts the features are the vocabulary of the labeled texts; above, they
are hashed (fixed size, nothing to store per word), so the model stays small however large the pool.

Character n-grams are counted once per distinct word of a batch and summed over each text's words
(:class:`WordCharNgrams`): the same counts as ``char_wb`` on every text, several times faster,
since words repeat. 100,000 texts of about 20 words take about 4 s to turn into features.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline

from active_labeling.learning.model_input import texts

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 4)
LARGE_POOL = 20_000  # texts; above, features are hashed
HASHED_FEATURES = 2 ** 18  # per block: collisions stay rare, a binary model's weights weigh 4 MB
# Texts call for less regularization than scaled numbers: features are many and sparse. The
# solver is sag: on rows of unit norm it converges in a few dozen passes, ten times faster than
# lbfgs or liblinear on tens of thousands of sparse columns (with scikit-learn 1.9 and SciPy 1.17).
TEXT_C = 10.0


class WordCharNgrams(TransformerMixin, BaseEstimator):
    """Counts of the character n-grams inside the words of each text (``char_wb``), computed per word.

    Parameters
    ----------
    ngram_range : (int, int)
        Smallest and largest n.
    n_features : int, optional
        Hash the n-grams into this many columns; None: a vocabulary of the n-grams seen by ``fit``.

    Words are the whitespace-separated tokens of the lower-cased text, as for ``char_wb``, so the
    result equals ``CountVectorizer(analyzer="char_wb")`` (or ``HashingVectorizer``, with
    ``alternate_sign=False, norm=None``) applied to the texts.
    """

    def __init__(self, ngram_range: Tuple[int, int] = CHAR_NGRAMS, n_features: Optional[int] = None):
        self.ngram_range = ngram_range
        self.n_features = n_features

    def _analyzer(self):
        if self.n_features is None:
            return CountVectorizer(analyzer="char_wb", ngram_range=tuple(self.ngram_range))
        return HashingVectorizer(analyzer="char_wb", ngram_range=tuple(self.ngram_range),
                                 n_features=self.n_features, alternate_sign=False, norm=None)

    def fit(self, X, y=None):  # noqa: D102 - scikit-learn's API
        self.ngrams_ = self._analyzer()
        if self.n_features is None:
            words = _words(texts(X))[1]
            # Not one word to learn from: a single column, always zero.
            self.ngrams_ = self.ngrams_.fit(words) if len(words) else None
        return self

    def transform(self, X):  # noqa: D102 - scikit-learn's API
        counts, words = _words(texts(X))
        if self.ngrams_ is None or not len(words):
            width = 1 if self.ngrams_ is None else self.n_features or len(self.ngrams_.vocabulary_)
            return sp.csr_matrix((counts.shape[0], width), dtype=np.float64)
        per_word = self.ngrams_.transform(words).astype(np.float64)
        return (counts.astype(np.float64) @ per_word).tocsr()


class SeenColumns(TransformerMixin, BaseEstimator):
    """Keep the feature columns that some training row uses.

    A linear model gives the others a zero weight anyway (no data pulls them away from 0), so
    dropping them changes no prediction; it makes a hashed model's fit fast and its pickle small
    (thousands of columns rather than half a million).
    """

    def fit(self, X, y=None):  # noqa: D102 - scikit-learn's API
        matrix = sp.csr_matrix(X)
        self.n_features_in_ = matrix.shape[1]
        self.columns_ = np.unique(matrix.indices[matrix.data != 0]).astype(np.int64)
        return self

    def transform(self, X):  # noqa: D102 - scikit-learn's API
        return sp.csr_matrix(X)[:, self.columns_]


def _words(documents: np.ndarray):
    """(texts × distinct words counts, the distinct words), words as ``char_wb`` splits them."""
    counter = CountVectorizer(tokenizer=str.split, token_pattern=None, lowercase=True)
    try:
        counts = counter.fit_transform(documents)
    except ValueError:  # no word in any text
        return sp.csr_matrix((len(documents), 0), dtype=np.int64), np.array([], dtype=object)
    return counts, counter.get_feature_names_out()


def hashed(pool_size: Optional[int]) -> bool:
    """True when a pool of ``pool_size`` texts gets hashed features."""
    return pool_size is not None and pool_size > LARGE_POOL


def text_features(pool_size: Optional[int] = None) -> FeatureUnion:
    """Word and character n-gram TF-IDF of a 1-D sequence of texts (hashed for a large pool)."""
    if hashed(pool_size):
        words = make_pipeline(HashingVectorizer(ngram_range=WORD_NGRAMS, n_features=HASHED_FEATURES,
                                                alternate_sign=False, norm=None),
                              TfidfTransformer(sublinear_tf=True))
        characters = WordCharNgrams(CHAR_NGRAMS, HASHED_FEATURES)
    else:
        words = TfidfVectorizer(ngram_range=WORD_NGRAMS, sublinear_tf=True)
        characters = WordCharNgrams(CHAR_NGRAMS)
    return FeatureUnion([("words", words),
                         ("characters", make_pipeline(characters, TfidfTransformer(sublinear_tf=True)))])


def text_pipeline(pool_size: Optional[int] = None, seed: int = 0) -> Pipeline:
    """The default model of a text pool: it takes a 1-D sequence of strings (see ``model_input``)."""
    return Pipeline([("features", text_features(pool_size)), ("seen", SeenColumns()),
                     ("classifier", LogisticRegression(C=TEXT_C, solver="sag", max_iter=1000,
                                                       random_state=seed))])


def describe_text_features(pool_size: Optional[int] = None) -> str:
    """How a text column is turned into features, in words."""
    how = (f"hashed into 2 × {HASHED_FEATURES:,} features" if hashed(pool_size)
           else "vocabulary of the labeled texts")
    words, characters = "-".join(map(str, WORD_NGRAMS)), "-".join(map(str, CHAR_NGRAMS))
    return f"word {words}-grams and character {characters}-grams within words, TF-IDF ({how})"
