"""The rounds, as a picture in the side panel, and the stopping verdict in plain words, from the rounds
a real StoppingMonitor recorded (as the local retrain loop writes them); this round's live agreement
with the model as the last point once the annotator takes a suggestion."""

from __future__ import annotations

import numpy as np
import pytest
from labeling_ui_support import open_app, press_and_wait_change, wait_all_saved
from test_labeling_session import SCREENSHOTS  # build/screenshots, or `make screenshots`' folder
from test_suggestions_session import CATEGORIES, GUESSES, write_pool, write_queries

from active_labeling.analysis.stopping import StoppingMonitor, StoppingThresholds
from active_labeling.local.rounds import RoundLog

pytestmark = pytest.mark.browser


def record_rounds(workspace):
    """Three retrains: the model changes less and less, annotators correct it less and less."""
    rng = np.random.default_rng(0)
    classes = np.array(CATEGORIES)
    predictions = classes[rng.integers(0, 3, 200)]
    monitor = StoppingMonitor(StoppingThresholds(window=3))
    log = RoundLog(workspace)
    for number, (changed, wrong) in enumerate([(0.0, 0), (0.2, 6), (0.05, 2)], 1):
        flip = rng.random(len(predictions)) < changed
        predictions = np.where(flip, classes[(rng.integers(1, 3, len(predictions)))], predictions)
        new = None if number == 1 else ["cat"] * 20
        before = None if number == 1 else ["dog"] * wrong + ["cat"] * (20 - wrong)
        report = monitor.update(list(predictions), new, before, labels_total=20 * number)
        log.append({"round": number, "status": "ok", "finished": "2026-12-06T10:00:00.000Z",
                    "labels": 20 * number, "stopping": report.to_dict()})
    return report


def test_the_rounds_drawn_with_the_verdict_in_plain_words_and_the_live_point(browser, serve, tmp_path):
    pool, data = write_pool(tmp_path)
    queries = tmp_path / "queries.csv"
    write_queries(queries, pool, GUESSES)
    server = serve("tabular", data=data, categories=CATEGORIES, extra=["--queries", str(queries)])
    report = record_rounds(server.workspace)
    page = open_app(browser, server.url)

    rounds = page.locator(".al-rounds")
    rounds.wait_for(state="visible")
    verdict = page.locator(".al-stopping-quiet .al-stopping-sentence")
    assert verdict.inner_text() == report.plain
    assert verdict.inner_text().startswith("Keep labeling: the model has been retrained 3 time(s)")
    assert "kappa" not in verdict.inner_text()
    chart = rounds.locator("svg.al-rounds-chart")
    assert chart.locator("circle.al-rounds-same").count() == 2   # the first round has no previous version
    assert chart.locator("circle.al-rounds-agreed").count() == 2  # nor labels to check it against
    assert [t.text_content() for t in chart.locator("text.al-rounds-labels").all()] == ["20", "40", "60"]
    same = report.history[-1]["same"]
    assert chart.get_attribute("aria-label") == (
        f"3 round(s) of the model. Last round 3: 60 labels, {round(100 * same)}% same predictions as the "
        "previous version, annotators agreed with it on 90% of 20 new labels")
    # Higher on the chart for a higher share: round 3's agreement (90%) above round 2's (70%).
    ys = [float(c.get_attribute("cy")) for c in chart.locator("circle.al-rounds-agreed").all()]
    assert ys[1] < ys[0]
    assert chart.locator(".al-rounds-live").count() == 0

    press_and_wait_change(page, "Enter")   # the model's guess taken: this round's first check
    wait_all_saved(page)
    page.wait_for_selector(".al-rounds-live")
    live = chart.locator(".al-rounds-live")
    assert live.locator("title").text_content() == "This round so far: annotators agreed with the model, 100%"
    assert "This round so far: annotators agreed with the model on 100%" in chart.get_attribute("aria-label")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    rounds.screenshot(path=str(SCREENSHOTS / "rounds-panel.png"))
    assert page.errors == []
