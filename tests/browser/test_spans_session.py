"""Spans marked by keyboard only in headless Chromium, checked against the stored offsets.

The real ``serve --kind text --task spans`` on generated texts: right-to-left ones (Hebrew,
Arabic), emoji (two UTF-16 units each, sequences joined by zero-width joiners, flags), combining
characters and markup. Fifteen texts are marked with ←/→, Shift+←/→, category keys, Backspace
and Enter (two of them from a model's pre-annotations, one accepted as it is, one fixed), one is
changed from the history, the page is reloaded; every stored span must have exactly the offsets
the Python tokenizer gives for the marked tokens, with ``text[start:end] == span["text"]``.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from labeling_ui_support import open_app, wait_all_saved
from test_labeling_session import SCREENSHOTS

from active_labeling.tasks.tokens import tokenize

pytestmark = pytest.mark.browser
CATEGORIES = ["PER", "ORG", "LOC"]
KEY = {"PER": "1", "ORG": "2", "LOC": "3"}
MARKUP = '<b>Ivo</b> & <img src=x onerror="document.title=\'pwned\'"> in Rome'

# (text, marks as (first token, last token, category), right to left, the model's spans)
PLAN = [
    ("Ana Lopez joined Kalo Bank in Paris.", [(0, 1, "PER"), (3, 4, "ORG"), (6, 6, "LOC")], False, None),
    ("שלום דנה כהן מתל אביב", [(1, 2, "PER")], True, None),
    ("Zoé 👩‍💻 met Jose\u0301 at 🇫🇷 Lyon!", [(0, 0, "PER"), (3, 3, "PER"), (6, 6, "LOC")], False, None),
    ("مرحبا من شركة النور في دبي", [(2, 3, "ORG"), (5, 5, "LOC")], True, None),
    ("Nothing to mark here.", [], False, None),
    ("Maria Gomez works at Velo Labs.", [], False, [(0, 1, "PER"), (4, 5, "ORG")]),
    ("Shares of Dorsa fell in Oslo.", [(5, 5, "LOC")], False, [(2, 2, "ORG"), (5, 5, "PER")]),
    (MARKUP, [(3, 3, "PER"), (27, 27, "LOC")], False, None),
    ("Café 😀😀 Noe\u0308l Ünal, 2024.", [(3, 4, "PER")], False, None),
    ("Flights from Tokyo to Lima are late.", [(2, 2, "LOC"), (4, 4, "LOC")], False, None),
    ("The meeting with Eva Ros is on Monday.", [(3, 4, "PER")], False, None),
    ("Kim (Orla Systems) will speak in Bergen.", [(0, 0, "PER"), (2, 3, "ORG"), (8, 8, "LOC")], False, None),
    ("Emoji family 👨‍👩‍👧 visited Nice 🏖️ today.", [(4, 4, "LOC")], False, None),
    ("Ask Lina Vel at Corvin Group.", [(1, 2, "PER"), (4, 5, "LOC")], False, None),
    ("Long gap:   three spaces\tand a tab\nnew line Anna.", [(10, 10, "PER")], False, None),
]
FILLERS = ["One more text to mark.", "And another one.", "The last one."]


def _span(text, first, last, category):
    tokens = tokenize(text)
    start, end = tokens[first][0], tokens[last][1]
    return {"start": start, "end": end, "text": text[start:end], "category": category}


def _expected(text, marks):
    return sorted((_span(text, *mark) for mark in marks), key=lambda s: (s["start"], s["end"]))


@pytest.fixture
def spans_server(serve, tmp_path):
    texts = [text for text, *_ in PLAN] + FILLERS
    ids = [f"t{i:02d}" for i in range(len(texts))]
    data = tmp_path / "texts.csv"
    pd.DataFrame({"id": ids, "headline": texts, "source": ["gen"] * len(texts)}).to_csv(data, index=False)
    predictions = [json.dumps([dict(_span(text, *s), confidence=0.6) for s in model]) if model else ""
                   for text, _, _, model in PLAN] + [""] * len(FILLERS)
    queries = tmp_path / "queries.csv"
    pd.DataFrame({"id": ids, "rank": range(1, len(ids) + 1), "prediction": predictions}).to_csv(
        queries, index=False)
    server = serve("text", extra=["--task", "spans", "--id-column", "id", "--queries", str(queries)],
                   categories=CATEGORIES, data=data)
    return server, dict(zip(ids, texts))


def _wait_text(page, item_id):
    page.wait_for_function(
        "(id) => { const b = document.querySelector('.al-text-body');"
        " return document.querySelector('.al-stage').dataset.itemId === id && b && b.dataset.tokens; }",
        arg=item_id, timeout=10000)


def _contrast(color, background):
    """WCAG contrast ratio of two CSS ``rgb(...)`` colours."""
    def luminance(css):
        channels = [int(float(v)) / 255 for v in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(color), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _on_page(page):
    return page.evaluate("window.__labelingApp.task.spans()")


class Cursor:
    """Where the page's cursor is, and the keys that move it in reading order."""

    def __init__(self, page, rtl):
        self.page, self.at = page, 0
        self.forward, self.backward = ("ArrowLeft", "ArrowRight") if rtl else ("ArrowRight", "ArrowLeft")

    def go(self, token):
        while self.at < token:
            self.page.keyboard.press(self.forward)
            self.at += 1
        while self.at > token:
            self.page.keyboard.press(self.backward)
            self.at -= 1

    def mark(self, first, last, category):
        self.go(first)
        for _ in range(last - first):
            self.page.keyboard.press(f"Shift+{self.forward}")
        self.at = last
        self.page.keyboard.press(KEY[category])


