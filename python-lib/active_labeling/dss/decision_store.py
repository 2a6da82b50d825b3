"""Decisions stored in two DSS datasets: the metadata (every decision) and the labels (current labels).

Metadata columns: ``item_id, annotator, date, status, label, comment, session, label_id``.
Labels columns: the item's columns (tabular) or ``path`` (folders), the label column, then
``annotator, date, label_id`` (``labeling_date``... when the items have a column of that name).
In multi-label mode a label is stored as a JSON list of category names in one text column, e.g.
``["cat", "dog"]`` (parse it with ``json.loads``).

Each decision is one small append (a DSS write session in APPEND mode) to the metadata dataset
and, for a label, one to the labels dataset. A changed label appends a new labels row; the old
row is dropped later by a compaction (one rewrite of the labels dataset from its full content),
only when superseded rows pile up or at start, never for each label.

The metadata is the log the labels derive from. At start the labels dataset is reconciled with
it: every current label (the latest decision per item and annotator, when it is a label) whose
row is missing from the labels dataset (its append failed, or a compaction was cut off between
reading and rewriting and left the dataset empty or partial) is appended again, all in one
append; a row present twice counts as superseded, so the compaction that follows drops the copy.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import dataiku
import pandas as pd

from active_labeling.dss.schemas import METADATA_COLUMNS, check_schema, extra_names, labels_columns
from active_labeling.service.errors import ServiceError
from active_labeling.storage.base import LABELED, Decision

_log = logging.getLogger(__name__)
# Compact when superseded label rows exceed both this share of the labels rows and this count:
# the rewrite's cost is then spread over many labels.
COMPACT_RATIO = 0.2
COMPACT_MINIMUM = 50
# A labels append that fails after its metadata row was written is tried again after these pauses.
RETRY_PAUSES = (0.2, 1.0)


class StoreNeedsRestart(ServiceError):
    """A decision reached the metadata but not the labels dataset; a restart repairs it."""

    status = 503
Key = Tuple[str, str]  # (item_id, annotator)


class DssDecisionStore:
    """A :class:`~active_labeling.storage.base.DecisionStore` over DSS datasets.

    Both schemas are checked when the store is made: an empty dataset gets its schema written, a
    dataset with other columns is refused (``SchemaMismatch``) before anything is written to either.

    Parameters
    ----------
    metadata_dataset, labels_dataset : str
        Dataset names, as the webapp's settings give them.
    item_columns : sequence of {"name", "type"}
        Columns of an item in the labels dataset (the input's schema, or ``path``).
    label_column : str
    multi_label : bool
    component : str
        How the user knows the webapp, for messages.
    item_values : callable, optional
        ``item_values(item_id)`` gives an item's columns (``KeyError`` when gone): used at start
        to restore a labels row whose append failed after its metadata row was written.
    compact_ratio, compact_minimum : float, int, optional
        Default ``COMPACT_RATIO`` and ``COMPACT_MINIMUM``.
    """

    def __init__(self, metadata_dataset: str, labels_dataset: str, item_columns: Sequence[Dict[str, Any]],
                 label_column: str = "label", multi_label: bool = False,
                 component: str = "Labeling webapp", compact_ratio: Optional[float] = None,
                 compact_minimum: Optional[int] = None,
                 item_values: Optional[Callable[[str], Dict[str, Any]]] = None):
        self.label_column = label_column
        self.multi_label = multi_label
        self.compact_ratio = COMPACT_RATIO if compact_ratio is None else compact_ratio
        self.compact_minimum = COMPACT_MINIMUM if compact_minimum is None else compact_minimum
        self._columns = labels_columns(item_columns, label_column)
        self._item_names = [str(c["name"]) for c in item_columns]
        self._extra = extra_names(self._item_names, label_column)
        self._item_values = item_values
        self._metadata = dataiku.Dataset(metadata_dataset)
        self._labels = dataiku.Dataset(labels_dataset)
        # Every write to either dataset goes through this lock: DSS allows one writer per dataset.
        self._lock = threading.Lock()
        needs = [check_schema(metadata_dataset, "metadata", self._metadata.read_schema(raise_if_empty=False),
                              METADATA_COLUMNS, component),
                 check_schema(labels_dataset, "labels", self._labels.read_schema(raise_if_empty=False),
                              self._columns, component)]
        # Both checked before either is written: a refused dataset never gets a half-set-up partner.
        if needs[0]:
            self._metadata.write_schema(METADATA_COLUMNS)
        if needs[1]:
            self._labels.write_schema(self._columns)
        self._current: Dict[Key, Decision] = {}
        self._key_of: Dict[int, Key] = {}
        self._label_rows = 0
        self._superseded = 0
        self._broken: Optional[str] = None
        self.compactions = 0

    # -- reading -----------------------------------------------------------------------------

    def load(self) -> List[Decision]:
        """Every decision in the metadata dataset, in ``label_id`` order (read once, at start).

        Also counts the labels rows no longer current, and compacts the labels dataset when
        there are any (left by the previous run).
        """
        frame = self._metadata.get_dataframe(infer_with_pandas=False, parse_dates=False)
        decisions = sorted((self._decision(row) for row in frame.to_dict("records")),
                           key=lambda d: d.label_id)
        for decision in decisions:
            self._track(decision)
        id_column = self._extra["label_id"]
        label_ids = self._labels.get_dataframe(columns=[id_column], infer_with_pandas=False,
                                               parse_dates=False)[id_column].tolist()
        self._label_rows = len(label_ids)
        self._superseded = self._keep(label_ids).count(False)
        self._restore_missing(label_ids)
        if self._superseded:
            self.compact()
        return decisions

    def _restore_missing(self, label_ids: List[Any]) -> None:
        present = {_as_int(v) for v in label_ids}
        missing = [d for d in self._current.values() if d.status == LABELED and d.label_id not in present]
        if not missing or self._item_values is None:
            return
        rows = []
        for decision in sorted(missing, key=lambda d: d.label_id):
            try:
                rows.append(self._labels_row(decision, self._item_values(decision.item_id)))
            except KeyError:
                _log.warning("label %d of item %r has no labels row and the item left the pool: "
                             "it stays in the metadata only", decision.label_id, decision.item_id)
        if rows:
            with self._lock:
                _append(self._labels, [c["name"] for c in self._columns], rows)
            self._label_rows += len(rows)
            _log.warning("restored %d label(s) missing from the labels dataset %s, from the metadata "
                         "dataset %s", len(rows), self._labels.name, self._metadata.name)

    def _decision(self, row: Dict[str, Any]) -> Decision:
        status = _text(row.get("status")) or LABELED
        label = _text(row.get("label")) if status == LABELED else None
        if label is not None and self.multi_label:
            label = _json_list(label)
        return Decision(label_id=int(row["label_id"]), item_id=_text(row.get("item_id")),
                        annotator=_text(row.get("annotator")), date=_text(row.get("date")),
                        status=status, label=label, comment=_text(row.get("comment")),
                        session=_text(row.get("session")))

    def _track(self, decision: Decision) -> bool:
        """Remember ``decision`` as current; True when it makes a stored labels row stale."""
        key = (decision.item_id, decision.annotator)
        previous = self._current.get(key)
        if previous is not None and previous.label_id > decision.label_id:
            return False
        self._current[key] = decision
        self._key_of[decision.label_id] = key
        return previous is not None and previous.status == LABELED

    def _keep(self, label_ids: Sequence[Any]) -> List[bool]:
        """Which labels rows a compaction keeps: current labels, once each, and rows of unknown ids."""
        seen = set()
        keep = []
        for value in label_ids:
            number = _as_int(value)
            # A second row of the same label: an append DSS wrote but reported as failed, then retried.
            copy = number in seen and number in self._key_of
            seen.add(number)
            keep.append(self._is_current(value) and not copy)
        return keep

    def _is_current(self, label_id: Any) -> bool:
        number = _as_int(label_id)
        key = None if number is None else self._key_of.get(number)
        if key is None:
            return True  # a row the metadata doesn't know: not ours to judge, kept, never lost
        current = self._current[key]
        return current.label_id == number and current.status == LABELED

    # -- writing -----------------------------------------------------------------------------

    def append(self, decision: Decision, item_values: Optional[Dict[str, Any]]) -> None:
        """Append the decision to the metadata and, for a label, the item and label to the labels.

        Returns once both writers are closed (the rows are durable in DSS).
        """
        label_text = self._label_text(decision.label) if decision.status == LABELED else None
        metadata_row = {"item_id": decision.item_id, "annotator": decision.annotator,
                        "date": decision.date, "status": decision.status, "label": label_text,
                        "comment": decision.comment or "", "session": decision.session or "",
                        "label_id": int(decision.label_id)}
        with self._lock:
            if self._broken:
                raise StoreNeedsRestart(self._broken)
            _append(self._metadata, [c["name"] for c in METADATA_COLUMNS], [metadata_row])
            if decision.status == LABELED:
                self._append_label(decision, item_values)
                self._label_rows += 1
            if self._track(decision):
                self._superseded += 1
            if self._superseded > max(self.compact_minimum, self.compact_ratio * self._label_rows):
                self._compact_after_append()

    def _compact_after_append(self) -> None:
        try:
            self._compact_locked()
        except Exception as error:
            # The decision is stored: acknowledge it. The labels dataset may now be empty or
            # partial; the metadata has every label and a restart restores them.
            self._broken = (f"the labels dataset could not be compacted ({error}); every label is safe "
                            "in the metadata dataset. Restart the webapp's backend to repair the "
                            "labels dataset and go on labeling.")
            _log.error("labels compaction failed: %s", error)

    def _append_label(self, decision: Decision, item_values: Optional[Dict[str, Any]]) -> None:
        row = self._labels_row(decision, item_values)
        for pause in (*RETRY_PAUSES, None):
            try:
                _append(self._labels, [c["name"] for c in self._columns], [row])
                return
            except Exception as error:
                if pause is None:
                    # The metadata has this decision: a restart restores its labels row. Until
                    # then the labels dataset is failing, so decisions are refused, not half-stored.
                    self._broken = (f"the labels dataset could not be written ({error}); the label is "
                                    "safe in the metadata dataset. Restart the webapp's backend "
                                    "to repair the labels dataset and go on labeling.")
                    _log.error("labels append failed: %s", error)
                    raise StoreNeedsRestart(self._broken) from error
                time.sleep(pause)

    def _labels_row(self, decision: Decision, item_values: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        row = {name: (item_values or {}).get(name) for name in self._item_names}
        row.update({self.label_column: self._label_text(decision.label),
                    self._extra["annotator"]: decision.annotator, self._extra["date"]: decision.date,
                    self._extra["label_id"]: int(decision.label_id)})
        return row

    def _label_text(self, label: Any) -> str:
        if self.multi_label:
            labels = list(label) if isinstance(label, (list, tuple)) else [label]
            return json.dumps(labels, ensure_ascii=False)
        return str(label)

    def compact(self) -> None:
        """Rewrite the labels dataset with only its current rows (the latest label per item and annotator)."""
        with self._lock:
            self._compact_locked()

    def _compact_locked(self) -> None:
        # Under the write lock: no label can be appended between the read and the rewrite.
        frame = self._labels.get_dataframe(infer_with_pandas=False)
        keep = frame[self._keep(frame[self._extra["label_id"]].tolist())]
        self._labels.spec_item["appendMode"] = False
        with self._labels.get_writer() as writer:
            writer.write_dataframe(keep[[c["name"] for c in self._columns]])
        self._labels.spec_item["appendMode"] = True
        _log.info("compacted the labels dataset: %d rows kept of %d", len(keep), len(frame))
        self._label_rows = len(keep)
        self._superseded = 0
        self.compactions += 1

    def close(self) -> None:
        """Nothing stays open between appends."""


def _append(dataset, names: List[str], rows: List[Dict[str, Any]]) -> None:
    # Outside a flow, a writer appends exactly when spec_item["appendMode"] is true.
    dataset.spec_item["appendMode"] = True
    with dataset.get_writer() as writer:
        writer.write_dataframe(pd.DataFrame(rows, columns=names))


def _text(value: Any) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _as_int(value: Any) -> Optional[int]:
    # Label ids may come back as floats (a column with blanks) or text: compare them as integers.
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number == number and number.is_integer() else None


def _json_list(text: str) -> List[str]:
    try:
        value = json.loads(text)
    except ValueError:
        return [text]  # written by hand or by an older version: one category
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]

