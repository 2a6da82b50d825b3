"""A text labeling session as an annotator lives it, checked against what is stored.

Twenty texts labeled with the keyboard only (right-to-left ones, 5,000-character ones unfolded and
scrolled by keyboard, a missing one, markup and whitespace), a reload midway, three steps back
across the reload and one label changed; then the history, the export's labels and metadata must
say exactly that, and every text must have been shown exactly as stored.
"""

from __future__ import annotations

import collections
import re

import pytest
from labeling_ui_support import (
    CATEGORIES,
    TRICKY_TEXTS,
    current_id,
    open_app,
    paint_samples,
    percentile,
    press_and_wait_change,
    wait_all_saved,
    wait_ready,
)
from test_labeling_session import SCREENSHOTS  # build/screenshots, or `make screenshots`' folder

pytestmark = pytest.mark.browser
RTL = re.compile("[\u0590-\u08ff]")  # Hebrew and Arabic letters

SHOWN = """() => {
  const view = document.querySelector('.al-text-view');
  const body = view.querySelector('.al-text-body');
  const more = view.querySelector('.al-text-more');
  return {
    text: body ? body.textContent : null,
    empty: Boolean(view.querySelector('.al-text-empty')),
    dir: body ? body.getAttribute('dir') : null,
    direction: body ? getComputedStyle(body).direction : null,
    whiteSpace: body ? getComputedStyle(body).whiteSpace : null,
    folded: Boolean(body && body.classList.contains('al-folded')),
    more: more ? more.textContent : null,
    markup: view.querySelectorAll('.al-text-body *').length,
    scrollTop: view.scrollTop,
    context: [...view.querySelectorAll('.al-text-context dd')].map((d) => d.textContent),
    fontSize: body ? parseFloat(getComputedStyle(body).fontSize) : null,
  };
}"""


def _wait_shown(page, item_id):
    page.wait_for_function("(id) => document.querySelector('.al-stage').dataset.itemId === id", arg=item_id,
                           timeout=10000)


def _pressed(page):
    return page.eval_on_selector_all(".al-category[aria-pressed=true]",
                                     "els => els.map(e => e.dataset.category)")


def test_keyboard_session_is_stored_exactly_for_texts(browser, serve, tmp_path, record_property):
    server = serve("text")
    categories = CATEGORIES["text"]
    page = open_app(browser, server.url)
    expected, order, texts = {}, [], {}   # item id -> (status, label); decision order; id -> text shown
    seen = collections.Counter()

    def check_and_read():
        """The text on screen is the item's, as stored; long ones are unfolded and scrolled by key."""
        item = page.evaluate("window.__labelingApp.current.item")
        text, shown = item["data"]["headline"], page.evaluate(SHOWN)
        assert shown["context"] == [item["data"]["source"]]
        texts[item["id"]] = text
        if text is None:
            assert shown["empty"] and shown["text"] is None
            seen["missing"] += 1
            return
        # Every space, tab and line break kept; markup shown as the characters it is made of.
        assert shown["text"] == text and shown["markup"] == 0
        assert shown["whiteSpace"] == "pre-wrap" and shown["dir"] == "auto" and shown["fontSize"] >= 18
        assert shown["direction"] == ("rtl" if RTL.match(text) else "ltr")
        seen["rtl"] += bool(RTL.match(text))
        seen["tricky"] += text in TRICKY_TEXTS
        if len(text) >= 5000:
            assert shown["folded"] and shown["more"] == "more: all 5,000 characters (Space)"
            if not seen["long"]:  # the README's picture: a long text, folded, with its context
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "webapp-ui-text.png"))
            page.keyboard.press(" ")
            page.wait_for_function("!document.querySelector('.al-text-body').classList.contains('al-folded')")
            page.keyboard.press("PageDown")
            page.keyboard.press("ArrowDown")
            page.wait_for_function("document.querySelector('.al-text-view').scrollTop > 100")
            seen["long"] += 1
        else:
            assert not shown["folded"] and shown["more"] is None

    def label_next(count):
        for _ in range(count):
            item = current_id(page)
            assert item and item not in expected, "an item already decided was served again"
            check_and_read()
            choice = len(order) % 2
            press_and_wait_change(page, str(choice + 1))
            expected[item] = ("labeled", categories[choice])
            order.append(item)

    label_next(10)
    wait_all_saved(page)
    page.reload()
    wait_ready(page)
    assert current_id(page) not in expected
    label_next(2)
    fresh = current_id(page)
    # Back 3, across the reload: the third one comes from the service's history, its text shown again.
    for step, key in enumerate(["Backspace", "ArrowLeft", "Backspace"], start=1):
        page.keyboard.press(key)
        _wait_shown(page, order[-step])
        assert _pressed(page) == [expected[order[-step]][1]]
        assert page.evaluate(SHOWN)["text"] == texts[order[-step]]
    changed = order[-3]
    first_label, new_label = expected[changed][1], categories[2]
    page.keyboard.press("3")   # change it to "unsure", and move on
    _wait_shown(page, order[-2])
    expected[changed] = ("labeled", new_label)
    page.keyboard.press("ArrowRight")
    _wait_shown(page, order[-1])
    page.keyboard.press("ArrowRight")
    _wait_shown(page, fresh)
    label_next(8)
    wait_all_saved(page)
    # The pool was made so that 20 of its 24 texts hold each kind of text at least once.
    assert seen["rtl"] and seen["long"] and seen["missing"] == 1 and seen["tricky"] == 2, seen

    history = server.history()
    assert [e["id"] for e in history] == order
    assert {e["id"]: (e["status"], e["label"]) for e in history} == expected
    stats = server.get("/api/stats")
    assert (stats["labeled"], stats["skipped"]) == (20, 0)

    labels, metadata = server.export(tmp_path / "export")
    assert list(labels.columns) == ["item_id", "headline", "source", "label", "final_label", "final_status"]
    assert dict(zip(labels["item_id"], zip(labels["headline"], labels["label"]))) == {
        i: (texts[i] or "", label) for i, (_, label) in expected.items()}
    assert len(metadata) == 21 and set(metadata["annotator"]) == {"tester"}
    assert metadata["item_id"].tolist() == order[:-8] + [changed] + order[-8:]
    assert [tuple(r) for r in metadata[metadata["item_id"] == changed][["status", "label"]].values] == [
        ("labeled", first_label), ("labeled", new_label)]
    assert page.errors == [] and page.title() != "pwned"
    # For the record (benchmarks/bench_ui.py measures it properly): hotkey -> next text painted.
    record_property("paint_p95_ms", round(percentile(paint_samples(page), 95), 1))


