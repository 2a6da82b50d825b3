"""One retrain round of the spans task (``serve --task spans --retrain-every N``).

The token tagger is fitted on every labeled text and ranks the others
(:mod:`active_labeling.sampling.span_queries`); the queries file, most useful first with the
tagger's spans in ``prediction``, is replaced atomically, so the service follows it. The round's
figure is the tagger's held-out entity-level F1 (``status``).
"""

from __future__ import annotations

import json
import pickle
import sqlite3
import time
from typing import Any, Dict, List, Mapping, Optional, Tuple

import numpy as np

from active_labeling.atomic_files import write_atomically
from active_labeling.local.retrain_round import RetrainError, RetrainSettings, read_pool, utc_now
from active_labeling.local.rounds import OK
from active_labeling.sampling.span_queries import SpanQueriesError, span_queries


def read_span_labels(db: sqlite3.Connection) -> Tuple[Dict[str, List[Dict[str, Any]]], int]:
    """(item id → its latest spans, the last decision's label_id) from the workspace."""
    mark = db.execute("SELECT COALESCE(MAX(label_id), 0) FROM decisions").fetchone()[0]
    latest: Dict[str, List[Dict[str, Any]]] = {}
    for item_id, label in db.execute(
            "SELECT item_id, label FROM labels WHERE label_id <= ? ORDER BY label_id", (mark,)):
        value = json.loads(label) if label is not None else None
        if isinstance(value, list):
            latest[item_id] = value  # several annotators: the latest label wins
    return latest, int(mark)


def run_spans_round(settings: RetrainSettings, db: sqlite3.Connection, number: int, previous: Any = None,
                    last: Optional[Mapping[str, Any]] = None) -> Tuple[Dict[str, Any], Any]:
    """Run round ``number`` of the spans task; returns its log entry and the fitted tagger.

    Raises
    ------
    RetrainError
        When no labeled text has a span yet.
    """
    started = time.perf_counter()
    started_at = utc_now()
    labels, mark = read_span_labels(db)
    pool = read_pool(settings)
    column = pool.rule.column
    position = {item_id: i for i, item_id in enumerate(pool.ids)}
    labeled = [i for i in labels if i in position]
    rows = [position[i] for i in labeled]
    unlabeled = np.ones(len(pool.ids), dtype=bool)
    unlabeled[rows] = False
    texts = pool.frame[column].tolist()
    try:
        done = span_queries(pool.frame[unlabeled], column, [texts[r] for r in rows],
                            [labels[i] for i in labeled], settings.n_queries, settings.seed)
    except SpanQueriesError as error:
        raise RetrainError(str(error)) from None
    model_path = write_atomically(settings.folder / f"model-{number:04d}.pkl",
                                  lambda stream: pickle.dump(done.tagger, stream))
    write_atomically(settings.queries_path, lambda stream: done.queries.to_parquet(stream, index=False))
    f1 = done.held_out_f1
    entry = {"round": number, "status": OK, "started": started_at, "finished": utc_now(), "mark": mark,
             "labels": len(labeled), "entity_f1": None if f1 is None else round(f1, 4),
             "model": str(model_path), "queries": len(done.queries),
             "queries_file": str(settings.queries_path),
             "features": f"span tagger: a CRF on the tokens of {column!r} (shape, affixes, 2 tokens of "
                         "context), texts ranked by 1 - P(best tags)^(1/tokens), varied",
             "seconds": time.perf_counter() - started}
    return entry, done.tagger
