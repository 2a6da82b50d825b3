"""Stopping criteria, checked after each retrain: is labeling more still worth it?

Three signals, each with its figures:

- *stabilizing predictions* (Bloodgood & Vijay-Shanker, 2009): successive models' predictions on
  one fixed sample of unlabeled items, compared with Cohen's kappa. When the mean kappa over the
  last ``window`` retrains is at least ``min_kappa``, new labels no longer change what the model says;
- *contradiction rate*: the share of the labels given since the previous retrain that the previous
  model predicted otherwise. A model that annotators keep correcting is still learning;
- *overall uncertainty*: the mean least-confidence of the current model on the sample. Shown, and
  only required when the user sets a ceiling: how low it can go depends on how ambiguous the
  data is, so a fixed default would stop too early on easy data and never on noisy data.

:class:`StoppingMonitor` keeps what the criteria need between retrains as a small JSON-able state,
so that the DSS scenario step (state in project variables) and the local retrain worker share it.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from sklearn.metrics import cohen_kappa_score

from active_labeling.analysis.stopping_words import HISTORY_ROUNDS, plain_verdict, round_point
from active_labeling.sampling.uncertainty import least_confidence

AGREEMENT = "agreement"
CONTRADICTION = "contradiction"
UNCERTAINTY = "uncertainty"


@dataclass
class StoppingThresholds:
    """When each criterion counts as met; a ``None`` threshold makes a criterion shown, not required."""

    min_kappa: Optional[float] = 0.99
    window: int = 3
    max_contradiction: Optional[float] = 0.10
    max_uncertainty: Optional[float] = None
    # Fewer new labels than this over the window: the contradiction rate is too noisy to trust.
    min_labels: int = 10


@dataclass
class Criterion:
    """One criterion's verdict: ``met`` is None when there is not enough history yet."""

    name: str
    value: Optional[float]
    threshold: Optional[float]
    required: bool
    met: Optional[bool]
    detail: str


