"""One retrain round on a local workspace: fit on the labels, evaluate, sample, write new queries.

The queries file is replaced atomically, so the labeling service (whose ``FileQueriesSource``
watches it) sees a new generation at its next batch, and never a half-written file.
"""

from __future__ import annotations

import pickle
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import numpy as np
import pandas as pd

from active_labeling.atomic_files import write_atomically
from active_labeling.kinds import KINDS
from active_labeling.learning.evaluation import evaluate_round
from active_labeling.learning.model_input import INPUT_ERRORS, ModelInput, failure
from active_labeling.learning.pipelines import default_pipeline, describe_default
from active_labeling.local.exploration_state import read_evidence_file, write_evidence_file
from active_labeling.local.finals import read_team
from active_labeling.local.retrain_stopping import check_round, labeled_after
from active_labeling.local.rounds import OK, RETRAIN_FOLDER
from active_labeling.sampling.strategies import BALANCED, DEFAULT_STRATEGY
from active_labeling.sampling.surprise import ExplorationEvidence, exploration_picks
from active_labeling.table_files import CsvFormat

QUERIES_FILE = "queries.parquet"
# balanced's exploration picks waiting for labels and the latest outcomes (sampling.surprise).
EVIDENCE_FILE = "exploration.json"
PATH_COLUMN = "path"
CHUNK_ROWS = 10000


class RetrainError(Exception):
    """A round cannot run (too few classes, unreadable model...); the message says why."""


@dataclass
class RetrainSettings:
    """How the local loop retrains.

    Attributes
    ----------
    kind, data, workspace
        What ``serve`` labels and where its workspace is.
    every : int
        A round starts once this many labelings were made since the last round's snapshot.
    model : estimator, optional
        The user's scikit-learn pipeline (cloned and refitted each round); None: the default one.
    """

    kind: str
    data: Path
    workspace: Path
    every: int
    id_column: Optional[str] = None
    text_column: Optional[str] = None  # text pools: the column of the texts (default: the only one)
    label_column: str = "label"
    model: Any = None
    strategy: str = DEFAULT_STRATEGY
    n_queries: int = 1000
    seed: int = 0
    sample_size: int = 500
    csv: Optional[CsvFormat] = None  # a tabular pool's --sep and --quotechar
    task: str = "category"  # spans: the token tagger's round (local/retrain_spans.py)

    @property
    def folder(self) -> Path:
        """Where models, queries and the rounds' log are written."""
        return Path(self.workspace) / RETRAIN_FOLDER

    @property
    def queries_path(self) -> Path:
        """The queries file the service follows."""
        return self.folder / QUERIES_FILE


@dataclass
class PoolTable:
    """The pool: one row per item id, in pool order, and what its models receive of it."""

    frame: pd.DataFrame
    ids: List[str]
    features: List[str]  # the columns the models read
    rule: ModelInput
    root: Optional[Path] = None  # folders: the files' folder


def model_input(settings: RetrainSettings, text_column: Optional[str] = None) -> ModelInput:
    """What the models of the pool ``settings`` describe receive (``learning.model_input``)."""
    return ModelInput.of_pool(KINDS[settings.kind].model_input, text_column or settings.text_column,
                              [settings.id_column, settings.label_column], PATH_COLUMN)


def _table_pool(settings: RetrainSettings) -> PoolTable:
    from active_labeling.local.tabular import TabularFilePool, read_table
    from active_labeling.local.text_pool import TextFilePool

    pools = {"tabular": lambda: TabularFilePool(settings.data, settings.id_column, csv=settings.csv),
             "text": lambda: TextFilePool(settings.data, settings.text_column, settings.id_column,
                                          csv=settings.csv)}
    pool = pools[settings.kind]()
    rule = model_input(settings, getattr(pool, "text_column", None))
    frame = read_table(settings.data, csv=pool.csv)
    frame.columns = [str(c) for c in frame.columns]
    return PoolTable(frame.reset_index(drop=True), list(pool.item_ids()), rule.columns(list(frame.columns)),
                     rule)


def _folder_pool(settings: RetrainSettings) -> PoolTable:
    from active_labeling.local.folder import FolderPool

    pool = FolderPool(settings.data, settings.kind)
    ids = list(pool.item_ids())
    # The models read files by their path on disk, as with `active-labeling sample`.
    frame = pd.DataFrame({PATH_COLUMN: [str(pool.root) + item_id for item_id in ids]})
    return PoolTable(frame, ids, [PATH_COLUMN], model_input(settings), pool.root)


def read_pool(settings: RetrainSettings) -> PoolTable:
    """Read the pool with the same item ids as the labeling service."""
    return (_table_pool if KINDS[settings.kind].table else _folder_pool)(settings)


def read_labels(db: sqlite3.Connection) -> Tuple[Dict[str, str], int]:
    """(item id → its final label, the last decision's label_id) from the workspace.

    Only final labels (agreed, majority or reviewed: :mod:`active_labeling.local.finals`) train
    the model; an item still waiting for labels or for a reviewer is left out.
    """
    mark = db.execute("SELECT COALESCE(MAX(label_id), 0) FROM decisions").fetchone()[0]
    finals = read_team(db, int(mark)).finals()
    return {item: final.label for item, final in finals.items() if isinstance(final.label, str)}, int(mark)


