"""A team's state, kept up to date decision by decision: agreement figures, final labels, and
the review queue.

Fed with every annotator's decision (:meth:`Team.change`) and every reviewer's decision
(:meth:`Team.review`), in the order the store wrote them: each update replaces the item's
contribution to the figures, O(annotators of the item² + annotators × categories), whatever the
number of items labeled so far. At start, :meth:`Team.load` takes every stored decision at once
and works out each item once.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from typing import Any, Callable, Dict, Hashable, Iterable, List, Optional, Sequence, Tuple

from active_labeling.storage.base import LABELED, REVIEWED, Decision
from active_labeling.teams.agreement import NominalAgreement
from active_labeling.teams.final import PENDING, STATUSES, Final, FinalRule

Unit = Tuple[str, str]  # (figure: "" overall or a category, unit within the item)


UnitValues = Callable[[Any], List[Tuple[Unit, Hashable]]]


def _unit_values(task_name: str, categories: Sequence[str]) -> Optional[UnitValues]:
    """How a label becomes nominal values; None for tasks without them (boxes: only the task's hook)."""
    if task_name == "category":
        def single(label):
            return ([(("", ""), label)]
                    + [((name, ""), "yes" if label == name else "no") for name in categories])
        return single
    if task_name == "categories":
        def multiple(label):
            chosen = set(label or ())
            values = []
            for name in categories:  # each category a yes/no question
                value = "yes" if name in chosen else "no"
                values += [(("", name), value), ((name, ""), value)]
            return values
        return multiple
    return None


def _label_id(decision: Decision) -> int:
    return decision.label_id


def _checked(item_id: str, share: float) -> bool:
    """Whether an agreed item is drawn for a reviewer's check (the same answer every time)."""
    digest = hashlib.sha1(item_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") < share * 2 ** 32


class Team:
    """Agreement, final labels and review queue of one labeling webapp.

    Parameters
    ----------
    task : Task
        The annotation task (its ``name``, and its ``agreement`` hook).
    rule : FinalRule
        How labels become a final label.
    categories : sequence of str
        The category names (per-category figures; multi-label items count one yes/no per category).
    review_sample : float
        Share of the agreed items offered to reviewers after the disagreements, from 0 to 1.
    """

    def __init__(self, task: Any, rule: FinalRule, categories: Sequence[str] = (),
                 review_sample: float = 0.1):
        if not 0.0 <= float(review_sample) <= 1.0:
            raise ValueError("the share of agreed items to review should be a number from 0 to 1, "
                             f"got {review_sample!r}")
        self.task = task
        self.rule = rule
        self.categories = tuple(categories)
        self.review_sample = float(review_sample)
        self._units = _unit_values(task.name, self.categories)
        self._labels: Dict[str, Dict[str, Decision]] = {}  # item -> annotator -> current label
        self._reviews: Dict[str, Decision] = {}  # item -> latest review
        self._finals: Dict[str, Final] = {}
        self.counts: Counter = Counter()  # final status -> items
        self._disputed: Dict[str, None] = {}  # items waiting for a reviewer, oldest first
        self._to_check: Dict[str, None] = {}  # agreed items drawn for a reviewer's check
        self.overall = NominalAgreement()
        self.per_category = {name: NominalAgreement() for name in self.categories}
        self._pairwise: Dict[str, List[float]] = defaultdict(lambda: [0.0, 0])  # annotator -> [sum, pairs]
        self._observed = [0.0, 0]

    @classmethod
    def from_decisions(cls, decisions: Iterable[Decision], task: Any, rule: FinalRule,
                       categories: Sequence[str] = (), review_sample: float = 0.1) -> Team:
        """A team state rebuilt from stored decisions (any order: the latest ``label_id`` wins)."""
        team = cls(task, rule, categories, review_sample)
        team.load(sorted(decisions, key=lambda d: d.label_id))
        return team

    # -- updates ---------------------------------------------------------------------------

    def change(self, decision: Decision) -> None:
        """An annotator's decision: a label replaces their label of the item, a skip withdraws it."""
        item = decision.item_id
        before = dict(self._labels.get(item, {}))
        if self._record(decision):
            self._refigure(before, self._labels.get(item, {}))
            self._refresh((item,))

    def review(self, decision: Decision) -> None:
        """A reviewer's decision: the item's final label from now on."""
        if self._record(decision):
            self._refresh((decision.item_id,))

    def load(self, decisions: Iterable[Decision]) -> None:
        """Index many decisions, in the order the store wrote them: the state that :meth:`change`
        and :meth:`review` reach one decision at a time, each item's figures and final label
        computed once (at a restart, per decision, that was 7 of 14 seconds on a million labels).
        """
        touched: Dict[str, None] = {}  # items by their latest decision that changed something
        earlier: Dict[str, Dict[str, Decision]] = {}  # the labels of items indexed before the load
        for decision in decisions:
            item = decision.item_id
            if item not in touched and item in self._labels:
                earlier[item] = dict(self._labels[item])
            if self._record(decision):
                touched.pop(item, None)
                touched[item] = None
        for item in touched:
            self._refigure(earlier.get(item, {}), self._labels.get(item, {}))
        self._refresh(touched)  # oldest first: the review queue keeps the order of one at a time

    def _record(self, decision: Decision) -> bool:
        """Keep ``decision`` as its annotator's label of the item (a skip withdraws it) or as the
        item's review; False when a later one is kept already (an older decision arriving late)."""
        item = decision.item_id
        if decision.status == REVIEWED:
            current = self._reviews.get(item)
            if current is not None and current.label_id >= decision.label_id:
                return False
            self._reviews[item] = decision
            return True
        labels = self._labels.setdefault(item, {})
        current = labels.get(decision.annotator)
        if current is not None and current.label_id > decision.label_id:
            return False
        if decision.status == LABELED:
            labels[decision.annotator] = decision
        else:
            labels.pop(decision.annotator, None)
            if not labels:
                del self._labels[item]
        return True

    def _refigure(self, before: Dict[str, Decision], after: Dict[str, Decision]) -> None:
        """Replace one item's contribution to the agreement figures: ``before``'s labels by ``after``'s."""
        if len(before) < 2 and len(after) < 2:
            return  # a label alone pairs with no other
        for labels, sign in ((before, -1), (after, 1)):
            decided = list(labels.items())
            for n, (who, mine) in enumerate(decided):
                for other, theirs in decided[n + 1:]:
                    self._pair(who, mine, other, theirs, sign)
        if self._units is None:
            return
        was, now = self._values(before), self._values(after)
        for unit in was.keys() | now.keys():
            figure = self.overall if unit[0] == "" else self.per_category.get(unit[0])
            if figure is not None:
                figure.replace(was.get(unit, {}), now.get(unit, {}))

    def _pair(self, who: str, mine: Decision, other: str, theirs: Decision, sign: int) -> None:
        value = float(self.task.agreement(mine.label, theirs.label))
        for name in (who, other):
            self._pairwise[name][0] += sign * value
            self._pairwise[name][1] += sign
        self._observed[0] += sign * value
        self._observed[1] += sign

    def _values(self, labels: Dict[str, Decision]) -> Dict[Unit, Dict[str, Hashable]]:
        values: Dict[Unit, Dict[str, Hashable]] = defaultdict(dict)
        for who, decision in labels.items():
            for unit, value in self._units(decision.label):
                values[unit][who] = value
        return values

    def _refresh(self, items: Iterable[str]) -> None:
        """Recompute the final label, the status counts and the queue place of ``items``, in this
        order (a million at a restart: names are looked up once)."""
        labels_of, reviews, finals, counts = self._labels.get, self._reviews.get, self._finals, self.counts
        disputed, to_check = self._disputed, self._to_check
        final, needed, share = self.rule.final, self.rule.needed, self.review_sample
        for item in items:
            current = labels_of(item)
            if not current:
                labels = []
            elif len(current) == 1:  # most items: no order to sort out
                labels = [decision.label for decision in current.values()]
            else:
                labels = [decision.label for decision in sorted(current.values(), key=_label_id)]
            review = reviews(item)
            new = final(labels, review.label if review else None, review is not None)
            old = finals.get(item)
            if old is not None:
                counts[old.status] -= 1
            if labels or review is not None:
                finals[item] = new
                counts[new.status] += 1
            elif old is not None:
                del finals[item]
            disputed.pop(item, None)
            to_check.pop(item, None)
            if review is None:
                if new.status == PENDING and len(labels) >= needed:
                    disputed[item] = None
                elif new.label is not None and _checked(item, share):
                    to_check[item] = None

    # -- reading ---------------------------------------------------------------------------

    def final(self, item_id: str) -> Final:
        """The item's final label and status (``pending`` for an item nobody labeled)."""
        return self._finals.get(item_id, Final(PENDING))

    def finals(self) -> Dict[str, Final]:
        """Every item with a label or a review → its final label and status."""
        return dict(self._finals)

    def labels_of(self, item_id: str) -> List[Decision]:
        """The annotators' current labels of the item, oldest first."""
        return sorted(self._labels.get(item_id, {}).values(), key=lambda d: d.label_id)

    def review_of(self, item_id: str) -> Optional[Decision]:
        """The latest review of the item, if any."""
        return self._reviews.get(item_id)

    def to_review(self, available: Callable[[str], bool], limit: int) -> List[str]:
        """Up to ``limit`` items for a reviewer: disagreements first (oldest first), then agreed
        items drawn for a check; only those ``available`` says nobody else holds."""
        chosen: List[str] = []
        for queue in (self._disputed, self._to_check):
            for item in queue:
                if len(chosen) >= limit:
                    return chosen
                if available(item):
                    chosen.append(item)
        return chosen

    def queued(self) -> Tuple[int, int]:
        """(disagreements waiting for review, agreed items drawn for a check)."""
        return len(self._disputed), len(self._to_check)

    def snapshot(self, viewer: Optional[str] = None, everyone: bool = False) -> Dict[str, Any]:
        """The team panel's figures.

        Per-annotator rows: everyone's for ``everyone`` (reviewers), else only the ``viewer``'s own.
        """
        disputed, to_check = self.queued()
        figures: Dict[str, Any] = {
            "annotators_per_item": int(self.rule.needed), "disagreement": self.rule.disagreement,
            "final": {status: int(self.counts.get(status, 0)) for status in STATUSES},
            "disputed": disputed, "to_check": to_check,
            "alpha": _rounded(self.overall.alpha()) if self._units else None,
            "kappa": _rounded(self.overall.kappa()) if self._units else None,
            "pairs": self.overall.pairs() if self._units else None,
            "observed": _rounded(self._observed[0] / self._observed[1]) if self._observed[1] else None,
            "per_category": {name: {"alpha": _rounded(figure.alpha()), "kappa": _rounded(figure.kappa())}
                             for name, figure in self.per_category.items()} if self._units else {},
        }
        kappas = self.overall.pair_kappas() if self._units else {}
        rows = []
        for name, (total, pairs) in sorted(self._pairwise.items()):
            if not pairs or not (everyone or name == viewer):
                continue
            theirs = [k for pair, k in kappas.items() if name in pair and k is not None]
            rows.append({"name": name, "agreement": _rounded(total / pairs), "pairs": int(pairs),
                         "kappa": _rounded(sum(theirs) / len(theirs)) if theirs else None})
        figures["annotators"] = rows
        return figures


def _rounded(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(float(value), 4)
