"""What the annotator notices beyond the main session: failures, comments, multi-label, mouse,
shortcut list and hotkeys, zoom, playback. Every check goes through the real local server."""

from __future__ import annotations

import pytest
from labeling_ui_support import (
    current_id,
    open_app,
    press_and_wait_change,
    wait_all_saved,
    wait_ready,
)

pytestmark = pytest.mark.browser


def _rows_for(server, item_id):
    return [r for r in server.decision_rows() if r["item_id"] == item_id]


def test_a_failed_label_request_is_retried_and_stored_once(browser, serve):
    server = serve("tabular")
    page = open_app(browser, server.url)
    attempts = []

    def fail_first(route):
        attempts.append(route.request.post_data_json)
        if len(attempts) == 1:
            route.abort("connectionfailed")
        else:
            route.continue_()
    page.route("**/api/label", fail_first)

    item = current_id(page)
    next_item = press_and_wait_change(page, "2")   # the next item shows without waiting
    assert next_item != item
    wait_all_saved(page)
    assert [a["id"] for a in attempts] == [item, item]
    rows = _rows_for(server, item)
    assert [(r["status"], r["label"]) for r in rows] == [("labeled", '"versicolor"')]
    assert server.get("/api/stats")["labeled"] == 1
    # Nothing is sent again later.
    page.wait_for_timeout(1200)
    assert len(attempts) == 2
    assert page.errors == []


def test_a_label_whose_answer_is_lost_is_not_stored_twice(browser, serve):
    server = serve("tabular")
    page = open_app(browser, server.url)
    posts = []

    def lose_first_answer(route):
        posts.append(route.request.post_data_json)
        if len(posts) == 1:
            route.fetch()                      # the service stores it...
            route.abort("connectionreset")     # ...but the page never hears back
        else:
            route.continue_()
    page.route("**/api/label", lose_first_answer)
    item = current_id(page)
    press_and_wait_change(page, "3")
    wait_all_saved(page)
    press_and_wait_change(page, "1")           # the next label goes through normally
    wait_all_saved(page)
    assert [(r["item_id"], r["label"]) for r in server.decision_rows()][0] == (item, '"virginica"')
    assert len(server.decision_rows()) == 2
    assert len(_rows_for(server, item)) == 1 and len(posts) == 2
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.wait_for_function("(id) => document.querySelector('.al-stage').dataset.itemId === id", arg=item)
    assert "saved" in page.inner_text(".al-item-status")


def test_a_network_blip_keeps_the_label_warns_before_closing_and_sends_it_once(browser, serve):
    server = serve("tabular")
    page = open_app(browser, server.url)
    item = current_id(page)
    page.context.set_offline(True)
    press_and_wait_change(page, "1")
    # The page says the label is not saved yet, and what to do.
    page.wait_for_selector(".al-notice[data-notice=send]", timeout=10000)
    assert "not saved yet" in page.inner_text(".al-notice[data-notice=send]")
    assert "keep this page open" in page.inner_text(".al-notice[data-notice=send]")
    assert "unsent" in page.inner_text(".al-sync")
    # Closing now would lose it: the browser asks first.
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()
    page.on("dialog", on_dialog)
    with page.expect_event("dialog"):   # close() does not wait for the question
        page.close(run_before_unload=True)
    assert dialogs == ["beforeunload"] and not page.is_closed()
    assert _rows_for(server, item) == []

    page.context.set_offline(False)   # back online: sent at once, once
    wait_all_saved(page)
    assert [(r["status"], r["label"]) for r in _rows_for(server, item)] == [("labeled", '"setosa"')]
    page.wait_for_selector(".al-notice[data-notice=send]", state="detached")
    page.close(run_before_unload=True)   # nothing pending: no question asked
    assert dialogs == ["beforeunload"]


