"""One retrain round of the spans task (``serve --task spans --retrain-every N``).

The token tagger (:mod:`active_labeling.learning.span_tagger`) is fitted on every labeled text,
scores the unlabeled ones by its sequence uncertainty, and the most uncertain are written as the
queries, most useful first (near copies of a text just taken further down:
``sampling/span_order.py``), each with the tagger's spans in the ``prediction`` column: the page
draws them as suggestions, Enter accepts them. The entity-level F1 of a tagger fitted on four
fifths of the labels, on the other fifth, is the round's figure (``status``).
"""

from __future__ import annotations

import json
import pickle
import sqlite3
import time
from typing import Any, Dict, List, Mapping, Optional, Tuple

import numpy as np

from active_labeling.learning.span_tagger import SpanTagger, entity_f1
from active_labeling.local.retrain_round import (
    RetrainError,
    RetrainSettings,
    _write_atomically,
    read_pool,
    utc_now,
)
from active_labeling.local.rounds import OK
from active_labeling.sampling.span_order import varied_order
from active_labeling.tasks.spans import PREDICTION_COLUMN

MIN_HELD_OUT = 10  # labeled texts needed before a fifth of them is held out for the F1


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


def held_out_f1(texts: List[str], spans: List[List[Dict[str, Any]]], seed: int) -> Optional[float]:
    """Entity F1 on a fifth of the labeled texts of a tagger fitted on the rest; None when too few."""
    if len(texts) < MIN_HELD_OUT:
        return None
    order = np.random.default_rng(seed).permutation(len(texts))
    cut = len(texts) // 5
    test, train = order[:cut], order[cut:]
    if not any(spans[i] for i in train):
        return None
    tagger = SpanTagger().fit([texts[i] for i in train], [spans[i] for i in train])
    return entity_f1([spans[i] for i in test], tagger.spans([texts[i] for i in test]))


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
    texts = ["" if v is None or v != v else str(v) for v in pool.frame[column].tolist()]
    position = {item_id: i for i, item_id in enumerate(pool.ids)}
    labeled = [i for i in labels if i in position]
    if not any(labels[i] for i in labeled):
        raise RetrainError(f"{len(labeled)} labeled text(s), none with a span: the tagger needs spans to "
                           "learn from")
    rows = [position[i] for i in labeled]
    train_texts, train_spans = [texts[r] for r in rows], [labels[i] for i in labeled]
    f1 = held_out_f1(train_texts, train_spans, settings.seed)
    tagger = SpanTagger().fit(train_texts, train_spans)
    model_path = _write_atomically(settings.folder / f"model-{number:04d}.pkl",
                                   lambda stream: pickle.dump(tagger, stream))
    unlabeled = np.ones(len(pool.ids), dtype=bool)
    unlabeled[rows] = False
    candidates = np.flatnonzero(unlabeled)
    candidate_texts = [texts[r] for r in candidates]
    predictions = tagger.predict(candidate_texts)
    scores = np.array([p.uncertainty for p in predictions])
    # Most uncertain first, near copies of a text just taken later (sampling/span_order.py).
    order = np.array(varied_order(candidate_texts, scores, min(settings.n_queries, len(candidates))),
                     dtype=int)
    queries = pool.frame.iloc[candidates[order]].reset_index(drop=True)
    queries["score"] = scores[order]
    queries["rank"] = np.arange(1, len(order) + 1)
    queries[PREDICTION_COLUMN] = [json.dumps(predictions[k].spans, ensure_ascii=False) for k in order]
    _write_atomically(settings.queries_path, lambda stream: queries.to_parquet(stream, index=False))
    entry = {"round": number, "status": OK, "started": started_at, "finished": utc_now(), "mark": mark,
             "labels": len(labeled), "entity_f1": None if f1 is None else round(f1, 4),
             "model": str(model_path), "queries": len(queries), "queries_file": str(settings.queries_path),
             "features": f"span tagger: a CRF on the tokens of {column!r} (shape, affixes, 2 tokens of "
                         "context), texts ranked by 1 - P(best tags)^(1/tokens), varied",
             "seconds": time.perf_counter() - started}
    return entry, tagger