def run_round(settings: RetrainSettings, db: sqlite3.Connection, number: int,
              previous: Any = None, last: Optional[Mapping[str, Any]] = None) -> Tuple[Dict[str, Any], Any]:
    """Run round ``number``; returns its log entry and the fitted model.

    ``previous`` and ``last`` are the previous successful round's model and entry: the stopping
    criteria compare the two models and go on from the state kept in that entry.

    Raises
    ------
    RetrainError, or whatever fitting raises: the worker logs it and retries later.
    """
    started = time.perf_counter()
    started_at = utc_now()
    labels, mark = read_labels(db)
    pool = read_pool(settings)
    position = {item_id: i for i, item_id in enumerate(pool.ids)}
    labeled = [i for i in labels if i in position]
    if len({labels[i] for i in labeled}) < 2:
        raise RetrainError(f"{len(labeled)} labeled item(s) with fewer than 2 categories: a model "
                           "needs labels of at least two categories")
    rows = [position[i] for i in labeled]
    rule = pool.rule
    inputs = rule.of(pool.frame)  # what every model of this pool receives (learning.model_input)
    features = rule.take(inputs, rows)
    target = pd.Series([labels[i] for i in labeled])
    sample = rule.take(inputs, _fixed_sample(len(pool.ids), settings.sample_size, settings.seed))
    make_model = _model_factory(settings, features, pool)
    try:
        model, figures = evaluate_round(make_model, features, target, previous, sample, settings.seed)
    except INPUT_ERRORS as error:
        raise failure(rule, features, error, make_model(), action="fit") from error
    since = set(labeled_after(db, int((last or {}).get("mark", 0)), mark))
    new = [i for i in labeled if i in since]
    stopping = check_round(last or {}, model, previous, sample, rule.take(inputs, [position[i] for i in new]),
                           [labels[i] for i in new], labels_total=len(labeled))
    model_path = write_atomically(settings.folder / f"model-{number:04d}.pkl",
                                  lambda stream: pickle.dump(model, stream))
    unlabeled = np.ones(len(pool.ids), dtype=bool)
    unlabeled[rows] = False
    evidence = _read_evidence(settings, labels)
    queries = _sample(settings, model_path, pool, unlabeled, n_labeled=len(labeled), evidence=evidence)
    write_atomically(settings.queries_path, lambda stream: queries.to_parquet(stream, index=False))
    if evidence is not None:
        picks = exploration_picks(queries, PATH_COLUMN if pool.root is not None else settings.id_column)
        write_evidence_file(settings.folder / EVIDENCE_FILE, evidence.with_picks(picks))
    entry = dict(figures.to_dict(), round=number, status=OK, started=started_at, finished=utc_now(),
                 mark=mark, model=str(model_path), queries=len(queries),
                 features=describe_model(settings, features, pool),
                 queries_file=str(settings.queries_path), seconds=time.perf_counter() - started, **stopping)
    return entry, model


def _model_factory(settings: RetrainSettings, features: Any, pool: PoolTable) -> Callable[[], Any]:
    if settings.model is not None:
        from sklearn.base import clone

        return lambda: clone(settings.model)
    frame = features if isinstance(features, pd.DataFrame) else None
    return lambda: default_pipeline(settings.kind, frame, pool.features, seed=settings.seed,
                                    pool_size=len(pool.ids))


def describe_model(settings: RetrainSettings, features: Any, pool: PoolTable) -> str:
    """Which model a round fits and on which columns, in words (the rounds' log, ``status``)."""
    if settings.model is not None:
        return f"your model ({type(settings.model).__name__}) receives {pool.rule.describe()}"
    frame = features if isinstance(features, pd.DataFrame) else None
    return "default model: " + describe_default(settings.kind, frame, pool.features, len(pool.ids),
                                                pool.rule.column)


def _fixed_sample(size: int, wanted: int, seed: int) -> np.ndarray:
    """The same rows every round (while the pool is unchanged), to count changed predictions."""
    order = np.random.default_rng(seed).permutation(size)
    return np.sort(order[:wanted])


def _read_evidence(settings: RetrainSettings, labels: Mapping[str, str]) -> Optional[ExplorationEvidence]:
    # balanced's exploration picks of the last round, resolved with the labels given since.
    if settings.strategy != BALANCED:
        return None
    try:
        evidence = read_evidence_file(settings.folder / EVIDENCE_FILE)
    except (OSError, ValueError):  # none yet (first round), or unreadable: the schedule alone
        evidence = ExplorationEvidence()
    return evidence.resolved(labels)


def _sample(settings: RetrainSettings, model_path: Path, pool: PoolTable, unlabeled: np.ndarray,
            n_labeled: int, evidence: Optional[ExplorationEvidence] = None) -> pd.DataFrame:
    from active_labeling.local.models import PickledClassifier
    from active_labeling.sampling.sampler import QuerySampler, SamplerSettings

    scorer = PickledClassifier(str(model_path), pool.rule)
    candidates = pool.frame[unlabeled]
    chunks = (candidates.iloc[start:start + CHUNK_ROWS] for start in range(0, len(candidates), CHUNK_ROWS))
    sampler = QuerySampler(SamplerSettings(strategy=settings.strategy, n_queries=settings.n_queries,
                                           seed=settings.seed), scorer, None, scorer.version,
                           PATH_COLUMN if pool.root is not None else settings.id_column,
                           scorer.features or pool.features, n_labeled=n_labeled, evidence=evidence)
    queries, _ = sampler.run(chunks)
    if pool.root is not None:  # back to the item ids the service knows
        prefix = len(str(pool.root))
        queries[PATH_COLUMN] = queries[PATH_COLUMN].astype(str).str[prefix:]
    return queries


def utc_now() -> str:
    """Now, as the workspace writes dates (ISO 8601 UTC, milliseconds)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
