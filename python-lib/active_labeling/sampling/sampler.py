"""The streaming Query Sampler: score a pool chunk by chunk and keep the most useful rows.

The pool arrives as an iterable of DataFrame chunks (a DSS dataset's ``iter_dataframes``, a
Parquet file's row groups, a folder's files as ``path`` rows), and the model as a scoring
callable. Only the best candidates are kept between chunks, so memory does not grow with the
pool, except when every row is asked for (``n_queries=0``): the output is then the whole pool.
The ``balanced`` strategy keeps a second bounded set next to the candidates: the rows with the
highest seeded random keys (a uniform sample), from which its class-aware exploration picks are drawn.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, List, Optional, Tuple, Union

import numpy as np
import pandas as pd

from active_labeling.sampling.balanced import balanced_batch
from active_labeling.sampling.diversity import AUTO, diverse_choice
from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.exclusion import LabeledFilter
from active_labeling.sampling.probabilities import ChunkProbabilities, from_frame
from active_labeling.sampling.report import SamplingReport
from active_labeling.sampling.strategies import (
    AUTO_MEASURE,
    BALANCED,
    BATCH_DIVERSITY,
    BATCH_STRATEGIES,
    MARGIN,
    STRATEGIES,
    UNCERTAINTY_MEASURES,
    default_measure,
    row_scores,
)
from active_labeling.sampling.suggestions import SUGGESTION_COLUMNS, suggestions
from active_labeling.sampling.tiebreak import position_keys, uniform_from_keys
from active_labeling.sampling.topk import TopCandidates

if TYPE_CHECKING:  # surprise reads the queries this module writes
    from active_labeling.sampling.surprise import ExplorationEvidence

OUTPUT_COLUMNS = ("score", "rank", "strategy", "model_version")

Scorer = Callable[[pd.DataFrame], Union[pd.DataFrame, ChunkProbabilities]]
"""Chunk → class probabilities: ``proba_<class>`` columns indexed like the chunk, dropped rows absent
(what a DSS saved model's ``predict`` gives), or a :class:`ChunkProbabilities`."""


@dataclass
class SamplerSettings:
    """What to sample.

    Attributes
    ----------
    strategy : str
        One of :data:`~active_labeling.sampling.strategies.STRATEGIES`.
    n_queries : int
        How many rows to keep; 0 keeps them all (memory then grows with the pool).
    seed : int
        Seeds tie-breaks, the random strategy and the clustering.
    diversity_measure : str, optional
        Uncertainty measure ranking the candidates of ``batch_diversity`` and ``balanced``; None
        or ``auto``: the strategy's own (:func:`~active_labeling.sampling.strategies.default_measure`).
    diversity_factor : int
        They cluster the ``factor × n`` most uncertain rows (``n``: the batch's diverse part).
    diversity_space : str
        Where they cluster: ``auto``, ``features`` or ``probabilities``.
    """

    # The plain ranking by default here; the recipe, `sample` and the retrain loop default to
    # DEFAULT_STRATEGY (balanced), which also needs the labeled count.
    strategy: str = MARGIN
    n_queries: int = 1000
    seed: int = 0
    diversity_measure: Optional[str] = None
    diversity_factor: int = 10
    diversity_space: str = AUTO

    def __post_init__(self):
        if self.strategy not in STRATEGIES:
            raise SamplerError(f"unknown strategy {self.strategy!r}: choose one of {', '.join(STRATEGIES)}")
        if self.diversity_measure in (None, AUTO_MEASURE):
            self.diversity_measure = default_measure(self.strategy)
        if self.diversity_measure not in UNCERTAINTY_MEASURES:
            raise SamplerError(f"unknown uncertainty measure {self.diversity_measure!r}: choose one of "
                               f"{', '.join([AUTO_MEASURE, *UNCERTAINTY_MEASURES])}")
        if self.n_queries < 0:
            raise SamplerError("the number of queries must be 0 (all rows) or more")
        if self.strategy in BATCH_STRATEGIES and self.n_queries == 0:
            raise SamplerError(f"the {self.strategy} strategy chooses a batch: set a number of queries "
                               "above 0, or choose another strategy (margin...) to rank every row")


class QuerySampler:
    """Ranks a pool's rows by how useful labeling them would be.

    Parameters
    ----------
    settings : SamplerSettings
    scorer : callable
        See :data:`Scorer`.
    labeled : LabeledFilter, optional
        Rows it reports as labeled are left out before scoring.
    model_version : str
        Written in every query row, so that one can tell which model chose it.
    id_column : str, optional
        The item id column (``path`` for folders): never a feature for batch diversity.
    features : list of str, optional
        The model's features, when known: batch diversity clusters on those only.
    n_labeled : int, optional
        How many items are labeled so far (sets ``balanced``'s exploration share); by default the
        number of labeled ids of ``labeled``, else 0.
    evidence : ExplorationEvidence, optional
        ``balanced``: the outcomes of its earlier exploration picks, already resolved against the
        labels; their surprise scales the exploration share. None: the share's schedule alone.
    """

    def __init__(self, settings: SamplerSettings, scorer: Scorer,
                 labeled: Optional[LabeledFilter] = None, model_version: str = "",
                 id_column: Optional[str] = None, features: Optional[List[str]] = None,
                 n_labeled: Optional[int] = None, evidence: Optional[ExplorationEvidence] = None):
        self.settings = settings
        self.scorer = scorer
        self.labeled = labeled
        self.model_version = str(model_version)
        self.id_column = id_column
        self.features = features
        if n_labeled is None:
            n_labeled = len(labeled.labeled_ids) if labeled is not None else 0
        self.n_labeled = int(n_labeled)
        self.evidence = evidence

    def run(self, chunks: Iterable[pd.DataFrame]) -> Tuple[pd.DataFrame, SamplingReport]:
        """Score every chunk and return the queries (best first) with a report.

        Raises
        ------
        SamplerError
            The pool is empty, or the model could score none of its rows.
        """
        started = time.perf_counter()
        settings = self.settings
        report = SamplingReport(strategy=settings.strategy, model_version=self.model_version)
        capacity = None if settings.n_queries == 0 else settings.n_queries
        if capacity is not None and settings.strategy in BATCH_STRATEGIES:
            capacity *= settings.diversity_factor
        top = TopCandidates(capacity, settings.seed)
        # Bounded too: the class-aware exploration picks come from a uniform sample of factor × batch.
        explore = (TopCandidates(settings.n_queries * settings.diversity_factor, settings.seed)
                   if settings.strategy == BALANCED else None)
        empty: Optional[pd.DataFrame] = None
        classes: Optional[List[str]] = None
        for chunk in chunks:
            if empty is None:
                empty = _check_columns(chunk).iloc[:0]
            start, report.rows_read = report.rows_read, report.rows_read + len(chunk)
            if not len(chunk):
                continue
            if not chunk.index.is_unique:
                chunk = chunk.reset_index(drop=True)
            positions = np.arange(start, start + len(chunk), dtype=np.int64)
            chunk, positions = self._without_labeled(chunk, positions, report)
            if not len(chunk):
                continue
            rows, positions, proba, classes = self._score(chunk, positions, classes, report)
            if len(rows):
                scores = row_scores(settings.strategy, proba,
                                    lambda p=positions: position_keys(p, settings.seed),
                                    settings.diversity_measure)
                top.offer(rows, scores, positions, proba)
                if explore is not None:  # a seeded uniform draw per pool position, as for random
                    explore.offer(rows, uniform_from_keys(position_keys(positions, settings.seed)),
                                  positions, proba)
        if not report.rows_read:
            raise SamplerError("the unlabeled data is empty: there is nothing to sample from. "
                               "Build or fill the input first")
        if not report.rows_scored and report.rows_dropped:
            raise SamplerError(f"the model's preprocessing dropped all {report.rows_dropped} rows it was "
                               "given: check that the unlabeled data has the values the model was trained on")
        queries = self._queries(top, explore, classes or [], empty, report)
        report.classes = classes or []
        report.queries_written = len(queries)
        report.seconds = time.perf_counter() - started
        return queries, report

    def _without_labeled(self, chunk, positions, report):
        if self.labeled is None:
            return chunk, positions
        excluded = self.labeled.excluded(chunk)
        if not excluded.any():
            return chunk, positions
        report.rows_excluded += int(excluded.sum())
        return chunk[~excluded], positions[~excluded]

    def _score(self, chunk, positions, classes, report):
        answer = self.scorer(chunk)
        if not isinstance(answer, ChunkProbabilities):
            answer = from_frame(chunk, answer, classes)
        classes = classes or answer.columns or None
        values, rows = answer.values, chunk
        if answer.scored is not None:  # rows the model's preprocessing dropped are absent
            rows, positions = chunk.take(answer.scored), positions[answer.scored]
        # A sum is NaN when any value is (or inf - inf): testing it allocates nothing, and the row-wise
        # test that finds the rows runs only then.
        if not np.isfinite(values.sum()):
            keep = ~np.isnan(values).any(axis=1)
            rows, positions, values = rows[keep], positions[keep], values[keep]
        report.rows_scored += len(rows)
        report.rows_dropped += len(chunk) - len(rows)
        return rows, positions, values, classes

    def _queries(self, top: TopCandidates, explore: Optional[TopCandidates], classes: List[str],
                 empty: Optional[pd.DataFrame], report: SamplingReport) -> pd.DataFrame:
        best = top.best()
        settings = self.settings
        n_classes = len(classes)
        strategies = None
        proba = np.zeros((0, n_classes))
        ignore = [self.id_column] if self.id_column else []
        if best is None:
            queries = (empty if empty is not None else pd.DataFrame()).copy()
            scores = np.zeros(0)
        elif settings.strategy == BALANCED:
            surprise = self.evidence.surprise() if self.evidence is not None else None
            batch = balanced_batch(best, explore.best() if explore is not None else None, settings.n_queries,
                                   self.n_labeled, n_classes, settings.diversity_measure,
                                   settings.diversity_factor, settings.seed, settings.diversity_space,
                                   ignore, self.features, surprise)
            queries, scores, strategies, proba = batch.rows, batch.scores, batch.strategies, batch.proba
            report.explored, report.labeled_before = batch.explored, self.n_labeled
            report.surprise = surprise
            report.surprise_picks = len(self.evidence.outcomes) if self.evidence is not None else 0
        else:
            chosen = np.arange(len(best))
            if settings.strategy == BATCH_DIVERSITY:
                chosen = diverse_choice(best, settings.n_queries, settings.seed,
                                        settings.diversity_space, ignore, self.features)
            queries = best.rows.take(chosen).reset_index(drop=True)
            scores = best.scores[chosen]
            proba = best.proba[chosen]
        queries["score"] = scores.astype(np.float64)
        queries["rank"] = np.arange(1, len(queries) + 1, dtype=np.int64)
        queries["strategy"] = pd.Series(strategies or [settings.strategy] * len(queries), dtype=object)
        queries["model_version"] = pd.Series([self.model_version] * len(queries), dtype=object)
        # The model's guess for the labeling page, unless the input has columns of those names.
        if not any(c in queries.columns for c in SUGGESTION_COLUMNS):
            predictions, tables = suggestions(proba, classes)
            for name, values in zip(SUGGESTION_COLUMNS, (predictions, tables)):
                queries[name] = pd.Series(values or [None] * len(queries), dtype=object)
        return queries


def _check_columns(chunk: pd.DataFrame) -> pd.DataFrame:
    clashes = [c for c in OUTPUT_COLUMNS if c in chunk.columns]
    if clashes:
        raise SamplerError(f"the unlabeled data already has column(s) {', '.join(clashes)}, which the "
                           "queries add: rename them in the input (e.g. with a Prepare recipe)")
    return chunk