@dataclass
class StoppingReport:
    """The verdict after a retrain: ``stable`` when every required criterion is met."""

    stable: bool
    sentence: str
    retrains: int
    criteria: List[Criterion] = field(default_factory=list)
    plain: str = ""  # the verdict in plain words (analysis.stopping_words)
    history: List[Dict[str, Any]] = field(default_factory=list)  # one point per retrain, for a picture

    def figures(self) -> Dict[str, Optional[float]]:
        """Criterion name → value, for a status line or a dataset row."""
        return {c.name: c.value for c in self.criteria}

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-able copy (for project variables, HTTP answers, logs)."""
        return asdict(self)


def kappa(before: Sequence, after: Sequence) -> float:
    """Cohen's kappa between two models' predictions on the same items.

    Identical predictions give 1 even when they are all one class (where the formula is 0/0).
    """
    before, after = np.asarray(before), np.asarray(after)
    if len(before) != len(after) or len(before) == 0:
        raise ValueError("both prediction lists must cover the same, non-empty sample of items")
    if np.array_equal(before, after):
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = cohen_kappa_score(before, after)
    return 0.0 if np.isnan(value) else float(value)


def contradiction_rate(labels: Sequence, predicted_before: Sequence) -> float:
    """Share of new labels that differ from what the previous model predicted for them."""
    labels, predicted_before = np.asarray(labels).astype(str), np.asarray(predicted_before).astype(str)
    if len(labels) != len(predicted_before):
        raise ValueError("labels and previous predictions must be as many")
    return float(np.mean(labels != predicted_before)) if len(labels) else float("nan")


def mean_uncertainty(proba) -> float:
    """Mean least-confidence (1 − top probability) of a model over a sample."""
    return float(np.mean(least_confidence(proba)))


class StoppingMonitor:
    """Follows successive retrains and says when labeling has stopped paying.

    Parameters
    ----------
    thresholds : StoppingThresholds
    state : dict, optional
        What :meth:`to_state` returned after the previous retrain.
    """

    def __init__(self, thresholds: Optional[StoppingThresholds] = None,
                 state: Optional[Dict[str, Any]] = None):
        self.thresholds = thresholds or StoppingThresholds()
        state = dict(state or {})
        self.retrains = int(state.get("retrains", 0))
        self.predictions: List[List[str]] = [list(p) for p in state.get("predictions", [])]
        self.kappas: List[float] = [float(k) for k in state.get("kappas", [])]
        # (new labels, contradicted) per retrain, most recent last.
        self.label_counts: List[List[int]] = [list(c) for c in state.get("label_counts", [])]
        # Share of the sample predicted the same as by the previous version, per retrain (window);
        # and the rounds' figures (states saved before these existed start them empty).
        self.same_shares: List[float] = [float(v) for v in state.get("same_shares", [])]
        self.history: List[Dict[str, Any]] = [dict(h) for h in state.get("history", [])]

    def to_state(self) -> Dict[str, Any]:
        """A small JSON-able state: only what the next update needs."""
        return {"retrains": self.retrains, "predictions": self.predictions, "kappas": self.kappas,
                "label_counts": self.label_counts, "same_shares": self.same_shares, "history": self.history}

    def update(self, sample_predictions: Sequence, new_labels: Optional[Sequence] = None,
               predicted_before: Optional[Sequence] = None, sample_proba=None,
               labels_total: Optional[int] = None) -> StoppingReport:
        """Record the model just retrained and return the verdict.

        Parameters
        ----------
        sample_predictions : sequence
            The new model's predictions on the fixed sample (always the same items, same order).
        new_labels, predicted_before : sequence, optional
            Labels given since the previous retrain, and what the previous model predicted for them.
        sample_proba : array of shape (n_sample, n_classes), optional
            The new model's class probabilities on the sample (for the uncertainty criterion).
        labels_total : int, optional
            How many labels the new model learned from (the rounds' picture shows it).
        """
        window = max(1, self.thresholds.window)
        current = [str(p) for p in sample_predictions]
        if self.predictions and len(self.predictions[-1]) != len(current):
            # The sample changed (pool edited): agreement restarts from here.
            self.predictions, self.kappas, self.same_shares = [], [], []
        same = None
        if self.predictions:
            self.kappas = (self.kappas + [kappa(self.predictions[-1], current)])[-window:]
            same = float(np.mean(np.asarray(self.predictions[-1]) == np.asarray(current)))
            self.same_shares = (self.same_shares + [same])[-window:]
        self.predictions = [current]
        given, agreed = 0, None
        if new_labels is not None and predicted_before is not None:
            rate = contradiction_rate(new_labels, predicted_before)
            contradicted = 0 if np.isnan(rate) else int(round(rate * len(new_labels)))
            self.label_counts = (self.label_counts + [[len(new_labels), contradicted]])[-window:]
            given, agreed = len(new_labels), None if np.isnan(rate) else 1.0 - rate
        self.retrains += 1
        self.history = (self.history + [round_point(self.retrains, labels_total, same, given, agreed)]
                        )[-HISTORY_ROUNDS:]
        uncertainty = mean_uncertainty(sample_proba) if sample_proba is not None else None
        criteria = [self._agreement(window), self._contradiction(), self._uncertainty(uncertainty)]
        required = [c for c in criteria if c.required]
        # With every criterion switched off, nothing can vouch for stability.
        stable = bool(required) and all(c.met for c in required)
        plain = plain_verdict(stable, criteria, window, self.same_shares, self.retrains,
                              self.thresholds.min_labels)
        return StoppingReport(stable=stable, sentence=_sentence(stable, criteria),
                              retrains=self.retrains, criteria=criteria, plain=plain,
                              history=list(self.history))

    def _agreement(self, window: int) -> Criterion:
        threshold = self.thresholds.min_kappa
        if len(self.kappas) < window:
            return Criterion(AGREEMENT, None, threshold, threshold is not None, None,
                             f"successive models compared {len(self.kappas)} time(s) out of the "
                             f"{window} needed")
        value = float(np.mean(self.kappas))
        met = None if threshold is None else value >= threshold
        return Criterion(AGREEMENT, value, threshold, threshold is not None, met,
                         f"successive models agree with a Cohen's kappa of {value:.3f} over the "
                         f"last {window} retrains{_bound(threshold, '≥')}")

    def _contradiction(self) -> Criterion:
        threshold = self.thresholds.max_contradiction
        given = sum(c[0] for c in self.label_counts)
        if given < self.thresholds.min_labels:
            return Criterion(CONTRADICTION, None, threshold, threshold is not None, None,
                             f"{given} new label(s) compared with the model's predictions, "
                             f"{self.thresholds.min_labels} needed")
        value = sum(c[1] for c in self.label_counts) / given
        met = None if threshold is None else value <= threshold
        return Criterion(CONTRADICTION, value, threshold, threshold is not None, met,
                         f"{value:.0%} of the last {given} labels contradicted the model"
                         f"{_bound(threshold, '≤', percent=True)}")

    def _uncertainty(self, value: Optional[float]) -> Criterion:
        threshold = self.thresholds.max_uncertainty
        if value is None:
            return Criterion(UNCERTAINTY, None, threshold, threshold is not None, None,
                             "no class probabilities to measure uncertainty")
        met = None if threshold is None else value <= threshold
        return Criterion(UNCERTAINTY, value, threshold, threshold is not None, met,
                         f"the model's mean uncertainty on unlabeled items is {value:.2f}"
                         f"{_bound(threshold, '≤')}")


def _bound(threshold: Optional[float], sign: str, percent: bool = False) -> str:
    if threshold is None:
        return ""
    return f" (needs {sign} {threshold:.0%})" if percent else f" (needs {sign} {threshold:g})"


def _sentence(stable: bool, criteria: List[Criterion]) -> str:
    if stable:
        facts = "; ".join(c.detail for c in criteria if c.value is not None)
        return f"The model looks stable: {facts}. More labels are unlikely to change its predictions much."
    waiting = [c for c in criteria if c.required and not c.met]
    return "Keep labeling: " + "; ".join(c.detail for c in waiting) + "."
