"""An empty pool on the page: it says the pool is empty and why, not that others hold the items."""

from __future__ import annotations

import pytest
from labeling_ui_support import VIEWPORT

pytestmark = pytest.mark.browser


def test_the_page_says_why_the_pool_is_empty(browser, serve, tmp_path):
    folder = tmp_path / "recordings"
    folder.mkdir()
    for name in ("one.wav", "two.wav", "readme.txt"):
        (folder / name).write_bytes(b"RIFF not read")
    server = serve("image", data=folder)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url)
    page.wait_for_selector(".al-empty-pool", timeout=15000)
    shown = page.inner_text(".al-stage")
    assert "The pool is empty: there is nothing to label." in shown
    assert "No image files in" in shown and "3 files ignored (2 .wav, 1 .txt)" in shown
    assert "2 of them are sounds: serve with --kind sound" in shown
    assert "someone else" not in shown and "Nothing left to label" not in shown
    assert errors == []
    context.close()
