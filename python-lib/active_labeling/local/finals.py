"""Final labels and agreement figures of a local workspace, derived from its decisions.

The workspace keeps the decision log (annotators' labels and skips, reviewers' decisions) and,
under the ``meta`` key ``team``, how labels become final (annotators per item, what settles a
disagreement), written by ``serve``. The final label of each item is computed from these when it
is read (export, retrain, status): never stored twice, so it can't disagree with the log, and a
workspace made before teams existed (no ``team`` key) reads as one annotator per item.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Dict, Mapping

from active_labeling.storage.base import Decision
from active_labeling.tasks import default_task, task_of
from active_labeling.teams.final import FinalRule
from active_labeling.teams.team import Team

TEAM_KEY = "team"


def team_settings(annotators_per_item: int, disagreement: str, review_sample: float) -> Dict[str, Any]:
    """What ``serve`` records under the ``team`` key."""
    return {"annotators_per_item": int(annotators_per_item), "disagreement": disagreement,
            "review_sample": float(review_sample)}


def record_team(db: sqlite3.Connection, settings: Mapping[str, Any]) -> None:
    """Record the team settings ``serve`` runs with (the latest serve's count)."""
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (TEAM_KEY, json.dumps(dict(settings))))


def read_team(db: sqlite3.Connection, upto: int = None) -> Team:
    """The team state of the workspace: final labels and agreement, from every decision (up to
    the label id ``upto`` when given)."""
    meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('setup', ?)", (TEAM_KEY,)).fetchall())
    setup = json.loads(meta.get("setup") or "{}")
    team = json.loads(meta.get(TEAM_KEY) or "{}")
    task = task_of(default_task(setup.get("task"), bool(setup.get("multi_label"))))
    rule = FinalRule(int(team.get("annotators_per_item", 1)), team.get("disagreement", "review"),
                     task.agreement)
    query = "SELECT label_id, item_id, annotator, date, status, label, comment FROM decisions"
    rows = db.execute(query + (" WHERE label_id <= ?" if upto is not None else "") + " ORDER BY label_id",
                      (upto,) if upto is not None else ())
    decisions = (Decision(label_id, item_id, annotator, date, status,
                          None if label is None else json.loads(label), comment or "")
                 for label_id, item_id, annotator, date, status, label, comment in rows)
    return Team.from_decisions(decisions, task, rule, setup.get("categories", ()),
                               float(team.get("review_sample", 0.1)))