def test_a_refused_label_is_explained_in_place_and_not_retried(browser, serve):
    server = serve("tabular")
    page = open_app(browser, server.url)
    attempts = []

    def reserved(route):
        attempts.append(1)
        route.fulfill(status=409, content_type="application/json",
                      body='{"error": "item x is reserved by another annotator; ask for a new batch"}')
    page.route("**/api/label", reserved)
    press_and_wait_change(page, "1")
    notice = page.wait_for_selector(".al-notice[data-notice^=failed]", timeout=10000)
    text = notice.inner_text()
    assert "not saved" in text and "reserved by another annotator" in text
    assert "Move on to another item" in text
    page.wait_for_timeout(1000)
    assert len(attempts) == 1
    wait_all_saved(page)
    page.keyboard.press("Backspace")
    page.wait_for_selector(".al-badge-failed")


def test_typing_a_comment_never_triggers_a_hotkey(browser, serve):
    server = serve("tabular")
    page = open_app(browser, server.url)
    item = current_id(page)
    page.keyboard.press("c")          # C goes to the comment box
    page.keyboard.type("3 petals, s? [odd] 12")
    page.keyboard.press("Backspace")
    page.keyboard.press("ArrowLeft")
    assert current_id(page) == item
    assert page.input_value(".al-comment") == "3 petals, s? [odd] 1"
    page.keyboard.press("Escape")     # leave the box, then label
    press_and_wait_change(page, "3")
    wait_all_saved(page)
    rows = _rows_for(server, item)
    assert [(r["label"], r["comment"]) for r in rows] == [('"virginica"', "3 petals, s? [odd] 1")]
    assert page.input_value(".al-comment") == ""
    # A draft on the new item is kept while reviewing; the reviewed decision shows its comment,
    # and changing its label keeps that comment.
    page.fill(".al-comment", "draft")
    page.keyboard.press("Escape")
    page.keyboard.press("Backspace")
    page.wait_for_function("(id) => document.querySelector('.al-stage').dataset.itemId === id", arg=item)
    assert page.input_value(".al-comment") == "3 petals, s? [odd] 1"
    page.keyboard.press("1")
    page.wait_for_function("(id) => document.querySelector('.al-stage').dataset.itemId !== id", arg=item)
    assert page.input_value(".al-comment") == "draft"
    wait_all_saved(page)
    rows = _rows_for(server, item)
    assert [(r["label"], r["comment"]) for r in rows][-1] == ('"setosa"', "3 petals, s? [odd] 1")


def test_multi_label_toggles_and_confirms_with_enter(browser, serve):
    server = serve("tabular", extra=["--multi-label"])
    page = open_app(browser, server.url)
    item = current_id(page)
    page.keyboard.press("Enter")       # nothing chosen yet: nothing sent, the page says why
    assert current_id(page) == item
    assert "at least one category" in page.inner_text(".al-notices")
    for key in ["1", "3", "2", "2"]:   # 2 toggled on then off
        page.keyboard.press(key)
    pressed = page.eval_on_selector_all(".al-category[aria-pressed=true]",
                                        "e => e.map(x => x.dataset.category)")
    assert pressed == ["setosa", "virginica"]
    press_and_wait_change(page, "Enter")
    wait_all_saved(page)
    assert server.history()[-1]["label"] == ["setosa", "virginica"]


def test_everything_works_with_the_mouse(browser, serve):
    server = serve("tabular")
    page = open_app(browser, server.url)
    first = current_id(page)
    page.click(".al-category[data-category=versicolor]")
    page.wait_for_function("(b) => document.querySelector('.al-stage').dataset.itemId !== b", arg=first)
    second = current_id(page)
    page.click("button:has-text('Skip')")
    page.wait_for_function("(b) => document.querySelector('.al-stage').dataset.itemId !== b", arg=second)
    page.click("button:has-text('Back')")
    page.wait_for_function("(b) => document.querySelector('.al-stage').dataset.itemId === b", arg=second)
    page.click("button:has-text('Back')")
    page.wait_for_function("(b) => document.querySelector('.al-stage').dataset.itemId === b", arg=first)
    page.click(".al-category[data-category=setosa]")      # change it
    page.wait_for_function("(b) => document.querySelector('.al-stage').dataset.itemId === b", arg=second)
    wait_all_saved(page)
    history = server.history()
    assert [(e["id"], e["status"], e["label"]) for e in history] == [
        (first, "labeled", "setosa"), (second, "skipped", None)]


