"""The stopping verdict of the last retrain round, as the annotator sees it (real local server)."""

from __future__ import annotations

import pytest
from labeling_ui_support import open_app

from active_labeling.local.rounds import RoundLog

pytestmark = pytest.mark.browser


def _criteria(agreement, contradiction, met):
    return [{"name": "agreement", "value": agreement, "threshold": 0.99, "required": True, "met": met,
             "detail": ""},
            {"name": "contradiction", "value": contradiction, "threshold": 0.1, "required": True, "met": met,
             "detail": ""},
            {"name": "uncertainty", "value": None, "threshold": None, "required": False, "met": None,
             "detail": ""}]


def _round(number, stable, sentence, agreement, contradiction):
    return {"round": number, "status": "ok", "finished": "2026-11-22T10:00:00.000Z", "labels": 40,
            "stopping": {"stable": stable, "sentence": sentence, "retrains": number,
                         "criteria": _criteria(agreement, contradiction, stable)}}


def test_the_banner_says_stable_with_the_figures_and_a_quiet_line_says_otherwise(browser, serve):
    server = serve("tabular")
    log = RoundLog(server.workspace)
    keep = "Keep labeling: 31% of the last 40 labels contradicted the model."
    log.append(_round(1, False, keep, 0.8, 0.31))
    page = open_app(browser, server.url)
    line = page.locator(".al-stopping-quiet")
    line.wait_for(state="visible")
    assert "Keep labeling: 31% of the last 40 labels" in line.inner_text()
    assert page.locator(".al-stopping-stable").is_hidden()

    sentence = ("The model looks stable: successive models agree with a Cohen's kappa of 0.996 over the "
                "last 3 retrains; 2% of the last 60 labels contradicted the model <b>markup stays text</b>.")
    log.append(_round(4, True, sentence, 0.996, 0.02))
    page = open_app(browser, server.url)
    banner = page.locator(".al-stopping-stable")
    banner.wait_for(state="visible")
    assert page.locator(".al-stopping-sentence").first.inner_text() == sentence  # escaped, not parsed
    assert banner.locator("b").count() == 0
    figures = {li.get_attribute("data-figure"): li.inner_text()
               for li in banner.locator(".al-stopping-figures li").all()}
    assert set(figures) == {"agreement", "contradiction"}  # no figure without a value
    assert "Cohen's kappa" in figures["agreement"] and "0.996" in figures["agreement"]
    assert figures["contradiction"].endswith("2%")
    assert page.locator(".al-stopping-quiet").is_hidden()
    assert page.errors == []
