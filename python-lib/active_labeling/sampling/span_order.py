"""The order in which texts are served for the spans task: most uncertain first, varied.

Texts are taken by decreasing uncertainty (the tagger's, :mod:`active_labeling.learning.span_tagger`),
but a text whose words overlap much with a text just taken (Jaccard index of their lower-cased
word sets at least ``threshold``, compared with the ``window`` texts taken last) waits until the
others are taken: a batch of near copies of one sentence pattern teaches the tagger what the first
of them did. Texts that waited follow in their uncertainty order.

A quarter of the places (every fourth) go to texts drawn at random from the others
(:func:`serving_order`): a tagger fitted on a few dozen texts is most unsure of odd ones, and
alone its choice taught hardly more than a random order. On ``benchmarks/bench_spans.py``'s
generated texts, 20 labels plus a batch of 20 give an entity F1 of 0.911 by uncertainty alone,
0.904 at random and 0.925 with the random quarter (60 repetitions; the quarter's gain over
uncertainty alone 0.014 ± 0.004), and the quarter is as good or better at every later count up
to 200 labels. Half the places did about as well; the quarter spends fewer labels where the
tagger's doubt is already a good guide.
"""

from __future__ import annotations

from typing import List, Sequence

import numpy as np

from active_labeling.tasks.tokens import tokenize

THRESHOLD = 0.3
WINDOW = 50
EXPLORATION_SHARE = 0.25  # the share of places given to random texts: every fourth


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


def serving_order(texts: Sequence[str], scores: Sequence[float], n: int, rng: np.random.Generator,
                  explore: float = EXPLORATION_SHARE) -> List[int]:
    """Indices of the ``n`` texts to serve first: :func:`varied_order`'s, with every ``1 / explore``-th
    place given to a text drawn at random from the texts it leaves out.

    Parameters
    ----------
    texts, scores : sequences
        The candidate texts and their uncertainty (higher first).
    n : int
        How many to order, at most ``len(texts)``.
    rng : numpy.random.Generator
        Draws the random texts (seeded by the caller: the same inputs give the same order).
    explore : float
        Share of the places given to random texts, from 0 (none) to 0.5.
    """
    if not 0.0 <= explore <= 0.5:
        raise ValueError(f"explore should be a share from 0 to 0.5, got {explore!r}")
    n = min(int(n), len(texts))
    every = int(round(1.0 / explore)) if explore > 0 else 0
    n_random = n // every if every else 0
    uncertain = varied_order(texts, scores, n - n_random)
    if not n_random:
        return uncertain
    left = np.setdiff1d(np.arange(len(texts)), uncertain)
    drawn = [int(i) for i in rng.choice(left, size=n_random, replace=False)]
    # Places every - 1, 2 every - 1, ... (0-based) are the random ones: n // every of them.
    from_uncertain, from_drawn = iter(uncertain), iter(drawn)
    return [next(from_drawn) if (place + 1) % every == 0 else next(from_uncertain) for place in range(n)]
