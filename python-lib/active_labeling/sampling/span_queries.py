"""The queries of the spans task: a token tagger fitted on the labeled texts ranks the others.

Shared by the local loop (``serve --task spans --retrain-every``) and the Span Query Sampler
recipe in DSS. The tagger (:mod:`active_labeling.learning.span_tagger`) is fitted on every
labeled text; the unlabeled ones are scored by its sequence uncertainty and ordered by
:mod:`active_labeling.sampling.span_order` (every fourth place a random text); each query keeps
the tagger's spans (with a confidence each) in ``prediction``, which the labeling page draws as
suggestions. The entity-level F1 of a tagger fitted on four fifths of the labels, on the other
fifth, says how good it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

from active_labeling.learning.span_tagger import SpanTagger, entity_f1
from active_labeling.sampling.span_order import serving_order
from active_labeling.tasks.spans import PREDICTION_COLUMN

MIN_HELD_OUT = 10  # labeled texts needed before a fifth of them is held out for the F1


class SpanQueriesError(ValueError):
    """The tagger can't be fitted (no labeled text has a span); the message says what to do."""


@dataclass
class SpanQueries:
    """The queries (the candidate rows with ``score``, ``rank`` and ``prediction``), the tagger, its F1."""

    queries: pd.DataFrame
    tagger: SpanTagger
    held_out_f1: Optional[float]


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def held_out_f1(texts: Sequence[str], spans: Sequence[List[Dict[str, Any]]], seed: int) -> Optional[float]:
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


def span_queries(candidates: pd.DataFrame, text_column: str, labeled_texts: Sequence[str],
                 labeled_spans: Sequence[List[Dict[str, Any]]], n_queries: int, seed: int = 0) -> SpanQueries:
    """Fit the tagger on the labeled texts and rank ``candidates`` (unlabeled rows) for labeling.

    ``n_queries`` 0 keeps every candidate.

    Raises
    ------
    SpanQueriesError
        When no labeled text has a span yet.
    """
    if not any(labeled_spans):
        raise SpanQueriesError(f"{len(labeled_texts)} labeled text(s), none with a span: the tagger needs "
                               "spans to learn from; mark some first")
    texts = [_text(t) for t in labeled_texts]
    f1 = held_out_f1(texts, labeled_spans, seed)
    tagger = SpanTagger().fit(texts, labeled_spans)
    candidate_texts = [_text(v) for v in candidates[text_column].tolist()]
    predictions = tagger.predict(candidate_texts)
    scores = np.array([p.uncertainty for p in predictions])
    wanted = len(candidates) if n_queries <= 0 else min(n_queries, len(candidates))
    # The random places differ from round to round, and are the same for the same labels.
    rng = np.random.default_rng([seed, len(texts)])
    order = np.array(serving_order(candidate_texts, scores, wanted, rng), dtype=int)
    queries = candidates.iloc[order].reset_index(drop=True)
    queries[PREDICTION_COLUMN] = [json.dumps(predictions[k].spans, ensure_ascii=False) for k in order]
    queries["score"] = scores[order] if len(order) else np.zeros(0)
    queries["rank"] = np.arange(1, len(order) + 1)
    return SpanQueries(queries, tagger, f1)
