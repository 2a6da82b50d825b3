"""The ``spans`` task: spans of a text marked with a category (named entities).

The label is a list of spans ``[{"start": s, "end": e, "text": "...", "category": "cat"}]`` where
``start`` and ``end`` are character offsets into the original text as Python indexes it (code
points, ``end`` excluded), so that ``text[start:end] == span["text"]``; JavaScript's UTF-16
offsets differ from these as soon as a text holds an emoji, and the page converts. An empty list
means "nothing to mark in this text". The label column holds the list as JSON, spans ordered by
``start`` then ``end``. Spans do not overlap unless the webapp allows it (nested entities).

The page snaps selections to the tokens of :mod:`active_labeling.tasks.tokens`; the service checks
offsets against the text only, so spans from elsewhere (rules, an LLM) that cut a token are kept.

A model's pre-annotation is the same list, optionally with a ``confidence`` per span. What the
local tagger predicts for a text (``{"path_probability": p, "tokens": n}``) is scored by
:meth:`SpansTask.uncertainty`.
"""

from __future__ import annotations

import json
import math
from typing import Any, Dict, FrozenSet, Iterable, List, Optional

from active_labeling.tasks.base import LabelContext, LabelError, Task

MAX_SPANS = 2000
# Where a model's spans are, in a queries or predictions table (as for boxes).
PREDICTION_COLUMN = "prediction"
# How a text without any span of another model ranks (as for boxes: neither sure nor unsure).
NO_SPAN_SCORE = 0.5
EXPECTED = ('label should be a list of spans, each {"start": s, "end": e, "text": the text between them, '
            '"category": name}, with character offsets (Python string indices) into the text; an empty '
            "list [] means nothing to mark")
