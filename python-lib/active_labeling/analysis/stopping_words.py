"""The stopping verdict in plain words, and the rounds' figures a page can draw.

The criteria (:mod:`active_labeling.analysis.stopping`) speak of Cohen's kappa and contradiction
rates; a person deciding whether to stop wants: has the model stopped changing, and do
annotators still correct it? Each retrain adds one point to the history: how many labels the
model learned from, the share of a fixed sample of items on which it predicts what the previous
version predicted, and the share of the labels given since the previous version that agree with
what that version predicted (the annotators' agreement with the model, checked by people).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

# Rounds kept for the picture: enough for a long project, small in project variables.
HISTORY_ROUNDS = 50


def _percent(share: float) -> str:
    value = 100.0 * float(share)
    shown = round(value)
    if shown >= 100 and value < 100:
        return ">99%"
    return f"{shown}%"


def round_point(retrain: int, labels_total: Optional[int], same: Optional[float],
                new_labels: int, agreed: Optional[float]) -> Dict[str, Any]:
    """One retrain's figures: ``{"retrain", "labels", "same", "new_labels", "agreed"}`` (None: unknown)."""
    return {"retrain": int(retrain), "labels": None if labels_total is None else int(labels_total),
            "same": None if same is None else round(float(same), 4), "new_labels": int(new_labels),
            "agreed": None if agreed is None else round(float(agreed), 4)}


def plain_verdict(stable: bool, criteria: Sequence[Any], window: int, same_shares: Sequence[float],
                  retrains: int, min_labels: int) -> str:
    """What the verdict means for the people labeling, without the criteria's vocabulary."""
    by_name = {c.name: c for c in criteria}
    agreement, contradiction = by_name.get("agreement"), by_name.get("contradiction")
    facts: List[str] = []
    waiting: List[str] = []
    if agreement is not None and agreement.required:
        if agreement.met is None:
            waiting.append(f"the model has been retrained {retrains} time(s); {window + 1} versions are "
                           "needed to tell whether it still changes")
        elif len(same_shares) >= window:
            share = _percent(min(same_shares[-window:]))
            (facts if agreement.met else waiting).append(
                f"its last {window + 1} versions predict the same on {share} of a fixed sample of items"
                if agreement.met else
                f"the model still changes: successive versions predict the same on only {share} of a "
                "fixed sample of items")
        else:
            (facts if agreement.met else waiting).append(
                "its last versions make almost the same predictions" if agreement.met else
                "the model still changes from one version to the next")
    if contradiction is not None and contradiction.required:
        if contradiction.met is None:
            waiting.append(f"too few new labels to check the model against the annotators "
                           f"({min_labels} needed)")
        else:
            words = (f"annotators agreed with it on {_percent(1 - contradiction.value)} of the labels "
                     "given since the previous versions")
            (facts if contradiction.met else waiting).append(
                words if contradiction.met else
                f"annotators still correct the model: they disagreed with it on "
                f"{_percent(contradiction.value)} of the labels given since the previous versions")
    uncertainty = by_name.get("uncertainty")
    if uncertainty is not None and uncertainty.required and uncertainty.met is False:
        waiting.append("the model is still unsure about many unlabeled items")
    if stable:
        return ("The model has stopped changing: " + "; ".join(facts) +
                ". More labels are unlikely to change it much: you may stop.")
    return "Keep labeling: " + "; ".join(waiting or ["the model is still learning"]) + "."
