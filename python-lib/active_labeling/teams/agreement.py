"""Agreement between annotators, kept up to date label by label.

Two measures on nominal values (a category, or "yes"/"no" for one category of a multi-label
item):

- **Krippendorff's alpha** (nominal), for any number of annotators and missing labels: from the
  coincidence matrix, ``alpha = 1 - (n - 1) (n - sum_c o_cc) / (n^2 - sum_c n_c^2)`` where a unit
  (an item) with ``m >= 2`` values adds ``count_c (count_c - 1) / (m - 1)`` to ``o_cc`` and
  ``count_c`` to ``n_c``. Only units with two values or more count.
- **Cohen's kappa** between two annotators, on the units both labeled:
  ``(p_o - p_e) / (1 - p_e)``, ``p_e`` from each annotator's own marginals. With more than two
  annotators each pair has its kappa and their mean is given (Light's kappa).

Both are sums over units, so replacing one unit's values subtracts its old contribution and adds
its new one: O(annotators² + values) per label, whatever the number of items.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import Dict, Hashable, Mapping, Optional, Tuple

Values = Mapping[str, Hashable]  # annotator -> value, for one unit


class _PairTable:
    """The confusion counts of one pair of annotators (first, second by name)."""

    __slots__ = ("cells", "rows", "columns", "total")

    def __init__(self):
        self.cells: Counter = Counter()
        self.rows: Counter = Counter()
        self.columns: Counter = Counter()
        self.total = 0

    def add(self, first: Hashable, second: Hashable, sign: int) -> None:
        self.cells[(first, second)] += sign
        self.rows[first] += sign
        self.columns[second] += sign
        self.total += sign

    def kappa(self) -> Optional[float]:
        if self.total <= 0:
            return None
        observed = sum(count for (a, b), count in self.cells.items() if a == b) / self.total
        expected = (sum(count * self.columns.get(value, 0) for value, count in self.rows.items())
                    / self.total ** 2)
        if expected >= 1.0:
            return None  # both always gave the same single value: kappa is undefined
        return (observed - expected) / (1.0 - expected)


class NominalAgreement:
    """Krippendorff's alpha and pairwise Cohen's kappa over units with nominal values.

    Feed it with :meth:`replace` each time a unit's values change (a label added, changed or
    withdrawn); read the figures at any time.
    """

    def __init__(self):
        self.pairable = 0.0  # n: values in units of two values or more
        self.same = 0.0  # sum of o_cc
        self.per_value: Counter = Counter()  # n_c
        self._pairs: Dict[Tuple[str, str], _PairTable] = {}

    def replace(self, before: Values, after: Values) -> None:
        """Account for one unit's values going from ``before`` to ``after`` (annotator -> value)."""
        self._unit(before, -1)
        self._unit(after, 1)

    def _unit(self, values: Values, sign: int) -> None:
        m = len(values)
        if m < 2:
            return
        counts = Counter(values.values())
        self.pairable += sign * m
        for value, count in counts.items():
            self.per_value[value] += sign * count
            self.same += sign * count * (count - 1) / (m - 1)
        for first, second in combinations(sorted(values), 2):
            table = self._pairs.get((first, second))
            if table is None:
                table = self._pairs[(first, second)] = _PairTable()
            table.add(values[first], values[second], sign)

    def alpha(self) -> Optional[float]:
        """Krippendorff's alpha (nominal); None while it is undefined (fewer than two values
        paired, or a single value used throughout)."""
        n = self.pairable
        spread = n * n - sum(count * count for count in self.per_value.values())
        if n < 2 or spread <= 1e-9:
            return None
        return 1.0 - (n - 1.0) * (n - self.same) / spread

    def pair_kappas(self) -> Dict[Tuple[str, str], Optional[float]]:
        """Cohen's kappa of each pair of annotators who labeled units in common."""
        return {pair: table.kappa() for pair, table in sorted(self._pairs.items()) if table.total > 0}

    def kappa(self) -> Optional[float]:
        """Cohen's kappa when two annotators labeled units in common, else the mean of the pairs'
        kappas (Light's kappa); None when no pair has one."""
        kappas = [k for k in self.pair_kappas().values() if k is not None]
        return sum(kappas) / len(kappas) if kappas else None

    def pairs(self) -> int:
        """How many pairs of annotators labeled units in common."""
        return sum(1 for table in self._pairs.values() if table.total > 0)