def test_fifteen_texts_marked_by_keyboard_are_stored_with_exact_offsets(browser, spans_server):
    server, texts = spans_server
    page = open_app(browser, server.url)
    assert page.inner_text(".al-title") == "Mark spans in texts"
    page.keyboard.press("?")
    shortcuts = page.inner_text(".al-help")
    assert "Extend the selection a word" in shortcuts and "Remove the span under the cursor" in shortcuts
    page.keyboard.press("Escape")
    expected = {}
    for number, (text, marks, rtl, model) in enumerate(PLAN):
        item_id = f"t{number:02d}"
        _wait_text(page, item_id)
        assert page.evaluate("document.querySelector('.al-text-body').getAttribute('dir')") == (
            "rtl" if rtl else "ltr")
        # The page's tokens are the Python tokenizer's.
        shown = page.eval_on_selector_all(".al-text-body .al-tok", "els => els.map(e => e.textContent)")
        assert shown == [text[s:e] for s, e in tokenize(text)]
        cursor = Cursor(page, rtl)
        if model:   # the model's spans are drawn as suggestions, named
            assert [s["suggested"] for s in _on_page(page)] == [True] * len(model)
            names = page.eval_on_selector_all(".al-span-name", "els => els.map(e => e.textContent)")
            assert names == [f"{c} 0.60?" for *_, c in model]
        if number == 13:   # a wrong mark removed with Backspace, then marked again with Shift+←
            cursor.mark(1, 2, "PER")
            cursor.mark(4, 5, "ORG")
            page.keyboard.press("Backspace")
            assert [s["category"] for s in _on_page(page)] == ["PER"]
            cursor.go(5)
            page.keyboard.press(f"Shift+{cursor.backward}")
            page.keyboard.press(KEY["LOC"])
            marks = [(1, 2, "PER"), (4, 5, "LOC")]
        else:
            for mark in marks:
                cursor.mark(*mark)
        want = _expected(text, marks) if not model else _expected(
            text, {(a, b): (a, b, c) for a, b, c in [*model, *marks]}.values())
        assert [{k: s[k] for k in ("start", "end", "text", "category")} for s in _on_page(page)] == want
        # Each span's category is written after it: readable without its colour.
        names = page.eval_on_selector_all(".al-span-name", "els => els.map(e => e.dataset.category)")
        assert names == [s["category"] for s in want]
        if number == 0 and SCREENSHOTS:
            page.screenshot(path=str(SCREENSHOTS / "webapp-ui-spans.png"))
        expected[item_id] = want
        page.keyboard.press("Enter")
    assert page.evaluate("document.title") != "pwned" and not page.query_selector(".al-text-view img")

    # Back to the last text (Backspace with no span under the cursor), one span re-classed, Enter.
    _wait_text(page, "t15")
    page.keyboard.press("Backspace")
    _wait_text(page, "t14")
    assert [s["category"] for s in _on_page(page)] == ["PER"]
    cursor = Cursor(page, False)
    cursor.mark(10, 10, "LOC")
    expected["t14"] = _expected(texts["t14"], [(10, 10, "LOC")])
    page.keyboard.press("Enter")
    wait_all_saved(page)

    page.reload()
    page.wait_for_selector(".al-app[data-ready=true]", timeout=15000)
    stored = {entry["id"]: entry["label"] for entry in server.history()}
    assert stored == expected
    for item_id, spans in stored.items():
        assert all(texts[item_id][s["start"]:s["end"]] == s["text"] for s in spans)
    rows = server.rows("SELECT item_id, label FROM labels")
    assert {row["item_id"]: json.loads(row["label"]) for row in rows} == expected
    # After the reload the history shows the stored spans again.
    _wait_text(page, "t15")
    page.keyboard.press("Backspace")
    page.wait_for_function("document.querySelector('.al-stage').dataset.itemId !== 't15'", timeout=10000)
    back = page.evaluate("document.querySelector('.al-stage').dataset.itemId")
    assert [{k: s[k] for k in ("start", "end", "text", "category")} for s in _on_page(page)] == expected[back]
    assert page.errors == []


def test_spans_marked_with_the_mouse_snap_to_whole_words(browser, spans_server):
    server, texts = spans_server
    page = open_app(browser, server.url)
    _wait_text(page, "t00")
    token = ".al-text-body .al-tok[data-i='{}']"
    # A drag from the middle of "Ana" to the middle of "Lopez" selects both words whole.
    first, last = page.locator(token.format(0)).bounding_box(), page.locator(token.format(1)).bounding_box()
    page.mouse.move(first["x"] + first["width"] / 2, first["y"] + first["height"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] / 3, last["y"] + last["height"] / 2, steps=5)
    page.mouse.up()
    page.keyboard.press(KEY["PER"])
    # A double-click on "Paris", then the category's button.
    page.locator(token.format(6)).dblclick()
    page.click(".al-category[data-category=LOC]")
    # A double-click on "Kalo", extended by keyboard to "Bank".
    page.locator(token.format(3)).dblclick()
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press(KEY["ORG"])
    want = _expected(texts["t00"], [(0, 1, "PER"), (3, 4, "ORG"), (6, 6, "LOC")])
    assert [{k: s[k] for k in ("start", "end", "text", "category")} for s in _on_page(page)] == want
    # Legible on the light page: the words on their tint, each name on its category's colour.
    pairs = page.evaluate("""() => [...document.querySelectorAll('.al-tok-span, .al-span-name')].map((e) => {
        const style = getComputedStyle(e);
        return [style.color, style.backgroundColor]; })""")
    assert len(pairs) == 8 and min(_contrast(*pair) for pair in pairs) >= 4.5
    page.keyboard.press("Enter")
    wait_all_saved(page)
    assert [entry["label"] for entry in server.history()] == [want]
    assert page.errors == []
