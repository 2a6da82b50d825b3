"""What the Query Sampler reads and writes in DSS: the saved model, the pool, the metadata, the queries.

Everything goes through DSS's public API: the saved model through ``predict`` (never its private
attributes), folders through their streams (never ``get_path``, which fails on cloud storage or in
a container), datasets chunk by chunk.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set, Tuple

import dataiku
import pandas as pd

from active_labeling.dss.dataset_io import fresh, iter_text, read_text, typed_view
from active_labeling.dss.pools import display_name as _display_name
from active_labeling.dss.team_variables import read_team_rule
from active_labeling.generation import with_generation_bumped
from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.exclusion import REQUIRED_METADATA_COLUMNS, labeled_item_ids
from active_labeling.sampling.folder_rows import PATH_COLUMN, FolderRows
from active_labeling.sampling.sampler import Scorer
from active_labeling.sampling.surprise import ExplorationEvidence, read_evidence, with_evidence

log = logging.getLogger(__name__)


INPUT_ROLE = "INPUT"


@dataclass
class SavedModelScorer:
    """A saved model's active version, scoring chunks through ``predict(df, with_probas=True)``.

    ``features`` are the model's *input columns* (the columns of the training data with the
    input role), not ``predictor.get_features()``, which names what the preprocessing makes of
    them (``dummy:city:Paris``...); None when the predictor does not say.
    """

    name: str
    predictor: object
    version: str
    features: Optional[List[str]]
    feature_types: Dict[str, str] = field(default_factory=dict)
    display: str = ""  # the model's name in DSS, for messages (``name`` may be an id)

    def __str__(self) -> str:
        return f"'{self.display}'" if self.display and self.display != self.name else self.name

    def __call__(self, chunk: pd.DataFrame) -> pd.DataFrame:
        try:
            return self.predictor.predict(chunk, with_input_cols=False, with_prediction=True,
                                          with_probas=True)
        except KeyError as error:  # a feature column the model could not find (features unknown upfront)
            raise SamplerError(f"the saved model {self} could not score the unlabeled data (missing "
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
    display = _display_name(model, name)
    versions = model.list_versions()
    active = [v for v in versions if v.get("active")] or versions[-1:]
    version = str(active[0].get("versionId")) if active else "unknown"
    predictor = load_predictor(model, display, None)
    getter = getattr(predictor, "get_classes", None)
    classes = getter() if callable(getter) else getattr(predictor, "classes", None)
    if classes is None:
        raise SamplerError(f"the saved model {display} is a regression model: uncertainty needs class "
                           "probabilities. Choose a classification model (two or more classes)")
    inputs = input_columns(predictor)
    return SavedModelScorer(name, predictor, version, list(inputs) if inputs is not None else None,
                            dict(inputs or {}), display)


def input_columns(predictor) -> Optional[Dict[str, str]]:
    """The model's input columns and their feature types (``NUMERIC``, ``CATEGORY``, ``TEXT``...).

    Read from the preprocessing parameters of the model's design (``per_feature``, role
    ``INPUT``), in the order DSS lists them; None when the predictor has no such parameters.
    """
    params = getattr(predictor, "params", None)
    per_feature = (getattr(params, "preprocessing_params", None) or {}).get("per_feature")
    if not isinstance(per_feature, dict):
        return None
    return {str(column): str((spec or {}).get("type") or "") for column, spec in per_feature.items()
            if (spec or {}).get("role") == INPUT_ROLE}


def load_predictor(model, name: str, version_id: Optional[str]):
    """``model.get_predictor(version_id)``, or an error that says which scikit-learn it needs.

    The predictor unpickles the model trained by DSS's visual ML inside the plugin's code env,
    which must hold the same scikit-learn major.minor (and xgboost or lightgbm when used).
    """
    import sklearn

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return model.get_predictor(version_id) if version_id else model.get_predictor()
        except Exception as error:
            trained_with = _pickled_sklearn_version(caught)
            needs = (f"; the model was trained with scikit-learn {trained_with}" if trained_with
                     else "")
            raise SamplerError(
                f"the saved model {name} could not be loaded in the plugin's code env "
                f"({type(error).__name__}: {error}). The code env has scikit-learn "
                f"{sklearn.__version__}{needs}. A visual ML model loads only with the scikit-learn "
                "major.minor of the code env that trained it (and xgboost or lightgbm when the "
                "algorithm used them): add that version to the plugin's code env (Plugins > "
                "active-labeling > Code env), or retrain the model in a code env with the plugin's "
                "versions") from None


def _pickled_sklearn_version(caught) -> Optional[str]:
    for warning in caught:
        version = getattr(warning.message, "original_sklearn_version", None)  # scikit-learn >= 1.3
        if version:
            return str(version)
        found = re.search(r"from version (\S+) when using version", str(warning.message))
        if found:
            return found.group(1)
    return None


@dataclass
class Pool:
    """The unlabeled data as chunks, and what the sampler needs to know about it."""

    chunks: Iterable[pd.DataFrame]
    scorer: Scorer
    id_column: Optional[str]
    folder_rows: Optional[FolderRows] = None
    schema: Optional[List[dict]] = None


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
            raise SamplerError(f"the saved model {model} takes the features "
                               f"{', '.join(model.features)}, not a file path: with a folder as input, "
                               "choose a model trained on the folder's files (one path column), or give "
                               "a dataset")
        feature = model.features[0]  # an image model names its path column as it likes

    def score(chunk: pd.DataFrame) -> pd.DataFrame:
        return model(chunk if feature == PATH_COLUMN else chunk.rename(columns={PATH_COLUMN: feature}))
    return score


def _dataset_pool(name: str, model: SavedModelScorer, chunk_size: int, id_column: Optional[str],
                  folder_error: Exception) -> Pool:
    dataset = fresh(name)
    try:
        schema = dataset.read_schema(raise_if_empty=False) or []
        columns = [c.get("name") for c in schema]
    except Exception as error:
        raise SamplerError(f"cannot read the unlabeled input {name}, neither as a dataset ({error}) nor as a "
                           f"managed folder ({folder_error})") from None
    if not columns:
        raise SamplerError(f"the unlabeled dataset {name} is empty (no columns): build it first")
    missing = [f for f in model.features or [] if f not in columns]
    if missing:
        raise SamplerError(f"the unlabeled dataset {name} lacks the model's input column(s) "
                           f"{', '.join(missing)}: choose a dataset with the columns the model was trained "
                           "on, or retrain the model on this dataset's columns")
    if id_column and id_column not in columns:
        raise SamplerError(f"the item id column '{id_column}' is not a column of {name}: "
                           "choose one of its columns, or leave it empty")
    # The stored text, with numbers as numbers: what the labeling webapp hashes into item ids.
    chunks = (typed_view(chunk, schema, [id_column] if id_column else [])
              for chunk in iter_text(dataset, columns, chunk_size))
    return Pool(chunks, model, id_column, schema=schema)


def read_labeled_ids(name: str) -> Set[str]:
    """Ids of the items labeled in the labeling webapp's metadata dataset ``name``.

    Only the columns needed are read. A metadata dataset never written yet means nothing labeled.
    """
    return read_labeling(name)[0]


def read_labeling(name: str, with_labels: bool = False) -> Tuple[Set[str], pd.DataFrame]:
    """(ids of the labeled items, the decisions read) of the metadata dataset ``name``, in one read.

    The decisions have ``item_id``, ``status`` and, when the dataset has them, ``annotator``,
    ``label_id`` (as numbers) and ``label`` (read for a team's webapp, or ``with_labels``).
    """
    dataset = fresh(name)
    columns = [c.get("name") for c in dataset.read_schema(raise_if_empty=False) or []]
    if not columns:
        # Nothing labeled yet: the webapp has not written its metadata.
        return set(), pd.DataFrame({c: pd.Series([], dtype=object) for c in REQUIRED_METADATA_COLUMNS})
    rule = read_team_rule(name)  # a team's webapp: only items with a final label count
    label = ("label",) if rule or with_labels else ()
    wanted = [c for c in (*REQUIRED_METADATA_COLUMNS, "annotator", "label_id", *label) if c in columns]
    if len(wanted) < len(REQUIRED_METADATA_COLUMNS):
        labeled_item_ids(pd.DataFrame(columns=columns))  # raises, naming what is missing
    # Ids as stored ("007" is not 7); label ids compared as numbers.
    metadata = read_text(dataset, wanted)
    if "label_id" in metadata.columns:
        metadata["label_id"] = pd.to_numeric(metadata["label_id"], errors="coerce")
    return labeled_item_ids(metadata, rule), metadata


QUERY_TYPES = {"score": "double", "rank": "bigint", "strategy": "string", "model_version": "string"}


def write_queries(name: str, queries: pd.DataFrame, item_schema: Optional[List[dict]] = None) -> None:
    """Replace the queries dataset's schema and content.

    The item columns keep the pool's types (``item_schema``); whole numbers in an integer column are
    written as integers, as they were read.
    """
    types = {str(c["name"]): str(c.get("type") or "string") for c in item_schema or []}
    dataset = dataiku.Dataset(name)
    if not types:
        dataset.write_with_schema(queries)
        return
    schema = [{"name": str(c), "type": QUERY_TYPES.get(str(c)) or types.get(str(c), "string")}
              for c in queries.columns]
    out = queries.copy()
    for column in schema:
        values = out[column["name"]]
        if column["type"] in ("tinyint", "smallint", "int", "bigint") and values.dtype.kind == "f":
            finite = values.dropna()
            if (finite == finite.round()).all():
                out[column["name"]] = values.astype("Int64")
    dataset.write_schema(schema)
    with dataset.get_writer() as writer:
        writer.write_dataframe(out)


def bump_generation(queries_name: str, evidence: Optional[ExplorationEvidence] = None) -> int:
    """Tell webapps and the trigger that new queries exist; returns the new generation.

    ``balanced``'s exploration evidence, when given, is stored in the same write. The
    read-modify-write of the project variables is kept as short as possible: another writer in
    between would lose its update (DSS offers no atomic update).
    """
    project = dataiku.Project()
    variables, generation = with_generation_bumped(project.get_variables(), queries_name)
    if evidence is not None:
        variables = with_evidence(variables, queries_name, evidence)
    project.set_variables(variables)
    return generation


def read_exploration_evidence(queries_name: str, decisions: Optional[pd.DataFrame]) -> ExplorationEvidence:
    """``balanced``'s evidence for ``queries_name``, its pending picks resolved with the labels of
    ``decisions`` (:func:`read_labeling`'s, with labels; None without a metadata input)."""
    return read_evidence(dataiku.Project().get_variables(), queries_name).resolved_by_decisions(decisions)
