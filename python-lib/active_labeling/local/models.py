"""A pickled scikit-learn classifier (or pipeline) as the Query Sampler's scorer, in local mode.

It plays the part of a DSS saved model: given a chunk of the pool it returns one
``proba_<class>`` column per class, indexed like the chunk. Unpickling runs code from the file:
load only models you trust.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from typing import List, Optional, Sequence

import numpy as np
import pandas as pd

from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.probabilities import PROBA_PREFIX, ChunkProbabilities


class PickledClassifier:
    """A classifier loaded from a pickle file.

    Parameters
    ----------
    path : str
        The pickle of a fitted scikit-learn classifier or pipeline with ``predict_proba``.

    Attributes
    ----------
    classes : list
        The model's classes, in the order of its probabilities.
    features : list of str or None
        The columns the model was fitted on, when it recorded them (fitted on a DataFrame).
    version : str
        ``<file name>@<first 12 hex digits of its SHA-256>``: changes whenever the file does.
    """

    def __init__(self, path: str):
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
        names = getattr(self.estimator, "feature_names_in_", None)
        self.features: Optional[List[str]] = None if names is None else [str(n) for n in names]
        digest = hashlib.sha256(content).hexdigest()[:12]
        self.version = f"{os.path.basename(path)}@{digest}"
        self.proba_columns = [f"{PROBA_PREFIX}{c}" for c in self.classes]

    def check_columns(self, columns: Sequence[str]) -> None:
        """Raise a :class:`SamplerError` naming the model's features missing from ``columns``."""
        if self.features is None:
            return
        present = set(columns)
        missing = [f for f in self.features if f not in present]
        if missing:
            raise SamplerError(
                f"the data lacks {len(missing)} of the model's features: {', '.join(missing[:10])}"
                f"{'...' if len(missing) > 10 else ''}. Use data with the columns the model was trained on")

    def inputs(self, chunk: pd.DataFrame) -> pd.DataFrame:
        """The chunk as the model takes it: its features, in its order (the chunk itself when it is)."""
        if self.features is None or list(chunk.columns) == self.features:
            return chunk  # selecting would copy the chunk
        self.check_columns(chunk.columns)
        return chunk[self.features]

    def __call__(self, chunk: pd.DataFrame) -> ChunkProbabilities:
        """Class probabilities of every row of the chunk, in order."""
        try:
            proba = self.estimator.predict_proba(self.inputs(chunk))
        except ValueError as error:
            raise SamplerError(f"the model could not score the data: {error}") from None
        return ChunkProbabilities(np.asarray(proba, dtype=np.float64), self.proba_columns)
