"""Texts generated for the tests and benchmarks (nothing is downloaded): headlines to sort into
clickbait and news, in Latin and right-to-left scripts, short and very long, some missing.

The two classes differ by their words, as real headlines do ("you won't believe" against
"parliament approves"), so that a word n-gram model learns them from a few dozen labels, and
each headline is unique (a number or a place in it), so that content-hash item ids are distinct.
"""

from __future__ import annotations

from typing import List, Optional

import numpy as np
import pandas as pd

CLICKBAIT_OPENERS = ["You won't believe what", "This one trick", "10 reasons why", "What happened next",
                     "Doctors hate how", "The shocking truth about", "Nobody expected that",
                     "Here is why", "You need to see how", "The real reason"]
CLICKBAIT_SUBJECTS = ["this cat", "a teenager", "your neighbour", "this old photo", "a tiny village",
                      "the last episode", "a grandmother", "this dog", "a simple recipe", "one teacher"]
CLICKBAIT_ENDINGS = ["will blow your mind", "changed everything", "left everyone speechless",
                     "is going viral", "will make you cry", "broke the internet", "is pure genius",
                     "you never noticed"]
NEWS_SUBJECTS = ["Parliament", "The central bank", "The health ministry", "Regional council",
                 "The supreme court", "Energy regulator", "The finance minister", "Port authority",
                 "The statistics office", "City council"]
NEWS_VERBS = ["approves", "rejects", "announces", "publishes", "delays", "reviews", "raises", "cuts"]
NEWS_OBJECTS = ["the annual budget", "interest rates", "new rail funding", "a water plan", "fuel taxes",
                "the housing report", "school funding", "quarterly figures", "wage rules", "the trade deal"]
PLACES = ["Lyon", "Oslo", "Porto", "Gdansk", "Leeds", "Turin", "Ghent", "Bergen", "Malmo", "Split"]
# Right-to-left headlines, written for these tests: Arabic and Hebrew, news and clickbait.
RTL_NEWS = ["البنك المركزي يرفع أسعار الفائدة في", "البرلمان يوافق على الميزانية السنوية في",
            "הממשלה מאשרת את התקציב השנתי ב", "בנק ישראל מעלה את הריבית ב"]
RTL_CLICKBAIT = ["لن تصدق ما حدث بعد ذلك في", "هذه الحيلة البسيطة ستغير حياتك في",
                 "לא תאמינו מה קרה אחר כך ב", "הטריק הפשוט הזה ישנה לכם את החיים ב"]
SOURCES = ["wire", "blog", "daily", "radio"]
NEWS, CLICKBAIT = "news", "clickbait"


def headline(rng: np.random.Generator, label: str, index: int, rtl: bool = False) -> str:
    """One unique headline of class ``label``."""
    place = PLACES[index % len(PLACES)]
    if rtl:
        return f"{rng.choice(RTL_CLICKBAIT if label == CLICKBAIT else RTL_NEWS)} {place} ({index})"
    if label == CLICKBAIT:
        return (f"{rng.choice(CLICKBAIT_OPENERS)} {rng.choice(CLICKBAIT_SUBJECTS)} in {place} "
                f"{rng.choice(CLICKBAIT_ENDINGS)} (#{index})")
    return (f"{rng.choice(NEWS_SUBJECTS)} {rng.choice(NEWS_VERBS)} {rng.choice(NEWS_OBJECTS)} in {place} "
            f"(#{index})")


def long_text(rng: np.random.Generator, label: str, index: int, chars: int) -> str:
    """A text of about ``chars`` characters: paragraphs of headlines, separated by blank lines."""
    parts: List[str] = []
    while sum(len(p) + 2 for p in parts) < chars:
        sentences = [headline(rng, label, index * 100 + len(parts) * 10 + k) + "." for k in range(4)]
        parts.append(" ".join(sentences))
    return "\n\n".join(parts)[:chars]


def headlines(n: int, seed: int = 0, rtl: float = 0.0, long: float = 0.0, long_chars: int = 5000,
              missing: float = 0.0, labels: Optional[List[str]] = None) -> pd.DataFrame:
    """``n`` rows: ``headline``, ``source`` and the true ``label``.

    Parameters
    ----------
    rtl, long, missing : float
        Shares of right-to-left headlines, of ``long_chars``-character texts and of missing ones
        (``None``), taken at evenly spread rows.
    labels : list of str, optional
        The class of each row (default: alternating news and clickbait).
    """
    rng = np.random.default_rng(seed)
    labels = labels or [NEWS if i % 2 == 0 else CLICKBAIT for i in range(n)]

    def every(share: float, offset: int) -> set:
        step = int(round(1 / share)) if share > 0 else 0
        return set(range(offset, n, step)) if step else set()
    rtl_rows, long_rows, missing_rows = every(rtl, 1), every(long, 2), every(missing, 3)
    texts: List[Optional[str]] = []
    for i, label in enumerate(labels):
        if i in missing_rows:
            texts.append(None)
        elif i in long_rows:
            texts.append(long_text(rng, label, i, long_chars))
        else:
            texts.append(headline(rng, label, i, rtl=i in rtl_rows))
    return pd.DataFrame({"headline": texts, "source": [SOURCES[i % len(SOURCES)] for i in range(n)],
                         "label": labels})


def sentences(n: int, words: int = 20, seed: int = 0, vocabulary: int = 30000) -> pd.DataFrame:
    """``n`` texts of about ``words`` words (a Zipf-like vocabulary, the same whatever ``seed``),
    with a ``label`` that their words predict, for the speed benchmarks."""
    vocab_rng, rng = np.random.default_rng(vocabulary), np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = np.array(["".join(vocab_rng.choice(letters, size=vocab_rng.integers(2, 10)))
                      for _ in range(vocabulary)])
    weights = 1.0 / np.arange(1, vocabulary + 1)
    weights /= weights.sum()
    picks = rng.choice(vocabulary, size=(n, words), p=weights)
    lengths = rng.integers(max(1, words - 5), words + 6, size=n)
    texts = [" ".join(vocab[row[:length]]) for row, length in zip(picks, lengths)]
    # Words of odd rank lean "b": a linear model on word counts can learn it.
    lean = (picks % 2).mean(axis=1)
    labels = np.where(lean > np.median(lean), "b", "a")
    return pd.DataFrame({"text": texts, "label": labels})
