"""Boxes by mouse and keyboard on downscaled, EXIF-rotated images, in headless Chromium.

The real ``serve --kind image --task boxes --predictions`` on generated images: a pre-box is
accepted and fixed, boxes are drawn, resized, re-classed, moved and deleted by mouse and by
keyboard; the stored boxes equal the expected ones in pixels of the original image (EXIF applied)
within 1 px; an image with 50 boxes is dragged and the page's frame times are measured
(``benchmarks/bench_boxes.py`` reports them).
"""

from __future__ import annotations

import pytest
from boxes_support import (
    BUSY,
    CATEGORIES,
    PRE_BOX,
    SQUARE,
    TURNED,
    WIDE,
    drag,
    drag_frames,
    fifty_boxes,
    make_box_data,
    shown_boxes,
    to_original,
    to_screen,
    wait_boxes_ready,
)
from labeling_ui_support import current_id, open_app, percentile, press_and_wait_change, wait_all_saved
from PIL import Image, ImageOps
from test_labeling_session import SCREENSHOTS

pytestmark = pytest.mark.browser


def _near(stored, expected, tolerance=1.0):
    return len(stored) == len(expected) and all(abs(a - b) <= tolerance for a, b in zip(stored, expected))


@pytest.fixture
def boxes_server(serve, tmp_path):
    images, predictions = make_box_data(tmp_path / "boxes")
    server = serve("image", extra=["--task", "boxes", "--predictions", str(predictions)],
                   categories=CATEGORIES, data=images)
    return server, images


