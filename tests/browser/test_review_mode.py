"""Review mode in Chromium: a reviewer settles 10 disagreements by keyboard (with a comment, and a
step back to change one), sees every annotator's label and the team's figures; an annotator
asking for review mode is refused."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pytest
from labeling_ui_support import VIEWPORT

pytestmark = pytest.mark.browser
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "local"))
from local_helpers import Api, running  # noqa: E402

from active_labeling.local.app import LocalSetup  # noqa: E402


def _reviews(workspace):
    db = sqlite3.connect(f"file:{workspace / 'workspace.sqlite'}?mode=ro", uri=True)
    try:
        return db.execute("SELECT item_id, annotator, label, comment FROM decisions "
                          "WHERE status = 'reviewed' ORDER BY label_id").fetchall()
    finally:
        db.close()


def test_a_reviewer_settles_ten_disagreements_by_keyboard(browser, tmp_path):
    data = tmp_path / "pool.csv"
    pd.DataFrame({"text": [f"<b>row</b> {i}" for i in range(12)]}).to_csv(data, index=False)
    setup = LocalSetup(kind="tabular", data=data, categories=["cat", "dog"], workspace=tmp_path / "ws",
                       annotators=["ana", "ben"], reviewers=["rita"], annotators_per_item=2,
                       review_sample=0.0)
    with running(setup) as (local, port):
        tokens = local.team.tokens
        first, second = Api(port, tokens["ana"]), Api(port, tokens["ben"])
        items = [item["id"] for item in first.get("/api/batch?size=12")[1]["items"]]
        for number, item in enumerate(items):
            assert first.post("/api/label", {"id": item, "label": "cat"})[0] == 200
            # ben disagrees on the first ten and agrees on the last two
            label = "dog" if number < 10 else "cat"
            answer = second.post("/api/label", {"id": item, "label": label, "comment": "looks like a dog"})
            assert answer[0] == 200
        url = f"http://127.0.0.1:{port}"
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{url}/?token={tokens['rita']}&mode=review")
        page.wait_for_selector("[data-role=review-label]")
        labels = page.locator("[data-role=review-label]").all_inner_texts()
        assert labels == ["ana: cat", "ben: dog (looks like a dog)"]
        assert "<b>row</b>" in page.locator("[data-role=review-item]").inner_text()  # shown as text
        assert "10 disagreement(s) waiting" in page.locator("[data-role=review-progress]").inner_text()

        settled = []
        for number in range(10):
            shown = page.locator("[data-role=review-item]").get_attribute("data-item-id")
            if number == 0:  # a comment first: C, type, Esc, then the key
                page.keyboard.press("c")
                page.keyboard.type("ben is right")
                page.keyboard.press("Escape")
            page.keyboard.press("2" if number % 2 == 0 else "1")
            settled.append(shown)
            if number < 9:
                page.wait_for_function(
                    "id => document.querySelector('[data-role=review-item]').dataset.itemId !== id",
                    arg=shown)
        page.wait_for_selector("[data-role=review-done]")
        reviews = _reviews(tmp_path / "ws")
        assert [r[0] for r in reviews] == settled and len(set(settled)) == 10
        assert {r[1] for r in reviews} == {"rita"}
        assert [r[2] for r in reviews] == ['"dog"' if n % 2 == 0 else '"cat"' for n in range(10)]
        assert reviews[0][3] == "ben is right"

        # Step back to the last review and change it; the annotators' labels stay as they were.
        page.keyboard.press("ArrowLeft")
        page.wait_for_selector(f"[data-role=review-item][data-item-id='{settled[-1]}']")
        page.keyboard.press("2")
        page.wait_for_function(
            "n => document.querySelector('[data-role=review-progress]') && "
            "!document.querySelector('[data-role=review-progress]').innerText.startsWith('Your earlier')",
            arg=0)
        assert _reviews(tmp_path / "ws")[-1][:3] == (settled[-1], "rita", '"dog"')
        assert local.service.desk.team.final(settled[-1]).label == "dog"
        assert len(local.service.desk.team.labels_of(settled[-1])) == 2
        team = page.locator("[data-role=team-figures]").inner_text()
        assert "10 reviewed" in team and "2 agreed" in team and "Krippendorff's alpha" in team
        assert errors == []

        # An annotator asking for review mode is refused, and the page says so.
        other = context.browser.new_context(viewport=VIEWPORT)
        refused = other.new_page()
        refused.goto(f"{url}/?token={tokens['ana']}&mode=review")
        refused.wait_for_function(
            "document.querySelector('[data-role=review-notice]')?.innerText.includes('not a reviewer')")
        assert refused.locator("[data-role=review-label]").count() == 0
        # On the labeling page the annotator sees the team's figures and their own agreement.
        refused.goto(f"{url}/")
        refused.wait_for_selector("[data-role=team-line]")
        line = refused.locator("[data-role=team-line]").inner_text()
        assert "Team (2 per item): Krippendorff's alpha" in line
        assert "final labels 2 agreed, 0 majority, 10 reviewed, 0 pending" in line
        assert "you agree 0.17 with the others" in line  # 2 of 12 items alike
        assert refused.locator("[data-role=review-link]").count() == 0  # not offered to annotators
        assert Api(port, tokens["ana"]).get("/api/review/batch")[0] == 403
        other.close()
        context.close()
