"""The order in which texts are served for the spans task: most uncertain first, varied.

Texts are taken by decreasing uncertainty (the tagger's, :mod:`active_labeling.learning.span_tagger`),
but a text whose words overlap much with a text just taken (Jaccard index of their lower-cased
word sets at least ``threshold``, compared with the ``window`` texts taken last) waits until the
others are taken: a batch of near copies of one sentence pattern teaches the tagger what the first
of them did. Texts that waited follow in their uncertainty order.
"""

from __future__ import annotations

from typing import List, Sequence

import numpy as np

from active_labeling.tasks.tokens import tokenize

THRESHOLD = 0.3
WINDOW = 50


def _words(text: str) -> frozenset:
    return frozenset(text[s:e].lower() for s, e in tokenize(text))


def varied_order(texts: Sequence[str], scores: Sequence[float], n: int, threshold: float = THRESHOLD,
                 window: int = WINDOW) -> List[int]:
    """Indices of the ``n`` texts to serve first (``n`` at most ``len(texts)``), in serving order."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    taken: List[int] = []
    recent: List[frozenset] = []
    waiting: List[int] = []
    for index in order:
        if len(taken) >= n:
            break
        words = _words(texts[index])
        if any(len(words & other) >= threshold * len(words | other)
               for other in recent[-window:] if words | other):
            waiting.append(int(index))
            continue
        taken.append(int(index))
        recent.append(words)
    return (taken + waiting)[:n]
