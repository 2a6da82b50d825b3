"""The local DecisionStore: decisions and labels in the workspace database.

One decision is one SQLite transaction: a row in ``decisions`` (the metadata) and the matching
row of ``labels`` replaced (or removed when the decision is a skip). ``append`` returns only
after the commit, which with ``synchronous=FULL`` is on disk.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from active_labeling.local.workspace import connect, transaction
from active_labeling.storage.base import LABELED, SKIPPED, Decision


def _encode(label) -> Optional[str]:
    return None if label is None else json.dumps(label, ensure_ascii=False)


def _suggestions(decisions: Sequence[Decision]) -> List[Tuple[int, str, Optional[int]]]:
    """Rows of the ``suggestions`` table: decisions that came with a model's suggestion."""
    return [(d.label_id, _encode(d.suggestion), None if d.agreed is None else int(d.agreed))
            for d in decisions if d.suggestion is not None]


class SqliteDecisionStore:
    """Decisions stored in a workspace database.

    Parameters
    ----------
    db_path : str or Path
        The workspace's database (already created by ``Workspace``).
    synchronous : str
        "FULL" (default): a commit returns once the WAL is on disk, so an acknowledged label
        survives a killed process and a power loss. "NORMAL": it returns once the WAL is written
        to the operating system, which survives a killed process but may lose the last labels
        on a power loss or OS crash; for disks where a flush is slow.
    """

    def __init__(self, db_path: Union[str, Path], synchronous: str = "FULL"):
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError(f"synchronous should be FULL or NORMAL, got {synchronous!r}")
        self._db = connect(db_path, synchronous)
        self._lock = threading.Lock()

    def load(self) -> List[Decision]:
        """Every decision, in ``label_id`` order."""
        cursor = self._db.execute(
            "SELECT d.label_id, item_id, annotator, date, status, label, comment, session, suggestion, "
            "agreed FROM decisions d LEFT JOIN suggestions s ON s.label_id = d.label_id ORDER BY d.label_id")
        # Few distinct labels: decode each once (this is most of the start time on 100,000 labels).
        decoded: Dict[Optional[str], Any] = {None: None}
        # SQLite gives each row its own strings: share the few annotators, statuses and sessions
        # (a million decisions take 320 MB instead of 440).
        shared = sys.intern
        decisions = []
        for row in cursor:
            label_id, item_id, annotator, date, status, label, comment, session, suggestion, agreed = row
            for text in (label, suggestion):
                if text not in decoded:
                    decoded[text] = json.loads(text)
            decisions.append(Decision(label_id, item_id, shared(annotator), date, shared(status),
                                      decoded[label], comment, shared(session), decoded[suggestion],
                                      None if agreed is None else bool(agreed)))
        return decisions

    def append(self, decision: Decision, item_values: Optional[Dict[str, Any]]) -> None:
        """Store ``decision`` in one transaction; return once it is committed."""
        label = _encode(decision.label)
        with self._lock, transaction(self._db):
            self._db.execute("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (decision.label_id, decision.item_id, decision.annotator, decision.date,
                              decision.status, label, decision.comment, decision.session))
            self._db.executemany("INSERT INTO suggestions VALUES (?, ?, ?)", _suggestions([decision]))
            if decision.status == LABELED:
                values = None if item_values is None else json.dumps(item_values, default=str)
                self._db.execute("INSERT OR REPLACE INTO labels VALUES (?, ?, ?, ?, ?, ?)",
                                 (decision.item_id, decision.annotator, decision.label_id,
                                  decision.date, label, values))
            elif decision.status == SKIPPED:  # a review leaves its reviewer's own label alone
                self._db.execute("DELETE FROM labels WHERE item_id = ? AND annotator = ?",
                                 (decision.item_id, decision.annotator))

    def append_many(self, entries: Sequence[Tuple[Decision, Optional[Dict[str, Any]]]]) -> None:
        """Store ``(decision, item values)`` pairs in one transaction (decisions that arrived together)."""
        decisions = [decision for decision, _ in entries]
        values = [item_values for _, item_values in entries]
        with self._lock, transaction(self._db):
            self._db.executemany("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                 [(d.label_id, d.item_id, d.annotator, d.date, d.status,
                                   _encode(d.label), d.comment, d.session) for d in decisions])
            self._db.executemany("INSERT INTO suggestions VALUES (?, ?, ?)", _suggestions(decisions))
            self._db.executemany(
                "INSERT OR REPLACE INTO labels VALUES (?, ?, ?, ?, ?, ?)",
                [(d.item_id, d.annotator, d.label_id, d.date, _encode(d.label),
                  None if v is None else json.dumps(v, default=str))
                 for d, v in zip(decisions, values) if d.status == LABELED])

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
