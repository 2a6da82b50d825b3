"""A generated corpus of short texts with named entities, for demos, tests and benchmarks of spans.

Nothing is downloaded: names, organizations and places are made of syllables drawn from a seeded
random generator, so a model has to learn them from their shape and context, not from a list.
Sentence patterns come with skewed frequencies (a few are common, most are rare) and many texts
hold no entity at all, as in real data: labeling the informative texts first pays off.
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import numpy as np

CATEGORIES = ("PER", "ORG", "LOC")

_SYLLABLES = ("ka", "lo", "mi", "ren", "dor", "sa", "vel", "tri", "an", "bel", "cor", "du", "fen", "gal",
              "ho", "is", "jun", "ler", "mo", "nar", "os", "pel", "qui", "ros", "tan", "ul", "vin", "wes",
              "zé", "ña", "ør", "ül")
_ORG_ENDS = ("Corp", "Bank", "Group", "Labs", "Systems", "Foundation", "Motors", "Partners")
_LOC_ENDS = ("", "", "", " City", "ville", "burg", " Bay", " Springs")
# (pattern, weight): {PER}, {ORG}, {LOC} are entities; the weights make some patterns rare.
_PATTERNS: Sequence[Tuple[str, float]] = (
    ("{PER} joined {ORG} in {LOC} last year.", 30),
    ("Shares of {ORG} fell after the report.", 20),
    ("{PER} was born in {LOC}.", 15),
    ("The meeting with {PER} is on Monday.", 12),
    ("{ORG} opens a new office in {LOC}, says {PER}.", 6),
    ("Flights to {LOC} are delayed again.", 5),
    ("According to {PER} of {ORG}, prices will rise.", 4),
    ("From {LOC} to {LOC}: a trip by train.", 3),
    ("{ORG} and {ORG} agree to merge.", 2),
    ("Ask {PER} or {PER} about the {ORG} account.", 2),
    ("Weather in {LOC} today: sunny, 21 °C.", 2),
    ("{PER} ({ORG}) will speak at the {LOC} summit.", 1),
    ("Visiting {LOC}? {PER} recommends the old town.", 1),
)
_PLAIN = ("The weather is fine today.", "Please send the file again.", "Thanks for your help!",
          "The results are better than expected.", "We will meet again next week.",
          "Prices went up by 3% in March.", "Nothing new to report.", "Is the office open on Sunday?",
          "Read the full story below.", "It was a long day.")


def _name(rng: np.random.Generator, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES, size=parts)).capitalize()


def _entity(rng: np.random.Generator, category: str) -> str:
    if category == "PER":
        return f"{_name(rng, int(rng.integers(1, 3)))} {_name(rng, int(rng.integers(2, 4)))}"
    if category == "ORG":  # half of them without a telling word: their context tells
        name = _name(rng, int(rng.integers(2, 4)))
        return f"{name} {rng.choice(_ORG_ENDS)}" if rng.random() < 0.5 else name
    return _name(rng, int(rng.integers(2, 4))) + str(rng.choice(_LOC_ENDS))


def make_span_corpus(n: int, seed: int = 0, plain_share: float = 0.4) -> List[Dict[str, object]]:
    """``n`` texts, each ``{"text": ..., "spans": [{"start", "end", "text", "category"}]}``.

    ``plain_share`` of them hold no entity. Offsets are Python string indices.
    """
    rng = np.random.default_rng(seed)
    weights = np.array([w for _, w in _PATTERNS], dtype=float)
    weights /= weights.sum()
    texts = []
    for _ in range(n):
        if rng.random() < plain_share:
            texts.append({"text": str(rng.choice(_PLAIN)), "spans": []})
            continue
        pattern = _PATTERNS[int(rng.choice(len(_PATTERNS), p=weights))][0]
        text, spans, rest = "", [], pattern
        while "{" in rest:
            before, _, after = rest.partition("{")
            category, _, rest = after.partition("}")
            text += before
            value = _entity(rng, category)
            spans.append({"start": len(text), "end": len(text) + len(value), "text": value,
                          "category": category})
            text += value
        texts.append({"text": text + rest, "spans": spans})
    return texts