def test_shortcut_list_shows_every_key_and_a_hotkey_can_be_changed(browser, serve):
    server = serve("sound")
    page = open_app(browser, server.url)
    page.keyboard.press("?")
    help_text = page.inner_text(".al-help")
    for expected in ["Backspace", "→", "Skip", "Space", "Slower / faster", "Autoplay", "low", "mid", "high"]:
        assert expected in help_text
    page.fill(".al-hotkey-input[aria-label='Hotkey of high']", "h")
    page.keyboard.press("Tab")
    assert page.inner_text(".al-category[data-category=high] kbd") == "H"
    assert page.input_value(".al-hotkey-input[aria-label='Hotkey of high']") == "H"
    page.fill(".al-hotkey-input[aria-label='Hotkey of mid']", "s")   # S is Skip: refused, said why
    page.keyboard.press("Tab")
    assert "can't be a hotkey" in page.inner_text(".al-help-error")
    assert page.input_value(".al-hotkey-input[aria-label='Hotkey of mid']") == "2"
    page.keyboard.press("Escape")
    assert page.is_hidden(".al-help")
    item = current_id(page)
    press_and_wait_change(page, "h")
    wait_all_saved(page)
    last = server.history()[-1]
    assert (last["id"], last["label"]) == (item, "high")
    page.reload()                      # kept in this browser
    wait_ready(page)
    assert page.inner_text(".al-category[data-category=high] kbd") == "H"


def test_image_fits_zooms_pans_and_shows_original_size(browser, serve):
    server = serve("image")
    page = open_app(browser, server.url)
    page.wait_for_selector(".al-image-img")

    def scale():
        return page.eval_on_selector(".al-image-img", "e => new DOMMatrix(getComputedStyle(e).transform).a")
    fitted = scale()
    box = page.eval_on_selector(".al-image-img", "e => e.getBoundingClientRect().toJSON()")
    viewport = page.eval_on_selector(".al-image-viewport", "e => e.getBoundingClientRect().toJSON()")
    # Fit: the whole image is visible and fills one dimension of the viewport.
    assert box["width"] <= viewport["width"] + 1 and box["height"] <= viewport["height"] + 1
    assert max(box["width"] / viewport["width"], box["height"] / viewport["height"]) > 0.98
    page.keyboard.press("+")
    assert scale() == pytest.approx(fitted * 1.25, abs=1e-3)
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert scale() < fitted
    page.mouse.move(viewport["x"] + 200, viewport["y"] + 200)
    page.mouse.wheel(0, -300)
    assert scale() > fitted * 0.8 * 0.8 * 1.2  # zoomed in around the pointer
    page.keyboard.press("o")
    assert scale() == pytest.approx(1.0, abs=1e-3)
    assert "100%" in page.inner_text(".al-zoom-label")
    before = page.eval_on_selector(".al-image-img", "e => e.getBoundingClientRect().x")
    page.mouse.move(viewport["x"] + 300, viewport["y"] + 300)
    page.mouse.down()
    page.mouse.move(viewport["x"] + 380, viewport["y"] + 300, steps=4)
    page.mouse.up()
    after = page.eval_on_selector(".al-image-img", "e => e.getBoundingClientRect().x")
    assert after - before == pytest.approx(80, abs=2)
    page.keyboard.press("0")
    assert scale() == pytest.approx(fitted, abs=1e-3)
    assert "(fit)" in page.inner_text(".al-zoom-label")


