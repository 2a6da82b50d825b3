"""The Span Query Sampler recipe: read the texts and the marked spans, fit the tagger, write the queries.

The labels dataset of the Text span labeling webapp holds each marked text's row and its spans
(the latest label of each text is used); the texts not in it are ranked by the token tagger
(:mod:`active_labeling.sampling.span_queries`) and written as the queries, with the tagger's spans
in ``prediction``; the generation is bumped so that the webapp follows.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

import pandas as pd

from active_labeling.dss import sampler_io
from active_labeling.dss.dataset_io import fresh, read_text, schema_of
from active_labeling.dss.span_sampler_config import COMPONENT, SpanSamplerConfig
from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.span_queries import SpanQueriesError, span_queries
from active_labeling.tasks.spans import parse_spans

log = logging.getLogger("active_labeling.span_sampler")


def _columns(name: str) -> List[str]:
    return [str(c.get("name")) for c in schema_of(name)]


def _labeled(config: SpanSamplerConfig, labels: str) -> Dict[str, List[Dict[str, Any]]]:
    """The key of each marked text (its id, else its text) → its latest spans."""
    key = config.id_column or config.text_column
    columns = _columns(labels)
    missing = [c for c in (key, config.label_column) if c not in columns]
    if missing:
        raise SamplerError(f"the labels dataset {labels} has no column {', '.join(missing)} (columns: "
                           f"{', '.join(columns) or 'none'}): choose the labels dataset of the Text span "
                           "labeling webapp, and the same 'Text column', 'Item id column' and 'Label column'")
    order = [c for c in ("label_id",) if c in columns]
    frame = read_text(fresh(labels), [key, config.label_column, *order])
    if order:
        frame = frame.sort_values("label_id", key=lambda s: pd.to_numeric(s, errors="coerce"), kind="stable")
    latest: Dict[str, List[Dict[str, Any]]] = {}
    for value, cell in zip(frame[key].tolist(), frame[config.label_column].tolist()):
        try:
            latest[str(value)] = parse_spans(cell)
        except ValueError:
            continue  # not spans (a skip, a hand-written cell): not training data
    return latest


def run_span_sampler(config: SpanSamplerConfig, texts: str, labels: str, queries: str) -> int:
    """Run the recipe on full names of its inputs and output; returns the number of queries.

    Raises
    ------
    SamplerError
        With a message that says what to change.
    """
    try:
        columns = _columns(texts)
        for name, label in ((config.text_column, "Text column"), (config.id_column, "Item id column")):
            if name is not None and name not in columns:
                raise SamplerError(f"'{label}' {name!r} is not a column of {texts} (columns: "
                                   f"{', '.join(columns)})")
        labeled = _labeled(config, labels)
        frame = read_text(fresh(texts))
        key = config.id_column or config.text_column
        keys = frame[key].map(lambda v: "" if v is None else str(v))
        marked = keys.isin(set(labeled))
        chosen = [labeled[k] for k in keys[marked].tolist()]
        try:
            done = span_queries(frame[~marked.to_numpy()], config.text_column,
                                frame.loc[marked, config.text_column].tolist(), chosen, config.n_queries)
        except SpanQueriesError as error:
            raise SamplerError(str(error)) from None
    except SamplerError as error:
        raise SamplerError(f"{COMPONENT}: {error}") from None
    sampler_io.write_queries(queries, done.queries, schema_of(texts))
    generation = sampler_io.bump_generation(queries)
    f1 = "not measured yet (fewer than 10 marked texts)" if done.held_out_f1 is None else \
        f"{done.held_out_f1:.3f}"
    log.info("%s: %d marked texts, held-out entity F1 %s; %d queries; queries generation of %s is now %d",
             COMPONENT, len(chosen), f1, len(done.queries), queries, generation)
    return len(done.queries)
