"""What the Query Sampler reads and writes in DSS: the saved model, the pool, the metadata, the queries.

Everything goes through DSS's public API: the saved model through ``predict`` (never its private
attributes), folders through their streams (never ``get_path``, which fails on cloud storage or in
a container), datasets chunk by chunk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable, List, Optional, Set

import dataiku
import pandas as pd

from active_labeling.generation import with_generation_bumped
from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.exclusion import REQUIRED_METADATA_COLUMNS, labeled_item_ids
from active_labeling.sampling.folder_rows import PATH_COLUMN, FolderRows
from active_labeling.sampling.sampler import Scorer

log = logging.getLogger(__name__)


@dataclass
class SavedModelScorer:
    """A saved model's active version, scoring chunks through ``predict(df, with_probas=True)``."""

    name: str
    predictor: object
    version: str
    features: Optional[List[str]]

    def __call__(self, chunk: pd.DataFrame) -> pd.DataFrame:
        try:
            return self.predictor.predict(chunk, with_input_cols=False, with_prediction=True,
                                          with_probas=True)
        except KeyError as error:  # a feature column the model could not find (features unknown upfront)
            raise SamplerError(f"the saved model {self.name} could not score the unlabeled data (missing "
                               f"column {error}): give it the columns the model was trained on") from None


def open_saved_model(name: str) -> SavedModelScorer:
    """The active version of a saved model, as the sampler's scorer.

    Parameters
    ----------
    name : str
        Full name ``PROJECTKEY.<savedModelId>`` (what the SAVED_MODEL role gives).

    Raises
    ------
    SamplerError
        For a regression model (its predictor has no classes).
    """
    model = dataiku.Model(name)
    versions = model.list_versions()
    active = [v for v in versions if v.get("active")] or versions[-1:]
    predictor = model.get_predictor()
    getter = getattr(predictor, "get_classes", None)
    classes = getter() if callable(getter) else getattr(predictor, "classes", None)
    if classes is None:
        raise SamplerError(f"the saved model {name} is a regression model: uncertainty needs class "
                           "probabilities. Choose a classification model (two or more classes)")
    getter = getattr(predictor, "get_features", None)
    features = getter() if callable(getter) else getattr(predictor, "features", None)
    version = str(active[0].get("versionId")) if active else "unknown"
    return SavedModelScorer(name, predictor, version, list(features) if features is not None else None)


@dataclass
class Pool:
    """The unlabeled data as chunks, and what the sampler needs to know about it."""

    chunks: Iterable[pd.DataFrame]
    scorer: Scorer
    id_column: Optional[str]
    folder_rows: Optional[FolderRows] = None


def open_pool(name: str, model: SavedModelScorer, chunk_size: int, id_column: Optional[str]) -> Pool:
    """The unlabeled input: a managed folder (one ``path`` row per readable file) or a dataset.

    Parameters
    ----------
    name : str
        Full name of the input (a dataset name or a folder id; both are tried, folder first).
    model : SavedModelScorer
        Its features are checked against the dataset's schema before anything is read.
    chunk_size : int
        Rows per chunk.
    id_column : str, optional
        The labeling webapp's item id column (datasets only).

    Raises
    ------
    SamplerError
        Missing features, unknown id column, an input that is neither a dataset nor a folder, or a
        folder model whose features are not one path.
    """
    try:
        folder = dataiku.Folder(name)
        paths = folder.list_paths_in_partition()
    except Exception as folder_error:  # not a folder: DSS raises plain Exceptions
        return _dataset_pool(name, model, chunk_size, id_column, folder_error)
    rows = FolderRows(paths, folder.get_download_stream, chunk_size)
    return Pool(rows, _folder_scorer(model), PATH_COLUMN, rows)


def _folder_scorer(model: SavedModelScorer) -> Scorer:
    feature = PATH_COLUMN
    if model.features and PATH_COLUMN not in model.features:
        if len(model.features) != 1:
            raise SamplerError(f"the saved model {model.name} takes the features "
                               f"{', '.join(model.features)}, not a file path: with a folder as input, "
                               "choose a model trained on the folder's files (one path column), or give "
                               "a dataset")
        feature = model.features[0]  # an image model names its path column as it likes

    def score(chunk: pd.DataFrame) -> pd.DataFrame:
        return model(chunk if feature == PATH_COLUMN else chunk.rename(columns={PATH_COLUMN: feature}))
    return score


def _dataset_pool(name: str, model: SavedModelScorer, chunk_size: int, id_column: Optional[str],
                  folder_error: Exception) -> Pool:
    dataset = dataiku.Dataset(name)
    try:
        columns = [c.get("name") for c in dataset.read_schema(raise_if_empty=False) or []]
    except Exception as error:
        raise SamplerError(f"cannot read the unlabeled input {name}, neither as a dataset ({error}) nor as a "
                           f"managed folder ({folder_error})") from None
    if not columns:
        raise SamplerError(f"the unlabeled dataset {name} is empty (no columns): build it first")
    missing = [f for f in model.features or [] if f not in columns]
    if missing:
        raise SamplerError(f"the unlabeled dataset {name} lacks the model's feature(s) {', '.join(missing)}: "
                           "choose a dataset with the columns the model was trained on, or retrain the model")
    if id_column and id_column not in columns:
        raise SamplerError(f"the item id column '{id_column}' is not a column of {name}: "
                           "choose one of its columns, or leave it empty")
    return Pool(dataset.iter_dataframes(chunksize=chunk_size), model, id_column)


def read_labeled_ids(name: str) -> Set[str]:
    """Ids of the items labeled in the labeling webapp's metadata dataset ``name``.

    Only the columns needed are read. A metadata dataset never written yet means nothing labeled.
    """
    dataset = dataiku.Dataset(name)
    columns = [c.get("name") for c in dataset.read_schema(raise_if_empty=False) or []]
    if not columns:
        return set()  # nothing labeled yet: the webapp has not written its metadata
    wanted = [c for c in (*REQUIRED_METADATA_COLUMNS, "annotator", "label_id") if c in columns]
    if len(wanted) < len(REQUIRED_METADATA_COLUMNS):
        return labeled_item_ids(pd.DataFrame(columns=columns))  # raises, naming what is missing
    return labeled_item_ids(dataset.get_dataframe(columns=wanted, parse_dates=False))


def write_queries(name: str, queries: pd.DataFrame) -> None:
    """Replace the queries dataset's schema and content."""
    dataiku.Dataset(name).write_with_schema(queries)


def bump_generation(queries_name: str) -> int:
    """Tell webapps and the trigger that new queries exist; returns the new generation.

    The read-modify-write of the project variables is kept as short as possible: another writer
    in between would lose its update (DSS offers no atomic update).
    """
    project = dataiku.Project()
    variables, generation = with_generation_bumped(project.get_variables(), queries_name)
    project.set_variables(variables)
    return generation
