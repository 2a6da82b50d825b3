"""A pickled scikit-learn classifier (or pipeline) as the Query Sampler's scorer, in local mode.

It plays the part of a DSS saved model: given a chunk of the pool it gives the model what
``learning.model_input`` says (a text pool's texts, a table's item columns) and returns one
probability column per class, one row per row of the chunk. Unpickling runs code from the file:
load only models you trust.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from typing import List, Optional

import pandas as pd

from active_labeling.learning.model_input import (
    INPUT_ERRORS,
    TABLE,
    ModelInput,
    ModelInputError,
    check_proba,
    failure,
)
from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.probabilities import PROBA_PREFIX, ChunkProbabilities


class PickledClassifier:
    """A classifier loaded from a pickle file.

    Parameters
    ----------
    path : str
        The pickle of a fitted scikit-learn classifier or pipeline with ``predict_proba``.
    rule : ModelInput, optional
        What the model receives of each chunk (``learning.model_input``); default: a DataFrame of
        the chunk's columns (a tabular pool without an id column).

    Attributes
    ----------
    classes : list
        The model's classes, in the order of its probabilities.
    features : list of str or None
        The pool columns the model reads, when known: the text column of a text pool, or the
        columns a model fitted on a DataFrame recorded.
    version : str
        ``<file name>@<first 12 hex digits of its SHA-256>``: changes whenever the file does.
    """

    def __init__(self, path: str, rule: Optional[ModelInput] = None):
        try:
            with open(path, "rb") as handle:
                content = handle.read()
        except OSError as error:
            raise SamplerError(f"cannot read the model file {path}: {error.strerror or error}") from None
        try:
            self.estimator = pickle.loads(content)
        except Exception as error:  # unpickling can raise almost anything
            raise SamplerError(f"{path} is not a loadable pickle of a scikit-learn model ({error}); "
                               "save the fitted model with pickle.dump") from None
        name = type(self.estimator).__name__
        if not hasattr(self.estimator, "predict_proba"):
            raise SamplerError(f"the model in {path} ({name}) has no predict_proba: it is not a "
                               "classifier (a regressor?). The sampler needs a fitted classifier that gives "
                               "probabilities")
        classes = getattr(self.estimator, "classes_", None)
        if classes is None:
            raise SamplerError(f"the model in {path} ({name}) has no classes_: fit it before pickling it")
        self.classes: List = list(classes)
        self.rule = rule or ModelInput.table()
        names = getattr(self.estimator, "feature_names_in_", None)
        # A model fitted on a DataFrame gets the columns it recorded, in its order.
        self._recorded: Optional[List[str]] = None if names is None else [str(n) for n in names]
        self.features: Optional[List[str]] = (self._recorded if self.rule.form == TABLE
                                               else [str(self.rule.column)])
        digest = hashlib.sha256(content).hexdigest()[:12]
        self.version = f"{os.path.basename(path)}@{digest}"
        self.proba_columns = [f"{PROBA_PREFIX}{c}" for c in self.classes]

    def inputs(self, chunk: pd.DataFrame):
        """The chunk as the model receives it (``self.rule``); a ``SamplerError`` names missing columns."""
        try:
            return self.rule.of(chunk, self._recorded if self.rule.form == TABLE else None)
        except ModelInputError as error:
            raise SamplerError(str(error)) from None

    def __call__(self, chunk: pd.DataFrame) -> ChunkProbabilities:
        """Class probabilities of every row of the chunk, in order."""
        inputs = self.inputs(chunk)
        try:
            proba = check_proba(self.rule, inputs, self.estimator.predict_proba(inputs), self.estimator)
        except ModelInputError as error:
            raise SamplerError(str(error)) from None
        except INPUT_ERRORS as error:
            raise SamplerError(str(failure(self.rule, inputs, error, self.estimator))) from None
        return ChunkProbabilities(proba, self.proba_columns)