def test_sound_waveform_spectrogram_speed_seek_and_autoplay(browser, serve):
    server = serve("sound")
    page = open_app(browser, server.url)
    page.wait_for_function("document.querySelector('audio').getAttribute('src')", timeout=20000)
    page.wait_for_function("document.querySelector('.al-spectro-img').naturalWidth > 0", timeout=20000)
    # The clip itself is loaded (its length known): seeking is then measurable on the audio element.
    page.wait_for_function("document.querySelector('audio').duration > 0", timeout=20000)
    # The waveform is drawn (some pixels are not background).
    drawn = page.eval_on_selector(".al-wave-canvas", """c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n / (c.width * c.height); }""")
    assert drawn > 0.05
    page.keyboard.press("]")
    page.keyboard.press("]")
    assert page.eval_on_selector("audio", "a => a.playbackRate") == 1.5
    for _ in range(6):
        page.keyboard.press("[")
    assert page.eval_on_selector("audio", "a => a.playbackRate") == 0.5
    assert page.input_value(".al-speed") == "0.5"
    wave = page.eval_on_selector(".al-wave", "e => e.getBoundingClientRect().toJSON()")
    page.mouse.click(wave["x"] + wave["width"] * 0.5, wave["y"] + wave["height"] / 2)
    seek = page.eval_on_selector("audio", "a => a.currentTime / a.duration")
    assert seek == pytest.approx(0.5, abs=0.03)
    assert float(page.eval_on_selector(".al-wave .al-playhead", "e => parseFloat(e.style.left)")) == \
        pytest.approx(50, abs=3)
    page.keyboard.press("r")           # replay from the start
    # Read together as it plays: a separate later read could come after half a second of playing.
    page.wait_for_function("(a => !a.paused && a.currentTime < 0.5)(document.querySelector('audio'))")
    page.keyboard.press(" ")
    # Autoplay: switched on with A, kept after a reload, plays the next item by itself.
    page.keyboard.press("a")
    assert page.is_checked(".al-autoplay-box")
    page.reload()
    wait_ready(page)
    assert page.is_checked(".al-autoplay-box")
    assert page.input_value(".al-speed") == "0.5"
    press_and_wait_change(page, "1")
    page.wait_for_function("(a => !a.paused && a.currentTime > 0)(document.querySelector('audio'))",
                           timeout=20000)


def test_categories_past_nine_get_letters_and_progress_follows(browser, serve):
    names = [f"kind-{i:02d}" for i in range(1, 12)]
    server = serve("tabular", categories=names)
    page = open_app(browser, server.url)
    keys = page.eval_on_selector_all(".al-category kbd", "e => e.map(k => k.textContent)")
    assert keys == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "B", "D"]
    item = current_id(page)
    press_and_wait_change(page, "d")
    press_and_wait_change(page, "s")
    wait_all_saved(page)
    assert [(e["id"], e["label"]) for e in server.history()][0] == (item, "kind-11")
    # The progress panel says what the service counts.
    stats = server.get("/api/stats")
    shown = {s: page.inner_text(f".al-count[data-stat={s}] dd") for s in ("labeled", "skipped", "remaining")}
    assert shown == {"labeled": "1", "skipped": "1", "remaining": f"{stats['remaining']:,}"}
    assert page.inner_text(".al-per-category li[data-category=kind-11] .al-cat-count") == "1"
    assert "1 labeled, 1 skipped" in page.inner_text(".al-mine")


@pytest.mark.parametrize("kind", ["image", "sound"])
def test_next_items_media_is_there_before_they_are_shown(kind, browser, serve):
    server = serve(kind)
    page = open_app(browser, server.url)
    # Once the next items are loaded ahead, the network for media can go away...
    page.wait_for_function("[...window.__labelingApp.cache.values()].filter(e => e.value && !e.value.error)"
                           ".length >= 4", timeout=30000)
    blocked = []

    def block(route):
        blocked.append(route.request.url)
        route.abort("connectionfailed")
    page.route("**/api/items/**", block)
    # ...and the next items still show in full.
    for key in ["1", "2"]:
        press_and_wait_change(page, key)
        if kind == "image":
            assert page.eval_on_selector(".al-image-img", "i => i.complete && i.naturalWidth") > 0
        else:
            assert page.eval_on_selector("audio", "a => a.src.startsWith('blob:')")
            assert page.eval_on_selector(".al-spectro-img", "i => i.complete && i.naturalWidth") > 0
            assert not page.is_visible(".al-media-error")
    assert page.errors == []