def test_boxes_by_mouse_and_keyboard_are_stored_in_original_pixels(browser, boxes_server):
    server, images = boxes_server
    stored = Image.open(images / TURNED[0].lstrip("/"))
    assert stored.size == (1800, 1200) and ImageOps.exif_transpose(stored).size == TURNED[1]
    page = open_app(browser, server.url)
    size = TURNED[1]
    wait_boxes_ready(page, TURNED[0])
    assert page.inner_text(".al-title") == "Box the objects in images"
    # Downscaled: the image the page got is smaller than the original, and upright.
    natural = page.eval_on_selector(".al-image-img", "e => [e.naturalWidth, e.naturalHeight]")
    assert natural[0] < size[0] and natural[0] / natural[1] == pytest.approx(size[0] / size[1], abs=0.01)
    page.keyboard.press("?")
    shortcuts = page.inner_text(".al-help")
    for line in ["Class cat for the selected box and the next ones", "Select the next / previous box",
                 "Resize the selected box", "Remove the selected box", "Confirm the image's boxes"]:
        assert line in shortcuts
    page.keyboard.press("Escape")
    # The detector's box, dashed, where it is on the original image.
    assert page.locator(".al-box-suggested").count() == 1
    pre = page.eval_on_selector(".al-box-suggested .al-box-rect", "e => e.getBoundingClientRect().toJSON()")
    left, top = to_screen(page, size, PRE_BOX["bbox"][0], PRE_BOX["bbox"][1])
    assert (pre["x"], pre["y"]) == (pytest.approx(left, abs=2), pytest.approx(top, abs=2))

    # Mouse: a box drawn around the white square (in the turned image), class set by key 1.
    x, y, w, h = SQUARE
    start, end = to_screen(page, size, x, y), to_screen(page, size, x + w, y + h)
    drag(page, start, end)
    drawn = [*to_original(page, size, *start), *to_original(page, size, *end)]
    page.keyboard.press("1")
    boxes = shown_boxes(page)
    assert len(boxes) == 2 and boxes[1]["category"] == "cat"
    assert _near(boxes[1]["bbox"], [x, y, w, h], 4)      # the square, within the mouse's precision
    assert _near(boxes[1]["bbox"], [drawn[0], drawn[1], drawn[2] - drawn[0], drawn[3] - drawn[1]])

    # Zoomed in and panned, the boxes stay on the image; back to fit.
    page.keyboard.press("+")
    page.keyboard.press("+")
    viewport = page.eval_on_selector(".al-image-viewport", "e => e.getBoundingClientRect().toJSON()")
    before = page.eval_on_selector(".al-image-img", "e => e.getBoundingClientRect().x")
    drag(page, (viewport["x"] + 5, viewport["y"] + 5), (viewport["x"] + 45, viewport["y"] + 25))  # pans
    after = page.eval_on_selector(".al-image-img", "e => e.getBoundingClientRect().x")
    assert after - before == pytest.approx(40, abs=2) and len(shown_boxes(page)) == 2
    rect = page.eval_on_selector(".al-box-selected .al-box-rect", "e => e.getBoundingClientRect().toJSON()")
    corner = to_screen(page, size, *boxes[1]["bbox"][:2])
    assert (rect["x"], rect["y"]) == (pytest.approx(corner[0], abs=2), pytest.approx(corner[1], abs=2))
    assert shown_boxes(page)[1]["bbox"] == boxes[1]["bbox"]
    page.keyboard.press("0")

    # Mouse: resized by its bottom-right handle, 30 original pixels wider and 60 higher.
    handle = page.eval_on_selector(".al-box-handle-se", "e => e.getBoundingClientRect().toJSON()")
    grab = (handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    target = to_screen(page, size, x + w + 30, y + h + 60)
    drag(page, grab, target)
    resized = shown_boxes(page)[1]["bbox"]
    moved_by = [a - b for a, b in zip(to_original(page, size, *target), to_original(page, size, *grab))]
    assert resized[:2] == boxes[1]["bbox"][:2]                # the top-left corner stays
    assert _near(resized[2:], [boxes[1]["bbox"][2] + moved_by[0], boxes[1]["bbox"][3] + moved_by[1]])
    assert _near(resized[2:], [w + 30, h + 60], 4)

    # Keyboard: Tab to the pre-box, moved 3 right and 10 down, 2 wider and 1 less high, class cat.
    page.keyboard.press("Tab")
    assert page.eval_on_selector("svg.al-boxes", "e => e.dataset.selected") == "0"
    for key in ["ArrowRight", "ArrowRight", "ArrowRight", "Shift+ArrowDown", "Alt+ArrowRight",
                "Alt+ArrowRight", "Alt+ArrowUp"]:
        page.keyboard.press(key)
    page.keyboard.press("1")
    assert page.locator(".al-box-suggested").count() == 0      # touched: now a plain box

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)   # the README's picture (make screenshots)
    page.screenshot(path=str(SCREENSHOTS / "webapp-ui-boxes.png"))

    # A third box, deleted by the button; a fourth, deleted by the Delete key.
    for left in (100, 700):
        drag(page, to_screen(page, size, left, 1300), to_screen(page, size, left + 300, 1500))
    assert len(shown_boxes(page)) == 4
    page.click(".al-box-remove")
    assert len(shown_boxes(page)) == 3 and page.is_disabled(".al-box-remove")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Delete")
    assert len(shown_boxes(page)) == 2
    page.keyboard.press("Delete")                               # nothing selected: nothing removed
    assert len(shown_boxes(page)) == 2
    assert "Select a box first" in page.inner_text(".al-notices")

    assert press_and_wait_change(page, "Enter") == WIDE[0]
    wait_boxes_ready(page, WIDE[0])
    press_and_wait_change(page, "Enter")                       # no box: "no object"
    wait_all_saved(page)
    history = server.history()
    assert [(e["id"], e["status"]) for e in history] == [(TURNED[0], "labeled"), (WIDE[0], "labeled")]
    first, second = history[0]["label"], history[1]["label"]
    assert second == []
    px, py, pw, ph = PRE_BOX["bbox"]
    assert first[0] == {"bbox": [px + 3, py + 10, pw + 2, ph - 1], "category": "cat"}
    assert first[1] == {"bbox": resized, "category": "cat"}
    assert all(isinstance(v, int) for box in first for v in box["bbox"])
    assert page.errors == []

    # Back to the first image: its boxes come back from the history; moved, it is changed.
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    wait_boxes_ready(page, TURNED[0])
    assert "Labeled 2 boxes: 2 cat" in page.inner_text(".al-item-status")
    assert [b["bbox"] for b in shown_boxes(page)] == [b["bbox"] for b in first]
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Enter")
    wait_all_saved(page)
    changed = server.history()[0]
    assert changed["id"] == TURNED[0] and changed["label"][0]["bbox"][0] == px + 3 - 10
    labels, _ = server.export(server.workspace.parent / "export")
    assert labels.set_index("path").loc[TURNED[0], "label"].startswith('[{"bbox": [')


def test_fifty_boxes_drag_smoothly_and_are_accepted_with_enter(browser, boxes_server):
    server, _ = boxes_server
    page = open_app(browser, server.url)
    wait_boxes_ready(page, TURNED[0])
    press_and_wait_change(page, "s")
    press_and_wait_change(page, "s")
    wait_boxes_ready(page, BUSY[0])
    assert page.locator(".al-box-suggested").count() == 50
    box = fifty_boxes()[22]["bbox"]
    frames = drag_frames(page, BUSY[1], box, moves=90)
    assert len(frames) >= 20, frames                       # the page measured the drag's frames
    p95 = percentile(frames, 95)
    # The target of the issue: 16 ms per frame at p95 (benchmarks/bench_boxes.py prints the figures).
    assert p95 <= 16.0, f"p95 frame {p95:.1f} ms over 50 boxes: {sorted(frames)[-5:]}"
    moved = shown_boxes(page)[22]
    assert moved["bbox"][0] != box[0] and not moved["suggested"]
    page.keyboard.press("Enter")
    wait_all_saved(page)
    label = server.history()[-1]["label"]
    assert len(label) == 50 and label[22]["bbox"] == moved["bbox"] and label[0] == {
        "bbox": fifty_boxes()[0]["bbox"], "category": "cat"}
    assert current_id(page) != BUSY[0]