def test_texts_follow_the_queries_with_multi_label_comments_skips_and_stats(browser, serve, datasets,
                                                                             tmp_path):
    """The rest of the keyboard flow on texts: queries of `sample --text-column` served first with
    their rank, categories toggled and confirmed, a comment typed with spaces (never the "more"
    key), a skip, the shortcut list, the progress."""
    import pickle

    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from active_labeling.cli import main

    data = datasets("text")
    texts = pd.read_csv(data, keep_default_na=False)["headline"]
    model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(
        texts, ["clickbait" if "believe" in t or "trick" in t else "news" for t in texts])
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(model))
    assert main(["sample", "--model", str(tmp_path / "model.pkl"), "--data", str(data), "--text-column",
                 "headline", "--strategy", "margin", "--n", "5", "--out", str(tmp_path / "queries.csv")]) == 0
    queries = pd.read_csv(tmp_path / "queries.csv", keep_default_na=False)
    server = serve("text", extra=["--multi-label", "--queries", str(tmp_path / "queries.csv")])
    page = open_app(browser, server.url)
    assert page.evaluate(SHOWN)["text"] == queries["headline"][0]
    # Why this item, in words (the model's guess), the rank and raw score in the tooltip.
    assert page.inner_text(".al-al-hint").startswith("The model ")
    assert page.get_attribute(".al-al-hint", "title").startswith("Rank 1 of the queries, score")

    page.keyboard.press("?")
    shortcuts = page.inner_text(".al-help")
    assert "Show all of a long text, or fold it again" in shortcuts and "Scroll the text" in shortcuts
    page.keyboard.press("Escape")
    first = current_id(page)
    page.keyboard.press("c")
    page.keyboard.type("reads like both, see the end")
    page.keyboard.press("Escape")
    for key in ["1", "3"]:
        page.keyboard.press(key)
    press_and_wait_change(page, "Enter")
    assert page.get_attribute(".al-al-hint", "title").startswith("Rank 2 of the queries")
    second = current_id(page)
    press_and_wait_change(page, "s")
    wait_all_saved(page)
    history = server.history()
    assert [(e["id"], e["status"], e["label"], e["comment"]) for e in history] == [
        (first, "labeled", ["news", "unsure"], "reads like both, see the end"), (second, "skipped", None, "")]
    page.wait_for_function("document.querySelector('.al-stats').innerText.includes('Skipped')")
    counts = page.inner_text(".al-counts")
    assert "Labeled\n1" in counts and "Skipped\n1" in counts
    assert page.errors == []
