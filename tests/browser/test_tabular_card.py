"""The tabular card: long text behind "more", numbers aligned, empty values visible, everything
escaped; and the active-learning hint when the service serves queries."""

from __future__ import annotations

import pandas as pd
import pytest
from labeling_ui_support import current_id, open_app

pytestmark = pytest.mark.browser

MARKUP = '<img src="x" onerror="window.__injected = 1">'
LONG = "The stem was bent by the wind and the petals were measured twice. " * 8


def test_card_shows_values_as_text_aligned_and_escaped(browser, serve, tmp_path):
    rows = pd.DataFrame({
        "text": [MARKUP + " " + LONG, "short one", "another"],
        "length": [12.5, 3.0, 1234.75],
        "note": [None, "x", "y"],
    })
    data = tmp_path / "pool.csv"
    rows.to_csv(data, index=False)
    queries = tmp_path / "queries.csv"
    rows.assign(score=[0.97, 0.5, 0.2]).to_csv(queries, index=False)
    server = serve("tabular", data=data, categories=["<b>bold</b>", "plain"],
                   extra=["--queries", str(queries)])
    page = open_app(browser, server.url)

    # The most useful query comes first (the row with markup), said so in words; its rank and raw
    # score in the tooltip (these queries have no model's guess to tell).
    assert page.inner_text(".al-al-hint") == "Chosen by the model: one of the items it is least sure of"
    assert page.get_attribute(".al-al-hint", "title") == "Rank 1 of the queries, score 0.9700"
    assert current_id(page)

    card = page.locator(".al-card")
    # Markup in the data and in a category name is shown as text, never run.
    assert card.locator("img").count() == 0
    assert MARKUP in card.inner_text()
    assert page.evaluate("window.__injected") is None
    assert page.inner_text(".al-category[data-category='<b>bold</b>'] .al-category-name") == "<b>bold</b>"

    # Long text is clamped behind "more".
    text_cell = card.locator("tr", has_text="text").locator(".al-text")
    clamped = text_cell.bounding_box()["height"]
    page.click(".al-more")
    assert page.get_attribute(".al-more", "aria-expanded") == "true"
    assert page.inner_text(".al-more") == "less"
    assert text_cell.bounding_box()["height"] > clamped * 1.5

    # Numbers right-aligned; an empty value is visible as such.
    number = card.locator(".al-number")
    assert number.inner_text() == "12.5"
    assert number.evaluate("e => getComputedStyle(e).textAlign") == "right"
    assert card.locator("tr", has_text="note").locator(".al-empty").inner_text() == "empty"
