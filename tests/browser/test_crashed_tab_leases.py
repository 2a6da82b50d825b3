"""A tab that dies without giving its items back (a crash) loses them within its lease, and the
annotator's next tab gets them; until then that tab says how many items are held and when the
first may come free. The lease is 3 s here instead of the default minute."""

from __future__ import annotations

import contextlib
import re
import time

import pytest
from labeling_ui_support import VIEWPORT, current_id, open_app
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser

LEASE = 3


def _rows(folder, count):
    path = folder / "few.csv"
    path.write_text("text\n" + "".join(f"sentence number {i}\n" for i in range(count)))
    return path


def _held_ids(server, page_id):
    return {r["item_id"] for r in server.rows(f"SELECT item_id FROM reservations WHERE page = '{page_id}'")}


def test_a_crashed_tabs_items_go_to_the_next_tab_within_the_lease(browser, serve, tmp_path):
    server = serve("tabular", data=_rows(tmp_path, 4), categories=["yes", "no"],
                   extra=["--lease-seconds", str(LEASE), "--verbose"])
    first = open_app(browser, server.url)
    first_page = first.evaluate("sessionStorage.getItem('active-labeling.page')")
    assert len(_held_ids(server, first_page)) == 4       # all the pool, loaded ahead

    # A second tab of the same annotator, well past one lease: the open first tab kept its items.
    first.wait_for_timeout(2 * LEASE * 1000)
    second = browser.new_context(viewport=VIEWPORT).new_page()
    second.goto(server.url)
    second.wait_for_selector(".al-app[data-ready=true]", timeout=15000)
    second.wait_for_selector(".al-done-held", timeout=15000)
    text = second.inner_text(".al-stage")
    assert "Nothing left to label for now." in text
    assert "4 items are still reserved by another tab or window of yours" in text
    when = re.search(r"the first could be free (in (\d+) s|any moment now)", text)
    assert when and (when.group(2) is None or int(when.group(2)) <= LEASE), text
    assert "checks again by itself" in text
    # The second tab looks again as the first item may come free; the live first tab renews them.
    second.wait_for_timeout(2 * LEASE * 1000)
    assert current_id(second) == "" and len(_held_ids(server, first_page)) == 4

    # The first tab's renderer crashes: no pagehide, no release, no more heartbeats.
    shown_first = current_id(first)
    releases = server.log.read_text().count("POST /api/release")
    with contextlib.suppress(PlaywrightError):   # the renderer is gone: the navigation never ends
        first.goto("chrome://crash", timeout=3000)
    crashed = time.monotonic()
    second.wait_for_function("document.querySelector('.al-stage').dataset.itemId", timeout=20000)
    waited = time.monotonic() - crashed
    assert server.log.read_text().count("POST /api/release") == releases   # nothing was given back
    assert waited < 4 * LEASE, f"the crashed tab's items came free after {waited:.1f} s"
    # The second tab holds them now, the one the first tab showed among them.
    second_page = second.evaluate("sessionStorage.getItem('active-labeling.page')")
    assert shown_first in _held_ids(server, second_page)
    assert current_id(second) in _held_ids(server, second_page)
    first.context.close()
    second.context.close()
