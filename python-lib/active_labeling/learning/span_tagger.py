"""The local token tagger of the spans task: a linear-chain CRF (sklearn-crfsuite) on token features.

Texts are split by :func:`active_labeling.tasks.tokens.tokenize`; spans become IOB2 tags
(:func:`~active_labeling.tasks.tokens.iob_tags`). Each token is described by its lower-cased form,
its prefixes and suffixes (up to 3 characters), its shape (``Xxxx``, ``dd``, ``.``: letters,
digits and the rest, runs shortened to 4), whether it is title-case, upper-case, a number or
punctuation, and the same for the two tokens before and after it. Nothing is downloaded: no
embeddings, no pretrained model.

A text's usefulness to label is the tagger's doubt about its best tag sequence, normalized by
its length: ``1 - P(best path) ** (1 / tokens)`` (:meth:`SpansTask.uncertainty
<active_labeling.tasks.spans.SpansTask.uncertainty>`, after Shen et al. 2017's maximum normalized
log-probability). Each predicted span carries a confidence: the mean marginal probability of its
tokens' tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from active_labeling.tasks.spans import SpansTask
from active_labeling.tasks.tokens import iob_tags, spans_of_tags, tokenize

_TASK = SpansTask()


def _shape(token: str) -> str:
    out: List[str] = []
    for char in token:
        kind = "X" if char.isupper() else "x" if char.isalpha() else "d" if char.isdigit() else char
        if len(out) >= 4 and out[-1] == kind and out[-2] == kind:
            continue
        out.append(kind)
    return "".join(out)


def _own(token: str) -> Dict[str, Any]:
    return {"lower": token.lower(), "shape": _shape(token), "title": token.istitle(),
            "upper": token.isupper() and len(token) > 1, "digit": token.isdigit(),
            "punct": not any(c.isalnum() for c in token)}


def token_features(text: str, tokens: Sequence[tuple]) -> List[Dict[str, Any]]:
    """The features of each token of ``text`` (the rule above), as crfsuite takes them."""
    words = [text[s:e] for s, e in tokens]
    own = [_own(w) for w in words]
    features = []
    for i, word in enumerate(words):
        f: Dict[str, Any] = {"bias": 1.0, **own[i]}
        for n in (1, 2, 3):
            if len(word) >= n:
                f[f"prefix{n}"] = word[:n].lower()
                f[f"suffix{n}"] = word[-n:].lower()
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < len(words):
                f.update({f"{offset}:{k}": v for k, v in own[j].items()})
            else:
                f[f"{offset}:edge"] = True
        features.append(f)
    return features


@dataclass
class TextPrediction:
    """What the tagger says of one text: its spans (with confidences) and its uncertainty."""

    spans: List[Dict[str, Any]]
    uncertainty: float


class SpanTagger:
    """A CRF token tagger fitted on texts with their spans.

    Parameters
    ----------
    c1, c2 : float
        L1 and L2 regularization of the CRF (lbfgs).
    max_iterations : int
        Training iterations; 100 fits a few thousand short texts in seconds.
    """

    def __init__(self, c1: float = 0.05, c2: float = 0.05, max_iterations: int = 100):
        self.c1, self.c2, self.max_iterations = c1, c2, max_iterations
        self.crf: Any = None

    def fit(self, texts: Sequence[str], labels: Sequence[Sequence[Dict[str, Any]]]) -> SpanTagger:
        """Fit on ``texts`` and their spans (``{"start", "end", "category"}``, Python offsets).

        Raises
        ------
        ValueError
            When no labeled text has a span: the tagger would only learn "nothing to mark".
        """
        import sklearn_crfsuite

        if not any(labels):
            raise ValueError("none of the labeled texts has a span: mark spans in some texts first")
        features, tags = [], []
        for text, spans in zip(texts, labels):
            tokens = tokenize(text)
            if tokens:
                features.append(token_features(text, tokens))
                tags.append(iob_tags(tokens, spans))
        self.crf = sklearn_crfsuite.CRF(algorithm="lbfgs", c1=self.c1, c2=self.c2,
                                        max_iterations=self.max_iterations, all_possible_transitions=True)
        self.crf.fit(features, tags)
        return self

    def predict(self, texts: Sequence[str]) -> List[TextPrediction]:
        """Each text's spans (with a ``confidence``) and uncertainty (the module's rule)."""
        if self.crf is None:
            raise ValueError("the tagger is not fitted yet")
        tagger = self.crf.tagger_
        out = []
        for text in texts:
            text = "" if text is None else str(text)
            tokens = tokenize(text)
            if not tokens:
                out.append(TextPrediction([], 0.0))
                continue
            tagger.set(token_features(text, tokens))
            tags = tagger.tag()
            probability = tagger.probability(tags)
            spans = spans_of_tags(text, tokens, tags)
            starts = {s: i for i, (s, _) in enumerate(tokens)}
            for span in spans:
                first = starts[span["start"]]
                inside = [i for i in range(first, len(tokens)) if tokens[i][0] < span["end"]]
                span["confidence"] = round(sum(tagger.marginal(tags[i], i) for i in inside) / len(inside), 4)
            out.append(TextPrediction(spans, _TASK.uncertainty({"path_probability": probability,
                                                                "tokens": len(tokens)})))
        return out

    def spans(self, texts: Sequence[str]) -> List[List[Dict[str, Any]]]:
        """Each text's spans, without confidences (what an evaluation compares)."""
        return [[{k: s[k] for k in ("start", "end", "text", "category")} for s in p.spans]
                for p in self.predict(texts)]


def entity_f1(truth: Sequence[Sequence[Dict[str, Any]]], predicted: Sequence[Sequence[Dict[str, Any]]],
              categories: Optional[Sequence[str]] = None) -> float:
    """Micro entity-level F1: a predicted span counts when its offsets and category equal a true one's."""
    def keys(spans):
        return {(s["start"], s["end"], s["category"]) for s in spans
                if categories is None or s["category"] in categories}
    tp = fp = fn = 0
    for t, p in zip(truth, predicted):
        a, b = keys(t), keys(p)
        tp += len(a & b)
        fp += len(b - a)
        fn += len(a - b)
    return 0.0 if tp == 0 else 2.0 * tp / (2 * tp + fp + fn)
