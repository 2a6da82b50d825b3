"""Simulated annotators with a known confusion, and a reference alpha written from the definition.

Each item has a true category drawn uniformly; an annotator with accuracy ``p`` gives it with
probability ``p``, else one of the other categories uniformly. Two annotators then agree with
probability ``p_a p_b + (1 - p_a)(1 - p_b) / (C - 1)`` and, the categories staying uniform,
chance agreement is ``1 / C``: the expected kappa and alpha follow.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import Dict, List, Optional, Sequence

import numpy as np


def simulate(rng: np.random.Generator, items: int, accuracies: Dict[str, float], categories: Sequence[str],
             per_item: Optional[int] = None) -> Dict[str, Dict[str, str]]:
    """item id -> {annotator: category}; ``per_item`` annotators drawn per item (default: all)."""
    names = list(accuracies)
    labels: Dict[str, Dict[str, str]] = {}
    for i in range(items):
        truth = int(rng.integers(len(categories)))
        chosen = names if per_item is None else list(rng.choice(names, size=per_item, replace=False))
        given = {}
        for name in chosen:
            if rng.random() < accuracies[name]:
                given[name] = categories[truth]
            else:
                wrong = int(rng.integers(len(categories) - 1))
                given[name] = categories[wrong if wrong < truth else wrong + 1]
        labels[f"item-{i}"] = given
    return labels


def expected_agreement(first: float, second: float, categories: int) -> float:
    """Chance-corrected agreement expected between annotators of these accuracies."""
    observed = first * second + (1 - first) * (1 - second) / (categories - 1)
    chance = 1.0 / categories
    return (observed - chance) / (1 - chance)


def expected_alpha(accuracies: Dict[str, float], categories: int) -> float:
    """Alpha expected when each item's annotators are drawn uniformly (every pair equally often)."""
    pairs = list(combinations(accuracies.values(), 2))
    return float(np.mean([expected_agreement(a, b, categories) for a, b in pairs]))


def reference_alpha(units: Sequence[Dict[str, object]]) -> Optional[float]:
    """Krippendorff's alpha (nominal) written from the coincidence matrix, unit by unit."""
    coincidences: Counter = Counter()
    for unit in units:
        values = list(unit.values())
        m = len(values)
        if m < 2:
            continue
        for i, first in enumerate(values):
            for j, second in enumerate(values):
                if i != j:
                    coincidences[(first, second)] += 1.0 / (m - 1)
    totals: Counter = Counter()
    for (first, _), weight in coincidences.items():
        totals[first] += weight
    n = sum(totals.values())
    observed = sum(w for (a, b), w in coincidences.items() if a != b) / n
    expected = sum(totals[a] * totals[b] for a in totals for b in totals if a != b) / (n * (n - 1))
    return 1.0 - observed / expected


def matrix(units: List[Dict[str, str]], annotators: Sequence[str], codes: Dict[str, int]) -> np.ndarray:
    """The annotators × units reliability matrix of codes, NaN where a label is missing."""
    table = np.full((len(annotators), len(units)), np.nan)
    for j, unit in enumerate(units):
        for i, name in enumerate(annotators):
            if name in unit:
                table[i, j] = codes[unit[name]]
    return table
