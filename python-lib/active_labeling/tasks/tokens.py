"""How a text is split into tokens for the spans task (the page's ``tasks/spans.js`` does the same).

The rule, walking the text one code point at a time (Python string indices):

- *spaces* separate tokens and are in none: Unicode separators (``Z*``), the ASCII controls
  ``\\t \\n \\v \\f \\r`` and ``\\x1c``-``\\x1f``, ``\\x85``, and format characters (``Cf``: the
  right-to-left and left-to-right marks, zero-width space, BOM) when they stand alone;
- a *word* is a maximal run of letters (``L*``), combining marks (``M*``) and digits (``N*``):
  ``élan``, ``שלום``, ``2024``, ``e`` followed by U+0301; so an accent typed as a combining mark
  stays in its word, and so does a zero-width (non-)joiner between two of its letters;
- any other character (punctuation, symbols, emoji) is a token of its own, with what is drawn
  with it: following combining marks and variation selectors, emoji skin-tone modifiers, a
  zero-width joiner and the character it joins (👩‍💻), and a regional-indicator pair (a flag).

Words are not split at apostrophes or hyphens (``don't`` is ``don``, ``'``, ``t``), and scripts
written without spaces (Thai, Chinese) are one token per run: a span there covers whole runs.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Dict, List, Sequence, Tuple

Token = Tuple[int, int]  # (start, end) Python string indices, end excluded

_ZWJ = "\u200d"
_JOINERS = frozenset("\u200c\u200d")
_SPACE_CONTROLS = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85")


def _is_skin_tone(char: str) -> bool:
    return "\U0001f3fb" <= char <= "\U0001f3ff"


def _is_regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def char_class(char: str) -> str:
    """``"space"``, ``"word"`` or ``"other"`` for one code point (the rule above)."""
    if char in _SPACE_CONTROLS:
        return "space"
    category = unicodedata.category(char)
    if category[0] == "Z" or category == "Cf":
        return "space"
    if category[0] in "LMN":
        return "word"
    return "other"


def tokenize(text: str) -> List[Token]:
    """The tokens of ``text`` as ``(start, end)`` index pairs, in order, never overlapping."""
    tokens: List[Token] = []
    n = len(text)
    i = 0
    while i < n:
        kind = char_class(text[i])
        if kind == "space":
            i += 1
            continue
        start = i
        i += 1
        if kind == "word":
            while i < n:
                if char_class(text[i]) == "word":
                    i += 1
                elif text[i] in _JOINERS and i + 1 < n and char_class(text[i + 1]) == "word":
                    i += 2  # Persian and Indic words hold joiners between their letters
                else:
                    break
        else:
            if _is_regional(text[start]) and i < n and _is_regional(text[i]):
                i += 1
            while i < n:
                char = text[i]
                if unicodedata.category(char)[0] == "M" or _is_skin_tone(char):
                    i += 1
                elif char == _ZWJ and i + 1 < n:
                    i += 2
                else:
                    break
        tokens.append((start, i))
    return tokens


def iob_tags(tokens: Sequence[Token], spans: Sequence[Dict[str, Any]]) -> List[str]:
    """The IOB2 tag of each token: ``B-cat`` for a span's first token, ``I-cat`` inside, ``O`` out.

    A token is in a span when it starts inside it (a span that cuts a token takes the token when
    it holds the token's start). Where spans overlap (the overlapping switch), the longest wins:
    IOB has one tag per token.
    """
    tags = ["O"] * len(tokens)
    # Shortest first: the longest writes last.
    for span in sorted(spans, key=lambda s: s["end"] - s["start"]):
        inside = [i for i, (start, _) in enumerate(tokens) if span["start"] <= start < span["end"]]
        for k, i in enumerate(inside):
            tags[i] = ("B-" if k == 0 else "I-") + span["category"]
    # A longer span written over part of a shorter one may leave a stray I- first: make it a B-.
    for i, tag in enumerate(tags):
        if tag.startswith("I-") and (i == 0 or tags[i - 1][2:] != tag[2:]):
            tags[i] = "B-" + tag[2:]
    return tags


def spans_of_tags(text: str, tokens: Sequence[Token], tags: Sequence[str]) -> List[Dict[str, Any]]:
    """The spans ``{"start", "end", "text", "category"}`` that IOB2 tags say (a stray ``I-`` starts one)."""
    spans: List[Dict[str, Any]] = []
    for (start, end), tag in zip(tokens, tags):
        if tag == "O" or len(tag) < 3:
            if spans:
                spans[-1]["_open"] = False
            continue
        category = tag[2:]
        if tag[0] == "I" and spans and spans[-1]["category"] == category and spans[-1]["_open"]:
            spans[-1]["end"] = end
            continue
        if spans:
            spans[-1]["_open"] = False
        spans.append({"start": start, "end": end, "category": category, "_open": True})
    return [{"start": s["start"], "end": s["end"], "text": text[s["start"]:s["end"]],
             "category": s["category"]} for s in spans]
