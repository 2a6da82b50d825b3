"""Simulated active learning for the spans task: strategies compared by entity-level F1.

Each repetition holds out a fifth of the fully annotated texts, labels ``initial`` random texts,
then in rounds of ``batch_size`` lets each strategy choose the next texts from the rest (their true
spans are revealed), refits the token tagger (:mod:`active_labeling.learning.span_tagger`) and
measures micro entity-level F1 on the held-out texts: a predicted span counts only when its
offsets and category equal a true one's.

Strategies: ``random`` (the baseline) and ``uncertainty`` (the tagger's sequence uncertainty,
``1 - P(best path) ** (1 / tokens)``, most uncertain first, near copies of a text just taken
later: what ``serve --task spans --retrain-every`` does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

from active_labeling.learning.span_tagger import SpanTagger, entity_f1
from active_labeling.sampling.span_order import serving_order

SPAN_STRATEGIES = ("random", "uncertainty")


@dataclass(frozen=True)
class SpanSimulationSettings:
    """What to simulate: strategies, batch size, initial labels, budget, repetitions, seed."""

    strategies: Sequence[str] = SPAN_STRATEGIES
    batch_size: int = 20
    initial_labels: int = 20
    budget: int = 200
    repetitions: int = 3
    seed: int = 0
    test_share: float = 0.2


def _fit(texts: Sequence[str], spans: Sequence[List[Dict[str, Any]]],
         chosen: Sequence[int]) -> Optional[SpanTagger]:
    if not any(spans[i] for i in chosen):
        return None  # nothing to learn yet: the tagger marks nothing
    return SpanTagger().fit([texts[i] for i in chosen], [spans[i] for i in chosen])


def _f1(tagger: Optional[SpanTagger], texts, truth) -> float:
    if tagger is None:
        return 0.0
    return entity_f1(truth, tagger.spans(texts))


def simulate_spans(texts: Sequence[str], spans: Sequence[List[Dict[str, Any]]],
                   settings: SpanSimulationSettings,
                   progress: Optional[Callable[[str], None]] = None) -> pd.DataFrame:
    """The learning curves: one row per repetition, strategy and number of labels, with ``entity_f1``.

    Raises
    ------
    ValueError
        For an unknown strategy, or a budget above the texts left after the held-out ones.
    """
    unknown = [s for s in settings.strategies if s not in SPAN_STRATEGIES]
    if unknown:
        raise ValueError(f"unknown strategy {unknown[0]!r} for spans: choose among "
                         f"{', '.join(SPAN_STRATEGIES)}")
    n = len(texts)
    n_test = max(1, int(round(n * settings.test_share)))
    if settings.budget > n - n_test:
        raise ValueError(f"the budget ({settings.budget}) is above the {n - n_test} texts left once "
                         f"{n_test} are held out: lower --budget")
    rows = []
    for repetition in range(settings.repetitions):
        rng = np.random.default_rng(settings.seed + repetition)
        order = rng.permutation(n)
        test, pool = order[:n_test], order[n_test:]
        test_texts, test_truth = [texts[i] for i in test], [spans[i] for i in test]
        start = list(pool[:settings.initial_labels])
        for strategy in settings.strategies:
            chosen = list(start)
            while True:
                tagger = _fit(texts, spans, chosen)
                rows.append({"repetition": repetition, "strategy": strategy, "labels": len(chosen),
                             "entity_f1": _f1(tagger, test_texts, test_truth)})
                if progress:
                    progress(f"repetition {repetition + 1}, {strategy}: {len(chosen)} labels, "
                             f"entity F1 {rows[-1]['entity_f1']:.3f}")
                if len(chosen) >= settings.budget:
                    break
                taken = set(chosen)
                rest = [i for i in pool if i not in taken]
                size = min(settings.batch_size, settings.budget - len(chosen))
                if strategy == "random" or tagger is None:
                    picked = list(rng.choice(rest, size=size, replace=False))
                else:
                    candidates = [texts[i] for i in rest]
                    scores = [p.uncertainty for p in tagger.predict(candidates)]
                    picked = [rest[k] for k in serving_order(candidates, scores, size, rng)]
                chosen.extend(int(i) for i in picked)
    return pd.DataFrame(rows)


def summary_table(curves: pd.DataFrame) -> pd.DataFrame:
    """Mean entity F1 per number of labels (rows) and strategy (columns)."""
    return curves.pivot_table(index="labels", columns="strategy", values="entity_f1", aggfunc="mean")
