"""A labeling session as an annotator lives it, for each kind, checked against what is stored.

Label 20 items with the keyboard only, reload the page midway, go back 3 and change one, skip
one; then the service's history, stats and the workspace's metadata must say exactly that.
"""

from __future__ import annotations

import collections
import os
from pathlib import Path

import pytest
from labeling_ui_support import (
    CATEGORIES,
    REPO_ROOT,
    current_id,
    open_app,
    paint_samples,
    percentile,
    press_and_wait_change,
    wait_all_saved,
    wait_ready,
)

pytestmark = pytest.mark.browser

# The screenshots go to the build folder (git-ignored): a test run leaves the work tree as it was.
# `make screenshots` points this at resource/img-doc/, where the README's images are.
SCREENSHOTS = Path(os.environ.get("ACTIVE_LABELING_SCREENSHOTS") or REPO_ROOT / "build" / "screenshots")


def _wait_shown(page, item_id):
    page.wait_for_function("(id) => document.querySelector('.al-stage').dataset.itemId === id", arg=item_id,
                           timeout=10000)


def _pressed_categories(page):
    return page.eval_on_selector_all(".al-category[aria-pressed=true]",
                                     "els => els.map(e => e.dataset.category)")


@pytest.mark.parametrize("kind", ["tabular", "image", "sound"])
def test_keyboard_session_is_stored_exactly(kind, browser, serve, tmp_path, record_property):
    server = serve(kind)
    categories = CATEGORIES[kind]
    page = open_app(browser, server.url)
    expected = {}   # item id -> (status, label), what the annotator meant
    order = []      # items in the order first decided

    def label_next(count):
        for _ in range(count):
            item = current_id(page)
            assert item and item not in expected, "an item already decided was served again"
            choice = len(order) % len(categories)
            press_and_wait_change(page, str(choice + 1))
            expected[item] = ("labeled", categories[choice])
            order.append(item)

    label_next(10)
    wait_all_saved(page)
    page.reload()
    wait_ready(page)
    assert current_id(page) not in expected
    assert "10 decided" in page.inner_text(".al-position")

    label_next(2)
    fresh = current_id(page)
    # Back 3, across the reload: the third one comes from the service's history.
    for step, key in enumerate(["Backspace", "ArrowLeft", "Backspace"], start=1):
        page.keyboard.press(key)
        _wait_shown(page, order[-step])
        assert _pressed_categories(page) == [expected[order[-step]][1]]
    assert "Reviewing" in page.inner_text(".al-item-status")
    assert "Your decision 10 of 12" in page.inner_text(".al-position")

    changed = order[-3]
    first_label = expected[changed][1]
    new_label = next(c for c in categories if c != expected[changed][1])
    page.keyboard.press(str(categories.index(new_label) + 1))   # change it, and move on
    _wait_shown(page, order[-2])
    expected[changed] = ("labeled", new_label)
    page.keyboard.press("ArrowRight")
    _wait_shown(page, order[-1])
    page.keyboard.press("ArrowRight")
    _wait_shown(page, fresh)

    label_next(8)
    if kind == "sound":
        _check_playback(page)
    wait_all_saved(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"webapp-ui-{kind}.png"))

    skipped = current_id(page)
    press_and_wait_change(page, "s")
    expected[skipped] = ("skipped", None)
    order.append(skipped)
    wait_all_saved(page)

    # What the service says: the history in decision order, each item's current decision.
    history = server.history()
    assert [e["id"] for e in history] == order
    assert {e["id"]: (e["status"], e["label"]) for e in history} == expected
    stats = server.get("/api/stats")
    per_category = collections.Counter(label for status, label in expected.values() if status == "labeled")
    assert (stats["labeled"], stats["skipped"]) == (20, 1)
    assert stats["annotator"]["labeled"] == 20 and stats["annotator"]["skipped"] == 1
    assert {k: v for k, v in stats["per_category"].items() if v} == dict(per_category)

    # What is stored, as `active-labeling export` writes it: one metadata row per decision, none
    # twice (the change is a second row); the labels, one per labeled item, with its latest label.
    labels, metadata = server.export(tmp_path / "export")
    assert len(metadata) == 22
    counts = collections.Counter(metadata["item_id"])
    assert counts[changed] == 2 and all(counts[i] == 1 for i in order if i != changed)
    assert set(metadata["annotator"]) == {"tester"}
    assert [tuple(r) for r in metadata[metadata["item_id"] == changed][["status", "label"]].values] == [
        ("labeled", first_label), ("labeled", new_label)]
    assert metadata[metadata["item_id"] == skipped]["status"].tolist() == ["skipped"]
    key = "note" if kind == "tabular" else "path"
    shown = {e["id"]: str(e["item"]["data"][key]) for e in history}
    assert dict(zip(labels[key].astype(str), labels["label"])) == {
        shown[i]: label for i, (status, label) in expected.items() if status == "labeled"}
    assert page.errors == []
    # For the record (benchmarks/bench_ui.py measures it properly): hotkey -> next item painted.
    record_property("paint_p95_ms", round(percentile(paint_samples(page), 95), 1))


def _check_playback(page):
    """Space plays the clip, the playhead moves; Space again pauses."""
    page.keyboard.press(" ")
    # Both read at once, while it plays: the 1.5 s clip may have ended by a separate later read.
    page.wait_for_function("document.querySelector('audio').currentTime > 0.3"
                           " && document.querySelector('.al-play').textContent.includes('Pause')",
                           timeout=10000)
    page.keyboard.press(" ")
    page.wait_for_function("document.querySelector('audio').paused")
    left = page.eval_on_selector(".al-wave .al-playhead", "e => parseFloat(e.style.left)")
    assert left > 0
