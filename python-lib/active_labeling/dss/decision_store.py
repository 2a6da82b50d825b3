"""Decisions stored in two DSS datasets: the metadata (every decision) and the labels (current labels).

Metadata columns: ``item_id, annotator, date, status, label, comment, session, label_id``.
Labels columns: the item's columns (tabular) or ``path`` (folders), the label column, then
``annotator, date, label_id`` (``labeling_date``... when the items have a column of that name).
A label is stored as its task's text (:mod:`active_labeling.tasks`): a category name; in
multi-label mode a JSON list of category names in one text column, e.g. ``["cat", "dog"]`` (parse
it with ``json.loads``); for boxes the JSON list ``[{"bbox": [x, y, w, h], "category": ...}]``.

Decisions that arrive together (``append_many``) go in one append session per dataset. A changed
label appends a new labels row; the old row is dropped later by a compaction
(:mod:`active_labeling.dss.compaction`), when superseded rows pile up, and both datasets are
compacted at start and once ``compact_after_appends`` append sessions were made since the last
compaction, which bounds the files a file-based connection keeps (about one per session). Never
for each label.

The metadata is the log the labels derive from. At start the labels dataset is reconciled with
it: every current label (the latest decision per item and annotator, when it is a label) whose
row is missing from the labels dataset (its append failed, or a compaction was cut off between
reading and rewriting and left the dataset empty or partial) is appended again, all in one
append; a row present twice counts as superseded, so the compaction that follows drops the copy.
A compaction of the metadata itself first saves its rows to a journal file, from which a cut-off
one is repaired at the next start.

Every read is of the stored text (:mod:`active_labeling.dss.dataset_io`) through a fresh handle:
a label or comment spelled ``NA`` or ``None`` stays what it is, an int column with blanks is
no error, and a rewrite gives back every value as it was.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import pandas as pd

from active_labeling.dss.compaction import forget_journal, recover_journal, rewrite
from active_labeling.dss.dataset_io import fresh, read_text
from active_labeling.dss.schemas import check_schema, extra_names, labels_columns_for, metadata_columns
from active_labeling.service.errors import ServiceError
from active_labeling.storage.base import LABELED, REVIEWED, Decision
from active_labeling.tasks import default_task, task_of
from active_labeling.teams.final import FinalRule

_log = logging.getLogger(__name__)
# Compact when superseded label rows exceed both this share of the labels rows and this count:
# the rewrite's cost is then spread over many labels.
COMPACT_RATIO = 0.2
COMPACT_MINIMUM = 50
# A dataset is compacted once this many append sessions were made to it since its last compaction:
# a file-based connection then keeps at most about this many files per dataset.
COMPACT_AFTER_APPENDS = 64
# Compactions run after the label that made them due is acknowledged, in a background thread.
COMPACT_IN_BACKGROUND = True
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
    compact_ratio, compact_minimum, compact_after_appends : float, int, int, optional
        Default ``COMPACT_RATIO``, ``COMPACT_MINIMUM`` and ``COMPACT_AFTER_APPENDS``.
    journal_dir : str, optional
        Where a compaction of the metadata saves its rows until it is done (default: a folder of
        the system's temporary directory named after the metadata dataset).
    task : str, optional
        The annotation task, whose text the label column holds; by default the one
        ``multi_label`` implies.
    """

    def __init__(self, metadata_dataset: str, labels_dataset: str, item_columns: Sequence[Dict[str, Any]],
                 label_column: str = "label", multi_label: bool = False,
                 component: str = "Labeling webapp", compact_ratio: Optional[float] = None,
                 compact_minimum: Optional[int] = None,
                 item_values: Optional[Callable[[str], Dict[str, Any]]] = None,
                 compact_after_appends: Optional[int] = None, journal_dir: Optional[str] = None,
                 task: Optional[str] = None, final_rule: Optional[FinalRule] = None):
        self.label_column = label_column
        self.task = task_of(default_task(task, multi_label))
        # How an item's labels make its final label (teams): the labels rows carry it.
        self.final_rule = final_rule or FinalRule(1, "review", self.task.agreement)
        self.multi_label = self.task.multi_label
        self.compact_ratio = COMPACT_RATIO if compact_ratio is None else compact_ratio
        self.compact_minimum = COMPACT_MINIMUM if compact_minimum is None else compact_minimum
        self.compact_after_appends = (COMPACT_AFTER_APPENDS if compact_after_appends is None
                                      else compact_after_appends)
        self._item_names = [str(c["name"]) for c in item_columns]
        self._extra = extra_names(self._item_names, label_column)
        self._item_values = item_values
        # Handles for writing only: every read opens a fresh one (DSS caches schemas per handle).
        self._metadata = fresh(metadata_dataset)
        self._labels = fresh(labels_dataset)
        self.metadata_name, self.labels_name = self._metadata.name, self._labels.name
        self._journal = os.path.join(journal_dir or _default_journal_dir(self.metadata_name),
                                     "metadata-compaction.csv")
        # Every write to either dataset goes through this lock: DSS allows one writer per dataset.
        self._lock = threading.Lock()
        found_labels = self._labels.read_schema(raise_if_empty=False)
        self._columns = labels_columns_for(found_labels, item_columns, label_column)
        self._finals = self._extra["final_status"] in {c["name"] for c in self._columns}
        if not self._finals:
            _log.warning("the labels dataset %s was made before final labels existed: its rows are written "
                         "without final_label and final_status. To have them, give the webapp a new labels "
                         "dataset (it is filled from the metadata at start)", self.labels_name)
        found = self._metadata.read_schema(raise_if_empty=False)
        self._metadata_columns = metadata_columns(found)
        if "suggestion" not in {c["name"] for c in self._metadata_columns}:
            _log.warning("the metadata dataset %s was made before suggestions were recorded: decisions "
                         "are written without the suggestion shown and the agreement with it. To record "
                         "them, give the webapp a new metadata dataset", self.metadata_name)
        needs = [check_schema(metadata_dataset, "metadata", found, self._metadata_columns, component),
                 check_schema(labels_dataset, "labels", found_labels, self._columns, component)]
        # Both checked before either is written: a refused dataset never gets a half-set-up partner.
        if needs[0]:
            self._metadata.write_schema(self._metadata_columns)
        if needs[1]:
            self._labels.write_schema(self._columns)
        self._current: Dict[Key, Decision] = {}
        self._keys_of_item: Dict[str, set] = {}  # item -> its keys in _current (final labels)
        self._key_of: Dict[int, Key] = {}
        self._label_rows = 0
        self._superseded = 0
        self._appends = {"metadata": 0, "labels": 0}
        self._broken: Optional[str] = None
        self._compacting: Optional[threading.Thread] = None
        self.compactions = 0
        self.append_sessions = 0

    # -- reading -----------------------------------------------------------------------------

    def load(self) -> List[Decision]:
        """Every decision in the metadata dataset, in ``label_id`` order (read once, at start).

        Also repairs what a backend cut off midway may have left (a metadata compaction's journal,
        labels rows missing), then compacts both datasets so that each holds one file.
        """
        metadata_names = [c["name"] for c in self._metadata_columns]
        frame = read_text(fresh(self.metadata_name), metadata_names)
        with self._lock:
            frame = self._recover_metadata(frame, metadata_names)
        decoded: Dict[str, Any] = {}  # few distinct labels: each one decoded once, then shared
        decisions = sorted((self._decision(row, decoded) for row in frame.to_dict("records")),
                           key=lambda d: d.label_id)
        for decision in decisions:
            self._track(decision)
        id_column = self._extra["label_id"]
        label_ids = read_text(fresh(self.labels_name), [id_column])[id_column].tolist()
        self._label_rows = len(label_ids)
        self._superseded = self._keep(label_ids).count(False)
        self._restore_missing(label_ids)
        with self._lock:
            if len(frame):
                self._compact_metadata()
            if self._label_rows:
                self._compact_labels()
        return decisions

    def _recover_metadata(self, frame: pd.DataFrame, names: List[str]) -> pd.DataFrame:
        present = {n for n in (_as_int(v) for v in frame["label_id"].tolist()) if n is not None}
        missing = recover_journal(self._journal, present, "label_id")
        if missing is None:
            return frame
        if len(missing):
            _append(self._metadata, names, missing[names].to_dict("records"))
            frame = pd.concat([frame, missing[names]], ignore_index=True)
        forget_journal(self._journal)
        return frame

    def _restore_missing(self, label_ids: List[Any]) -> None:
        present = {_as_int(v) for v in label_ids}
        missing = [d for d in self._current.values() if d.status in _ROWS and d.label_id not in present]
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
                         "dataset %s", len(rows), self.labels_name, self.metadata_name)

    def _decision(self, row: Dict[str, Any], decoded: Dict[str, Any]) -> Decision:
        status = sys.intern(_text(row.get("status")) or LABELED)
        label = _text(row.get("label")) if status in _ROWS else None
        suggestion = _text(row.get("suggestion")) or None
        agreed = {"true": True, "false": False}.get(_text(row.get("agreed")).lower())
        # The few annotators and sessions are shared too: a row's strings are its own otherwise.
        return Decision(label_id=_as_int(row["label_id"]), item_id=_text(row.get("item_id")),
                        annotator=sys.intern(_text(row.get("annotator"))), date=_text(row.get("date")),
                        status=status, label=self._decoded(label, decoded), comment=_text(row.get("comment")),
                        session=sys.intern(_text(row.get("session"))),
                        suggestion=self._decoded(suggestion, decoded), agreed=agreed)

    def _decoded(self, text: Optional[str], decoded: Dict[str, Any]) -> Any:
        if text is None:
            return None
        if text not in decoded:
            decoded[text] = self.task.decode(text)
        return decoded[text]

    def _track(self, decision: Decision) -> bool:
        """Remember ``decision`` as current; True when it makes a stored labels row stale."""
        key = _key(decision)
        previous = self._current.get(key)
        if previous is not None and previous.label_id > decision.label_id:
            return False
        self._current[key] = decision
        self._keys_of_item.setdefault(decision.item_id, set()).add(key)
        self._key_of[decision.label_id] = key
        return previous is not None and previous.status in _ROWS

    def _final(self, item_id: str, overlay: Dict[Key, Decision]) -> Tuple[Optional[str], str]:
        """The item's final label text and status, with ``overlay``'s decisions (not stored yet) applied."""
        keys = self._keys_of_item.get(item_id, set()) | {k for k in overlay if k[0] == item_id}
        current = [overlay.get(key) or self._current[key] for key in keys]
        labels = [d.label for d in sorted(current, key=lambda d: d.label_id)
                  if d.status == LABELED]
        review = next((d for d in current if d.status == REVIEWED), None)
        final = self.final_rule.final(labels, review.label if review else None, review is not None)
        return (None if final.label is None else self._label_text(final.label)), final.status

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
        return current.label_id == number and current.status in _ROWS

    # -- writing -----------------------------------------------------------------------------

    def append(self, decision: Decision, item_values: Optional[Dict[str, Any]]) -> None:
        """Store one decision: see :meth:`append_many`."""
        self.append_many([(decision, item_values)])

    def append_many(self, entries: Sequence[Tuple[Decision, Optional[Dict[str, Any]]]]) -> None:
        """Append the decisions to the metadata and their labels (with the items) to the labels.

        One append session per dataset for all of them. Returns once both writers are closed (the
        rows are durable in DSS); raises when the metadata rows could not be written.
        """
        metadata_rows = [self._metadata_row(decision) for decision, _ in entries]
        with self._lock:
            if self._broken:
                raise StoreNeedsRestart(self._broken)
            overlay: Dict[Key, Decision] = {}  # the item's final label as of each row
            label_rows = []
            for decision, values in entries:
                overlay[_key(decision)] = decision
                if decision.status in _ROWS:
                    label_rows.append(self._labels_row(decision, values, overlay))
            _append(self._metadata, [c["name"] for c in self._metadata_columns], metadata_rows)
            self._appends["metadata"] += 1
            self.append_sessions += 1
            if label_rows:
                self._append_labels(label_rows)
                self._label_rows += len(label_rows)
            for decision, _ in entries:
                if self._track(decision):
                    self._superseded += 1
            if not self._compaction_due() or (self._compacting and self._compacting.is_alive()):
                return
            if not COMPACT_IN_BACKGROUND:
                self._compact_when_due()
                return
            # After the acknowledgement, in the background: answers that write nothing (batches,
            # stats) never wait for a rewrite; a label that comes meanwhile waits for the lock.
            self._compacting = threading.Thread(target=self._compact_in_background, daemon=True,
                                                name=f"compact {self.metadata_name}")
            self._compacting.start()

    def _compaction_due(self) -> bool:
        return (self._labels_compaction_due() or self._appends["metadata"] >= self.compact_after_appends)

    def _labels_compaction_due(self) -> bool:
        return (self._superseded > max(self.compact_minimum, self.compact_ratio * self._label_rows)
                or self._appends["labels"] >= self.compact_after_appends)

    def _compact_in_background(self) -> None:
        with self._lock:
            if not self._broken:
                self._compact_when_due()

    def wait_for_compaction(self, timeout: Optional[float] = None) -> None:
        """Return once a compaction started in the background is over (tests, shutdown)."""
        running = self._compacting
        if running is not None:
            running.join(timeout)

    def _metadata_row(self, decision: Decision) -> Dict[str, Any]:
        label_text = self._label_text(decision.label) if decision.status in _ROWS else None
        return {"item_id": decision.item_id, "annotator": decision.annotator, "date": decision.date,
                "status": decision.status, "label": label_text, "comment": decision.comment or "",
                "session": decision.session or "", "label_id": int(decision.label_id),
                # Dropped by the append when the dataset predates these columns.
                "suggestion": None if decision.suggestion is None else self._label_text(decision.suggestion),
                "agreed": "" if decision.agreed is None else str(decision.agreed).lower()}

    def _compact_when_due(self) -> None:
        try:
            if self._labels_compaction_due():
                self._compact_labels()
        except Exception as error:
            # The decision is stored: acknowledge it. The labels dataset may now be empty or
            # partial; the metadata has every label and a restart restores them.
            self._broken = (f"the labels dataset could not be compacted ({error}); every label is safe "
                            "in the metadata dataset. Restart the webapp's backend to repair the "
                            "labels dataset and go on labeling.")
            _log.error("labels compaction failed: %s", error)
            return
        if self._appends["metadata"] < self.compact_after_appends:
            return
        try:
            self._compact_metadata()
        except Exception as error:
            self._broken = (f"the metadata dataset could not be compacted ({error}); its rows are safe in "
                            f"the journal {self._journal}. Restart the webapp's backend to restore them "
                            "and go on labeling.")
            _log.error("metadata compaction failed: %s", error)

    def _append_labels(self, rows: List[Dict[str, Any]]) -> None:
        for pause in (*RETRY_PAUSES, None):
            try:
                _append(self._labels, [c["name"] for c in self._columns], rows)
                self._appends["labels"] += 1
                self.append_sessions += 1
                return
            except Exception as error:
                if pause is None:
                    # The metadata has these decisions: a restart restores their labels rows. Until
                    # then the labels dataset is failing, so decisions are refused, not half-stored.
                    self._broken = (f"the labels dataset could not be written ({error}); the label is "
                                    "safe in the metadata dataset. Restart the webapp's backend "
                                    "to repair the labels dataset and go on labeling.")
                    _log.error("labels append failed: %s", error)
                    raise StoreNeedsRestart(self._broken) from error
                time.sleep(pause)

    def _labels_row(self, decision: Decision, item_values: Optional[Dict[str, Any]],
                    overlay: Optional[Dict[Key, Decision]] = None) -> Dict[str, Any]:
        row = {name: (item_values or {}).get(name) for name in self._item_names}
        row.update({self.label_column: self._label_text(decision.label),
                    self._extra["annotator"]: decision.annotator, self._extra["date"]: decision.date,
                    self._extra["label_id"]: int(decision.label_id)})
        if self._finals:
            label, status = self._final(decision.item_id, overlay or {})
            row.update({self._extra["final_label"]: label, self._extra["final_status"]: status})
        return row

    def _label_text(self, label: Any) -> str:
        return self.task.encode(label)

    def compact(self) -> None:
        """Rewrite the labels dataset with only its current rows (the latest label per item and annotator)."""
        with self._lock:
            self._compact_labels()

    def _compact_labels(self) -> None:
        # Under the write lock: no label can be appended between the read and the rewrite.
        id_column = self._extra["label_id"]
        kept = rewrite(self.labels_name, [c["name"] for c in self._columns],
                       lambda rows: self._keep(rows[id_column].tolist()))
        _log.info("compacted the labels dataset: %d rows kept of %d", kept, self._label_rows)
        self._label_rows = kept
        self._superseded = 0
        self._appends["labels"] = 0
        self.compactions += 1

    def _compact_metadata(self) -> None:
        # Every row is kept (the metadata is the log): only its files are merged.
        kept = rewrite(self.metadata_name, [c["name"] for c in self._metadata_columns], journal=self._journal)
        _log.info("compacted the metadata dataset: %d rows", kept)
        self._appends["metadata"] = 0
        self.compactions += 1

    def close(self) -> None:
        """Nothing stays open between appends; a compaction under way is let finish."""
        self.wait_for_compaction()


# Decisions that have a labels row: an annotator's label, and a reviewer's (the final label).
_ROWS = (LABELED, REVIEWED)
_REVIEW = "\x00review"  # the key of an item's latest review, whoever the reviewer


def _key(decision: Decision) -> Key:
    return (decision.item_id, _REVIEW if decision.status == REVIEWED else decision.annotator)


def _default_journal_dir(metadata_name: str) -> str:
    # One per DSS instance (DSS gives its processes DIP_HOME, its data directory) and dataset.
    instance = os.environ.get("DIP_HOME", "")
    digest = hashlib.sha1(f"{instance}|{metadata_name}".encode()).hexdigest()[:12]
    return os.path.join(tempfile.gettempdir(), "active-labeling-journal", digest)


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

