"""The model's suggestions as the service offers them: why an item was chosen, and how often
annotators agreed with the model in the current round.

*Why this item* is said in words, from the queries' ``probabilities`` and ``strategy`` columns
(:func:`active_labeling.sampling.suggestions.query_reasons`); the raw score goes to a tooltip.
With suggestions hidden (teams that fear anchoring), the words name no category.

The *agreement* is a live, human-checked accuracy of the model on the items it chose: among the
current decisions on the current queries generation's items that came with a suggestion, the
share whose label is that suggestion. Items labeled in earlier rounds are not among a new
round's queries (the Query Sampler leaves labeled items out), so the current round is exactly
the decisions on the current queries' items.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional, Set, Tuple

from active_labeling.storage.base import Decision

# From this probability on, the model is "sure" of its guess.
SURE = 0.8


def percent(probability: float) -> str:
    """``0.476`` -> ``48%``; never 100% or 0% for a probability that is not exactly 1 or 0."""
    value = 100.0 * float(probability)
    shown = round(value)
    if shown >= 100 and value < 100:
        return ">99%"
    if shown <= 0 < value:
        return "<1%"
    return f"{shown}%"


def why(al: Optional[Dict[str, Any]], reason: Optional[Dict[str, Any]], queried: bool,
        show_suggestions: bool = True) -> Dict[str, str]:
    """Why the item is served now, in words (``text``), with the raw figures for a tooltip (``title``).

    Parameters
    ----------
    al : dict, optional
        ``{"score", "rank"}`` when the item is a query (:meth:`ServingOrder.al`).
    reason : dict, optional
        ``{"probabilities", "explore"}`` from the queries, when they have them.
    queried : bool
        Whether the service serves queries now (none without a queries source, nor before the
        first round of the model).
    show_suggestions : bool
        False: name no category (the model's guess stays hidden).
    """
    if al is None:
        if queried:
            return {"text": "Random order: not among the model's queries", "title": ""}
        return {"text": "Random order: no model yet", "title": ""}
    score = al.get("score")
    title = f"Rank {al.get('rank')} of the queries" + (f", score {score:.4f}" if score is not None else "")
    reason = reason or {}
    table = list((reason.get("probabilities") or {}).items())
    if reason.get("explore"):
        if not show_suggestions or not table:
            return {"text": "Picked at random, to check the model", "title": title}
        first, p = table[0]
        if p >= SURE:
            return {"text": f"The model is sure: {first} ({percent(p)}); shown to check it", "title": title}
        return {"text": f"Picked at random, to check the model: it guesses {first} ({percent(p)})",
                "title": title}
    if not table:
        return {"text": "Chosen by the model: one of the items it is least sure of", "title": title}
    if not show_suggestions:
        return {"text": "The model is unsure about this item", "title": title}
    first, p = table[0]
    if len(table) > 1 and p < SURE:
        second, q = table[1]
        return {"text": f"The model hesitates between {first} ({percent(p)}) and {second} ({percent(q)})",
                "title": title}
    return {"text": f"The model guesses {first} ({percent(p)}), yet this is one of the items it is "
                    "least sure of", "title": title}


class ModelAgreement:
    """How often the current labels on the current round's items are the model's suggestion."""

    def __init__(self):
        self._round: Set[str] = set()
        self._agreed: Dict[Tuple[str, str], bool] = {}

    def rebuild(self, round_items: Iterable[str], decisions: Iterable[Decision]) -> None:
        """Start a round of ``round_items`` (the queries), from the current ``decisions``."""
        self._round = set(round_items)
        self._agreed = {}
        for decision in decisions:
            self.change(decision)

    def change(self, decision: Decision) -> None:
        """Take ``decision`` (an annotator's latest on its item) into account."""
        key = (decision.annotator, decision.item_id)
        if decision.item_id in self._round and decision.agreed is not None:
            self._agreed[key] = bool(decision.agreed)
        else:
            self._agreed.pop(key, None)

    def snapshot(self) -> Dict[str, Any]:
        """``{"checked", "agreed", "rate"}``: labels with a suggestion, those that agreed, their share."""
        checked = len(self._agreed)
        agreed = sum(self._agreed.values())
        return {"checked": checked, "agreed": agreed, "rate": agreed / checked if checked else None}
