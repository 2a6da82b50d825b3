"""What the ``balanced`` strategy learns from its own exploration picks once they are labeled.

An exploration pick is a (class-aware) random row: unlike an uncertainty pick, the model's
confidence on it is an honest forecast of how often the model is right there. The *surprise*
compares the two over the latest labeled picks: the share the model got wrong, less the share it
expected to get wrong (one minus its top probability). Near zero or below, the model knows where it
is unsure and uncertainty sampling finds its mistakes; well above, it is wrong where it is sure (a
cold start, a class or a cluster its first labels missed), which only exploration finds.

Between two Query Sampler runs the evidence is kept where each runtime keeps state: the project's
local variables in DSS, a file of the workspace locally, memory in a simulation. It is a few
numbers per pick, bounded (:data:`WINDOW` outcomes, :data:`MAX_PENDING` pending picks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, List, Mapping, Optional, Tuple

import pandas as pd

from active_labeling.items import hash_id, row_hashes
from active_labeling.sampling.exclusion import latest_labels
from active_labeling.sampling.sampler import OUTPUT_COLUMNS
from active_labeling.sampling.suggestions import (
    EXPLORE_SUFFIX,
    PREDICTION_COLUMN,
    PROBABILITIES_COLUMN,
    SUGGESTION_COLUMNS,
    probability_table,
)

# Outcomes kept: the latest labeled picks (a few batches' worth), so that the share follows the
# model as it improves.
WINDOW = 20
# Picks waiting for a label: the first ones in rank order (annotators label the top of the queries,
# and a retrain comes every few dozen labels). Bounded: DSS keeps them in the project variables.
MAX_PENDING = 200
# What the Query Sampler adds to the item's columns.
QUERY_COLUMNS = (*OUTPUT_COLUMNS, *SUGGESTION_COLUMNS)


@dataclass(frozen=True)
class ExplorationPick:
    """An exploration pick as it was queried: which item, how sure the model was, what it predicted."""

    item_id: str
    confidence: float
    predicted: str


@dataclass
class ExplorationEvidence:
    """The exploration picks waiting for a label, and the outcomes of the latest labeled ones.

    Attributes
    ----------
    pending : list of ExplorationPick
        The last batch's exploration picks, in rank order.
    outcomes : list of (confidence, right)
        The model's top probability on each labeled pick and whether its prediction was the label,
        oldest first, at most :data:`WINDOW`.
    """

    pending: List[ExplorationPick] = field(default_factory=list)
    outcomes: List[Tuple[float, bool]] = field(default_factory=list)

    def surprise(self) -> Optional[float]:
        """Share of wrong predictions less the share its confidence expected; None without outcomes."""
        if not self.outcomes:
            return None
        wrong = sum(not right for _, right in self.outcomes) / len(self.outcomes)
        expected = sum(1.0 - confidence for confidence, _ in self.outcomes) / len(self.outcomes)
        return wrong - expected

    def resolved(self, labels: Mapping[str, Any]) -> ExplorationEvidence:
        """The evidence once the pending picks that ``labels`` (item id → label) holds are counted.

        Picks without a label stay pending; outcomes keep the latest :data:`WINDOW`.
        """
        outcomes = list(self.outcomes)
        still: List[ExplorationPick] = []
        for pick in self.pending:
            label = labels.get(pick.item_id)
            if label is None:
                still.append(pick)
            else:
                outcomes.append((pick.confidence, str(label) == pick.predicted))
        return ExplorationEvidence(still, outcomes[-WINDOW:])

    def resolved_by_decisions(self, metadata: Optional[pd.DataFrame]) -> ExplorationEvidence:
        """:meth:`resolved` with the latest labels of the labeling webapp's decision log
        (``item_id``, ``status``, ``label``; None: no log, nothing resolved)."""
        if metadata is None or not self.pending:
            return self
        return self.resolved(latest_labels(metadata, [p.item_id for p in self.pending]))

    def with_picks(self, picks: Iterable[ExplorationPick]) -> ExplorationEvidence:
        """The evidence after a new batch: its picks are pending (earlier unlabeled ones are dropped:
        the new queries replace the ones that offered them)."""
        return ExplorationEvidence(list(picks)[:MAX_PENDING], list(self.outcomes))

    def to_json(self) -> dict:
        """A JSON-ready form (compact: it lives in DSS project variables)."""
        return {"pending": [[p.item_id, round(p.confidence, 4), p.predicted] for p in self.pending],
                "outcomes": [[round(c, 4), int(r)] for c, r in self.outcomes]}

    @classmethod
    def from_json(cls, raw: Any) -> ExplorationEvidence:
        """Read :meth:`to_json`'s form; entries that are not in that form are left out.

        Evidence edited by hand or by another version must never stop a run: at worst the share
        falls back to the schedule.
        """
        if not isinstance(raw, Mapping):
            return cls()
        pending = [ExplorationPick(str(e[0]), c, str(e[2])) for e in _entries(raw.get("pending"), 3)
                   if (c := _probability(e[1])) is not None]
        outcomes = [(c, bool(e[1])) for e in _entries(raw.get("outcomes"), 2)
                    if (c := _probability(e[0])) is not None and e[1] in (0, 1, True, False)]
        return cls(pending[:MAX_PENDING], outcomes[-WINDOW:])


def _entries(value: Any, size: int) -> List[list]:
    if not isinstance(value, list):
        return []
    return [e for e in value if isinstance(e, (list, tuple)) and len(e) == size]


def _probability(value: Any) -> Optional[float]:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and 0.0 <= number <= 1.0 else None


def exploration_picks(queries: pd.DataFrame, id_column: Optional[str]) -> List[ExplorationPick]:
    """The exploration picks of a queries table, in rank order, as the evidence keeps them.

    Parameters
    ----------
    queries : DataFrame
        The Query Sampler's output: the item columns, then ``strategy`` and the suggestion
        columns (``prediction``, ``probabilities``).
    id_column : str, optional
        The item id column (``path`` for folders); None: items are known by their content hash
        (:mod:`active_labeling.items`), taken over the item columns.

    Returns
    -------
    picks : list of ExplorationPick
        Empty when the table has no suggestion columns (an input that had columns of those names
        keeps its own, and gives no evidence).
    """
    if not len(queries) or not {"strategy", PREDICTION_COLUMN, PROBABILITIES_COLUMN} <= set(queries.columns):
        return []
    explored = queries[queries["strategy"].astype(str).str.endswith(EXPLORE_SUFFIX)]
    if not len(explored):
        return []
    if id_column is not None:
        ids = explored[id_column].astype(str).tolist()
    else:
        item_columns = [c for c in queries.columns if c not in QUERY_COLUMNS]
        ids = [hash_id(h) for h in row_hashes(explored, item_columns)]
    picks = []
    for item_id, predicted, table in zip(ids, explored[PREDICTION_COLUMN], explored[PROBABILITIES_COLUMN]):
        probabilities = probability_table(table)
        if probabilities and isinstance(predicted, str):
            picks.append(ExplorationPick(item_id, max(probabilities.values()), predicted))
    return picks


# DSS: the evidence of each queries dataset, in the project's local variables (beside the queries
# generation, active_labeling.generation), keyed by the queries dataset's name.
EVIDENCE_VARIABLE = "active_labeling_exploration"


def read_evidence(variables: Mapping[str, Any], queries_dataset: str) -> ExplorationEvidence:
    """The evidence stored for ``queries_dataset`` in DSS project variables (``{"standard", "local"}``)."""
    stored = (variables.get("local") or {}).get(EVIDENCE_VARIABLE)
    return ExplorationEvidence.from_json(stored.get(queries_dataset) if isinstance(stored, Mapping) else None)


def with_evidence(variables: Mapping[str, Any], queries_dataset: str,
                  evidence: ExplorationEvidence) -> dict:
    """A copy of ``variables`` (both keys kept) with ``evidence`` stored for ``queries_dataset``."""
    new = {"standard": dict(variables.get("standard") or {}), "local": dict(variables.get("local") or {})}
    stored = new["local"].get(EVIDENCE_VARIABLE)
    stored = dict(stored) if isinstance(stored, Mapping) else {}
    stored[queries_dataset] = evidence.to_json()
    new["local"][EVIDENCE_VARIABLE] = stored
    return new