def test_a_fix_made_while_offline_replaces_the_unsent_label(browser, serve):
    server = serve("tabular")
    page = open_app(browser, server.url)
    earlier = current_id(page)
    press_and_wait_change(page, "2")      # a decision from before the page was reloaded
    wait_all_saved(page)
    page.reload()
    wait_ready(page)
    page.context.set_offline(True)
    first = current_id(page)
    second = press_and_wait_change(page, "1")
    page.keyboard.press("Backspace")
    page.wait_for_function("(id) => document.querySelector('.al-stage').dataset.itemId === id", arg=first)
    status = page.inner_text(".al-item-status")
    assert "not sent yet" in status or "sending" in status
    page.keyboard.press("3")                       # fix the slip before it ever left
    page.wait_for_function("(id) => document.querySelector('.al-stage').dataset.itemId === id", arg=second)
    press_and_wait_change(page, "2")
    page.context.set_offline(False)
    wait_all_saved(page, timeout=30000)
    rows = server.decision_rows()
    assert [(r["item_id"], r["label"]) for r in rows] == [
        (earlier, '"versicolor"'), (first, '"virginica"'), (second, '"versicolor"')]
    # The history is whole: back across the reload to the first item, and no further.
    for item in (second, first, earlier):
        page.keyboard.press("Backspace")
        page.wait_for_function("(id) => document.querySelector('.al-stage').dataset.itemId === id", arg=item)
    page.keyboard.press("Backspace")
    page.wait_for_selector(".al-notice[data-notice=flash]:has-text('first item you decided')")
    assert page.query_selector(".al-notice[data-notice=history]") is None


def test_an_unreadable_image_is_explained_and_can_be_skipped(browser, serve, tmp_path):
    from PIL import Image

    folder = tmp_path / "pictures"
    folder.mkdir()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(folder / "good.png")
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not an image")
    server = serve("image", data=folder)
    page = open_app(browser, server.url)
    decided = {}
    for _ in range(2):
        item = current_id(page)
        if item.endswith("broken.png"):
            page.wait_for_selector(".al-media-error")
            assert "Skip it (S)" in page.inner_text(".al-stage")
            page.keyboard.press("s")
            decided[item] = "skipped"
        else:
            page.wait_for_selector(".al-image-img")
            page.keyboard.press("1")
            decided[item] = "labeled"
        page.wait_for_function("(id) => document.querySelector('.al-stage').dataset.itemId !== id", arg=item)
    wait_all_saved(page)
    assert {e["id"]: e["status"] for e in server.history()} == decided
    assert sorted(decided.values()) == ["labeled", "skipped"]
    assert "Nothing left to label" in page.inner_text(".al-stage")


def test_a_second_tab_leaves_the_first_tabs_items_alone(browser, serve):
    server = serve("tabular")
    first = open_app(browser, server.url)

    def held_by_page():
        query = ("SELECT item_id, page FROM reservations"
                 " WHERE annotator = 'tester' AND expires > strftime('%s', 'now')")
        pages = {}
        for row in server.rows(query):
            pages.setdefault(row["page"], set()).add(row["item_id"])
        return pages
    (first_page, first_items), = held_by_page().items()
    assert current_id(first) in first_items and first_page

    second = first.context.new_page()  # a second tab of the same browser: same annotator
    second.errors = []
    second.on("pageerror", lambda error: second.errors.append(str(error)))
    second.goto(server.url)
    wait_ready(second)
    pages = held_by_page()
    assert pages[first_page] >= first_items  # still held for the first tab
    assert current_id(second) not in first_items and len(pages) == 2
    # The first tab goes on with its own items.
    shown = current_id(first)
    press_and_wait_change(first, "1")
    wait_all_saved(first)
    assert {e["id"] for e in server.history()} == {shown}
    assert not first.errors and not second.errors


def test_closing_the_page_gives_its_items_back(browser, serve):
    import time

    server = serve("tabular")
    page = open_app(browser, server.url)
    press_and_wait_change(page, "1")
    wait_all_saved(page)

    def held():
        query = ("SELECT item_id FROM reservations"
                 " WHERE annotator = 'tester' AND expires > strftime('%s', 'now')")
        return {r["item_id"] for r in server.rows(query)}
    before = held()
    assert current_id(page) in before and len(before) >= 5
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 5
    while held() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert held() == set()