_KEYS = ("start", "end", "text", "category")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_spans(value: Any) -> List[Dict[str, Any]]:
    """Spans from a cell (JSON text or a parsed list) with whole offsets, start before end.

    Unknown keys are dropped but ``confidence`` (``score``) is kept; nothing is checked against
    a text or categories.

    Raises
    ------
    ValueError
        When the cell is not a list of ``{"start", "end", "category"}`` objects.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        if not value.strip():
            return []
        value = json.loads(value)
    if not isinstance(value, list):
        raise ValueError(f"expected a JSON list of spans, got {type(value).__name__}")
    spans = []
    for span in value:
        if not isinstance(span, dict) or not _is_int(span.get("start")) or not _is_int(span.get("end")):
            raise ValueError(f"a span needs whole start and end offsets, got {span!r}")
        if not isinstance(span.get("category", span.get("label")), str) or span["start"] >= span["end"]:
            raise ValueError(f"a span needs a category and start < end, got {span!r}")
        kept: Dict[str, Any] = {"start": span["start"], "end": span["end"],
                                "text": span.get("text") if isinstance(span.get("text"), str) else None,
                                "category": span.get("category", span.get("label"))}
        confidence = span.get("confidence", span.get("score"))
        if _is_number(confidence):
            kept["confidence"] = round(float(confidence), 4)
        spans.append(kept)
    return sorted(spans, key=lambda s: (s["start"], s["end"]))


def overlapping(spans: List[Dict[str, Any]]) -> Optional[tuple]:
    """The first two spans (sorted by start) that share a character, else None."""
    for before, after in zip(spans, spans[1:]):
        if after["start"] < before["end"]:
            return before, after
    return None


class SpansTask(Task):
    """Spans of a text, each with a category."""

    name = "spans"
    kinds = ("text",)
    webapps = {"text": "text-span-labeling"}
    components = {"text": "Text span labeling webapp"}
    prelabel_column = PREDICTION_COLUMN

    def check(self, label: Any, context: LabelContext) -> List[Dict[str, Any]]:
        """The spans ordered by start then end; offsets, texts, categories and overlaps checked."""
        if not isinstance(label, list):
            raise LabelError(EXPECTED)
        if len(label) > MAX_SPANS:
            raise LabelError(f"label has {len(label)} spans: at most {MAX_SPANS} per text")
        if not label:
            return []
        text = self._text(context)
        spans = sorted((self._span(i, span, text, context.categories) for i, span in enumerate(label, 1)),
                       key=lambda s: (s["start"], s["end"]))
        seen = set()
        for span in spans:
            key = (span["start"], span["end"], span["category"])
            if key in seen:
                raise LabelError(f"the span {span['start']}-{span['end']} {span['text']!r} is marked "
                                 f"{span['category']!r} twice: send it once")
            seen.add(key)
        clash = None if context.allow_overlap else overlapping(spans)
        if clash:
            a, b = clash
            raise LabelError(f"spans {a['start']}-{a['end']} {a['text']!r} and {b['start']}-{b['end']} "
                             f"{b['text']!r} overlap, and this webapp's spans don't: send spans that share "
                             "no character, or allow overlapping spans in the settings")
        return spans

    @staticmethod
    def _text(context: LabelContext) -> str:
        if context.item_text is None:
            raise LabelError("spans are only for texts: this webapp's items have no text")
        try:
            text = context.item_text()
        except (KeyError, OSError, ValueError) as error:
            raise LabelError(f"the item's text could not be read ({error}), so its spans can't be "
                             "checked: skip this item") from None
        return "" if text is None else str(text)

    @staticmethod
    def _span(i: int, span: Any, text: str, categories: FrozenSet[str]) -> Dict[str, Any]:
        if not isinstance(span, dict) or any(key not in span for key in _KEYS):
            raise LabelError(f"span {i} is {json.dumps(span, ensure_ascii=False)[:80]}: {EXPECTED}")
        start, end = span["start"], span["end"]
        if not _is_int(start) or not _is_int(end):
            raise LabelError(f"span {i}: start and end should be whole numbers (character offsets), got "
                             f"{start!r} and {end!r}")
        if start >= end:
            raise LabelError(f"span {i}: start {start} is not before end {end}; end is the offset just after "
                             "the span's last character (Python's text[start:end])")
        if start < 0 or end > len(text):
            raise LabelError(f"span {i} ({start}-{end}) goes outside the text, which has {len(text)} "
                             f"characters: keep 0 ≤ start < end ≤ {len(text)} (Python string indices)")
        if span["text"] != text[start:end]:
            given = json.dumps(span["text"], ensure_ascii=False)[:60]
            held = json.dumps(text[start:end], ensure_ascii=False)[:60]
            raise LabelError(f"span {i}: text {given} is not what the offsets {start}-{end} hold in the "
                             f"item's text ({held}); offsets count Python characters (code points), "
                             "not UTF-16 units or bytes")
        category = span["category"]
        if not isinstance(category, str) or category not in categories:
            raise LabelError(f"span {i}: unknown category {category!r}; categories are {sorted(categories)}")
        return {"start": start, "end": end, "text": span["text"], "category": category}

    def encode(self, label: Any) -> str:
        """The JSON list of ``{"start", "end", "text", "category"}``."""
        return json.dumps(list(label or []), ensure_ascii=False)

    def decode(self, text: str) -> Any:
        """The list of spans; a text that is not such a list is kept as it is (nothing is lost)."""
        try:
            spans = parse_spans(text)
        except ValueError:
            return text
        return [{key: span[key] for key in _KEYS} for span in spans]

    def categories_of(self, label: Any) -> Iterable[str]:
        """One category per span."""
        if not isinstance(label, list):
            return ()
        return [span["category"] for span in label if isinstance(span, dict) and "category" in span]

    def agreement(self, first: Any, second: Any) -> float:
        """F1 of exactly matching spans (same offsets and category); 1 when both are empty."""
        a, b = _keys(first), _keys(second)
        if not a and not b:
            return 1.0
        return 2.0 * len(a & b) / (len(a) + len(b))

    def uncertainty(self, prediction: Any) -> float:
        """One minus the tagger's per-token confidence in its best path: ``1 - p ** (1 / n)``.

        ``prediction`` is ``{"path_probability": p, "tokens": n}``: ``p`` the probability of the
        likeliest tag sequence of a text of ``n`` tokens (what the local tagger gives). Normalizing
        by the length (a geometric mean per token) keeps long texts from ranking first only for
        being long. A text without tokens scores 0.

        Another model's spans with a ``confidence`` each (a predictions file) score one minus
        their mean confidence, :data:`NO_SPAN_SCORE` for none, as a detector's boxes do.

        Raises
        ------
        ValueError
            When ``prediction`` is neither.
        """
        if not isinstance(prediction, dict):
            spans = parse_spans(prediction)
            if not spans:
                return NO_SPAN_SCORE
            return 1.0 - sum(min(1.0, max(0.0, s.get("confidence", 1.0))) for s in spans) / len(spans)
        if "path_probability" not in prediction:
            raise ValueError('expected {"path_probability": p, "tokens": n}')
        tokens = int(prediction.get("tokens", 0))
        if tokens <= 0:
            return 0.0
        p = min(1.0, max(0.0, float(prediction["path_probability"])))
        return 1.0 - p ** (1.0 / tokens)

    def suggestion(self, raw: Any, categories: FrozenSet[str]) -> Optional[List[Dict[str, Any]]]:
        """A model's spans of known categories (with their confidence); else None.

        The page keeps only those whose ``text`` matches the offsets in the item's text.
        """
        try:
            spans = parse_spans(raw)
        except ValueError:
            return None
        kept = [span for span in spans if span["category"] in categories]
        return kept or None


def _keys(label: Any) -> set:
    try:
        return {(s["start"], s["end"], s["category"]) for s in parse_spans(label)}
    except ValueError:
        return set()
