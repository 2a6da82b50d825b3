"""Leaving out items already labeled, using the labeling webapp's metadata (decision log).

Item ids are computed the way the labeling service computes them: a folder item's id is its path
(with its leading "/"); a row's id is the value of the item id column when the webapp uses one,
else its content hash from :mod:`active_labeling.items` (the n-th duplicate suffixed ``-n``).
To keep memory bounded on large pools, occurrence counts are only kept for the content hashes
that appear among the labeled ids.
"""

from __future__ import annotations

from typing import Dict, Iterable, Optional, Set

import numpy as np
import pandas as pd

from active_labeling.items import hash_id, row_hashes
from active_labeling.sampling.errors import SamplerError
from active_labeling.storage.base import LABELED, REVIEWED
from active_labeling.teams.final import PENDING, FinalRule

REQUIRED_METADATA_COLUMNS = ("item_id", "status")


def labeled_item_ids(metadata: pd.DataFrame, rule: Optional[FinalRule] = None) -> Set[str]:
    """Ids of the items whose current decision, for at least one annotator, is "labeled".

    With a team's ``rule`` (:func:`active_labeling.teams.published.team_rule`): the items that
    have a final label (agreed, majority or reviewed); an item waiting for labels or a reviewer
    is not labeled yet.

    Parameters
    ----------
    metadata : DataFrame
        The webapp's metadata: ``item_id`` and ``status``, and when present ``annotator`` and
        ``label_id`` (so that an annotator's later skip of the same item supersedes a label);
        ``label`` too with a ``rule``.
    rule : FinalRule, optional
        How the webapp makes final labels (its agreement compares label texts).
    """
    missing = [c for c in REQUIRED_METADATA_COLUMNS if c not in metadata.columns]
    if missing:
        raise SamplerError(
            f"the metadata dataset has no column {', '.join(missing)}: choose the metadata dataset "
            "written by the labeling webapp (columns item_id, status...), or leave that input empty")
    status = metadata["status"].astype(str)
    reviewed = set(metadata.loc[status == REVIEWED, "item_id"].dropna().astype(str))
    metadata = metadata[status != REVIEWED]  # a review never replaces its reviewer's own label
    if {"annotator", "label_id"} <= set(metadata.columns) and len(metadata):
        metadata = (metadata.sort_values("label_id", kind="mergesort")
                    .drop_duplicates(["annotator", "item_id"], keep="last"))
    current = metadata[metadata["status"].astype(str) == LABELED].dropna(subset=["item_id"])
    if rule is None or "label" not in current.columns:
        return set(current["item_id"].astype(str)) | reviewed
    final = {str(item) for item, labels in current.groupby("item_id", sort=False)["label"]
             if rule.final([str(v) for v in labels]).status != PENDING}
    return final | reviewed


def latest_labels(metadata: pd.DataFrame, item_ids: Iterable[str]) -> Dict[str, str]:
    """The latest label given to each of ``item_ids`` (a review's, when the item was reviewed).

    Parameters
    ----------
    metadata : DataFrame
        The webapp's metadata: ``item_id``, ``status`` and ``label``, with ``label_id`` when
        present to order the decisions (else their order in the table).
    item_ids : iterable of str
        The items asked about; those without a label are absent from the result.
    """
    wanted = set(item_ids)
    if not wanted or not {"item_id", "status", "label"} <= set(metadata.columns):
        return {}
    rows = metadata[metadata["item_id"].astype(str).isin(wanted)
                    & metadata["status"].astype(str).isin([LABELED, REVIEWED]) & metadata["label"].notna()]
    if "label_id" in rows.columns:
        rows = rows.sort_values("label_id", kind="mergesort")
    return dict(zip(rows["item_id"].astype(str), rows["label"].astype(str)))


def _base_hash(item_id: str) -> Optional[int]:
    base = item_id.split("-", 1)[0]
    if len(base) != 16:
        return None
    try:
        return int(base, 16)
    except ValueError:
        return None


class LabeledFilter:
    """Tells, chunk by chunk in pool order, which rows are already labeled.

    Parameters
    ----------
    labeled_ids : iterable of str
        Ids of the labeled items.
    id_column : str, optional
        The column holding item ids (``path`` for folder pools). None: content hashes.
    """

    def __init__(self, labeled_ids: Iterable[str], id_column: Optional[str] = None):
        self.labeled_ids = set(labeled_ids)
        self.id_column = id_column
        bases = {_base_hash(i) for i in self.labeled_ids} - {None}
        self._bases = np.array(sorted(bases), dtype=np.uint64)
        self._occurrences: Dict[int, int] = {}

    def excluded(self, chunk: pd.DataFrame) -> np.ndarray:
        """A boolean mask of the chunk's rows that are already labeled.

        Chunks must come in pool order: duplicate rows are told apart by their occurrence.
        """
        if not self.labeled_ids:
            return np.zeros(len(chunk), dtype=bool)
        if self.id_column is not None:
            if self.id_column not in chunk.columns:
                raise SamplerError(f"the item id column '{self.id_column}' is not in the unlabeled data: "
                                   "set the item id column the labeling webapp uses, or leave it empty")
            return chunk[self.id_column].astype(str).isin(self.labeled_ids).to_numpy()
        mask = np.zeros(len(chunk), dtype=bool)
        if len(self._bases) == 0:
            return mask
        hashes = row_hashes(chunk)
        for position in np.flatnonzero(np.isin(hashes, self._bases)):
            row_hash = int(hashes[position])
            occurrence = self._occurrences.get(row_hash, 0) + 1
            self._occurrences[row_hash] = occurrence
            mask[position] = hash_id(row_hash, occurrence) in self.labeled_ids
        return mask
