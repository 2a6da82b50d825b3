"""Browser sessions with the model's suggestions: accepted with Enter, overridden by a category key,
recorded with their agreement; hidden entirely when asked; a new round of queries followed at once."""

from __future__ import annotations

import json
import time

import pandas as pd
from labeling_ui_support import current_id, open_app, press_and_wait_change, wait_all_saved
from test_labeling_session import SCREENSHOTS  # build/screenshots, or `make screenshots`' folder

CATEGORIES = ["cat", "dog", "bird"]
SHOWN_NAME = "window.__labelingApp.current.item ? window.__labelingApp.current.item.data.name : null"


def write_pool(folder, n=40):
    pool = pd.DataFrame({"name": [f"row-{i}" for i in range(n)], "x": [round(i * 0.37, 2) for i in range(n)]})
    path = folder / "pool.csv"
    pool.to_csv(path, index=False)
    return pool, path


def write_queries(path, pool, rows):
    """Queries as the Query Sampler writes them: the rows, then score, rank, strategy, the model's guess."""
    records = []
    for rank, (i, guess, table, strategy) in enumerate(rows, 1):
        records.append({**pool.iloc[i].to_dict(), "score": round(1 - rank / 100, 4), "rank": rank,
                        "strategy": strategy, "model_version": "v1", "prediction": guess,
                        "probabilities": json.dumps(table)})
    pd.DataFrame(records).to_csv(path, index=False)


GUESSES = [
    (3, "dog", {"dog": 0.48, "cat": 0.41, "bird": 0.11}, "balanced"),
    (7, "bird", {"bird": 0.97, "cat": 0.02, "dog": 0.01}, "balanced:explore"),
    (11, "cat", {"cat": 0.55, "dog": 0.45}, "balanced"),
]


def decisions_with_suggestions(server):
    return server.rows("SELECT d.label_id, d.status, d.label, s.suggestion, s.agreed FROM decisions d "
                       "LEFT JOIN suggestions s ON s.label_id = d.label_id ORDER BY d.label_id")


def test_a_suggestion_accepted_with_enter_or_overridden_is_recorded_with_agreement(browser, serve, tmp_path):
    pool, data = write_pool(tmp_path)
    queries = tmp_path / "queries.csv"
    write_queries(queries, pool, GUESSES)
    server = serve("tabular", data=data, categories=CATEGORIES, extra=["--queries", str(queries)])
    page = open_app(browser, server.url)

    assert page.evaluate(SHOWN_NAME) == "row-3"
    hint = page.locator(".al-al-hint")
    assert hint.inner_text() == "The model hesitates between dog (48%) and cat (41%)"
    assert hint.get_attribute("title") == "Rank 1 of the queries, score 0.9900"  # the raw score stays
    dog = page.locator(".al-category[data-category='dog']")
    assert dog.get_attribute("data-suggested") == "true" and dog.get_attribute("aria-pressed") == "true"
    assert "suggested" in page.evaluate(
        "getComputedStyle(document.querySelector(\".al-category[data-category='dog'] .al-category-name\"),"
        " '::after').content")
    assert page.locator(".al-category[data-suggested]").count() == 1
    assert page.inner_text(".al-confirm") == "Accept suggestion (Enter)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "webapp-ui-suggestion.png"))

    page.keyboard.press("?")
    assert "Accept the model's suggestion" in page.inner_text(".al-help")
    page.keyboard.press("Escape")

    press_and_wait_change(page, "Enter")   # accepted: labeled dog
    assert page.evaluate(SHOWN_NAME) == "row-7"
    assert page.inner_text(".al-al-hint") == "The model is sure: bird (97%); shown to check it"
    press_and_wait_change(page, "1")       # overridden: cat, not the suggested bird
    assert page.evaluate(SHOWN_NAME) == "row-11"
    press_and_wait_change(page, "s")       # a skip records the suggestion shown, agreeing with nothing
    # Past the queries: the random order, said so; no suggestion, Enter accepts nothing.
    assert page.inner_text(".al-al-hint") == "Random order: not among the model's queries"
    assert page.locator(".al-category[data-suggested]").count() == 0
    shown = current_id(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-notice=flash]")
    assert current_id(page) == shown
    wait_all_saved(page)

    rows = decisions_with_suggestions(server)
    assert [(r["status"], json.loads(r["label"]) if r["label"] else None, r["suggestion"], r["agreed"])
            for r in rows] == [("labeled", "dog", '"dog"', 1), ("labeled", "cat", '"bird"', 0),
                               ("skipped", None, '"cat"', None)]
    page.wait_for_selector(".al-model-agreement")
    assert page.inner_text(".al-model-agreement") == (
        "This round, annotators agreed with the model on 1 of 2 items (50%)")
    assert page.errors == []


def test_hidden_suggestions_leave_nothing_of_the_models_guess_in_the_page(browser, serve, tmp_path):
    pool, data = write_pool(tmp_path)
    queries = tmp_path / "queries.csv"
    write_queries(queries, pool, GUESSES)
    server = serve("tabular", data=data, categories=CATEGORIES,
                   extra=["--queries", str(queries), "--hide-suggestions"])
    answers = []
    context = browser.new_context()
    page = context.new_page()
    page.on("response", lambda r: answers.append(r.text()) if "/api/" in r.url else None)
    page.goto(server.url)
    page.wait_for_selector(".al-app[data-ready=true]")
    page.wait_for_function("document.querySelector('.al-stage').dataset.itemId")
    assert page.inner_text(".al-al-hint") == "The model is unsure about this item"
    assert page.locator(".al-category[data-suggested]").count() == 0
    assert page.locator(".al-category[aria-pressed=true]").count() == 0
    assert page.locator(".al-confirm").is_hidden()
    shown = current_id(page)
    page.keyboard.press("Enter")   # accepts nothing: no suggestion was offered
    page.wait_for_timeout(300)
    assert current_id(page) == shown
    press_and_wait_change(page, "2")
    assert page.inner_text(".al-al-hint") == "Picked at random, to check the model"
    wait_all_saved(page)
    # Neither the page nor anything it received names the model's guesses or their probabilities.
    received = " ".join(answers) + page.content()
    assert "48%" not in received and "97%" not in received and '"suggestion": "' not in received
    assert not [r for r in decisions_with_suggestions(server) if r["suggestion"] is not None]
    context.close()


def test_after_a_new_round_of_queries_the_next_item_shown_belongs_to_it(browser, serve, tmp_path):
    pool, data = write_pool(tmp_path)
    queries = tmp_path / "queries.csv"
    first_round = [(i, "cat", {"cat": 0.6, "dog": 0.4}, "margin") for i in range(12)]
    write_queries(queries, pool, first_round)
    # A short lease: the page's heartbeat (a third of it) hears of the new round within a second.
    server = serve("tabular", data=data, categories=CATEGORIES, extra=["--queries", str(queries),
                                                                        "--lease-seconds", "3"])
    page = open_app(browser, server.url)
    assert page.evaluate(SHOWN_NAME) == "row-0"
    press_and_wait_change(page, "1")
    wait_all_saved(page)
    page.wait_for_function("window.__labelingApp.prefetch.items.length >= 6")  # the old order, loaded ahead
    loaded = page.evaluate("window.__labelingApp.prefetch.items.map((i) => i.data.name)")
    assert set(loaded) <= {f"row-{i}" for i in range(12)}

    second_round = [(i, "dog", {"dog": 0.51, "bird": 0.49}, "margin") for i in (30, 31, 32, 33)]
    time.sleep(0.05)  # a new modification time for the file
    write_queries(queries, pool, second_round)
    page.wait_for_function("window.__labelingApp.prefetch.generation === 2", timeout=15000)
    press_and_wait_change(page, "1")   # labels the item on screen (shown before the new round)
    assert page.evaluate(SHOWN_NAME) == "row-30"
    assert page.inner_text(".al-al-hint") == "The model hesitates between dog (51%) and bird (49%)"
    press_and_wait_change(page, "Enter")
    assert page.evaluate(SHOWN_NAME) == "row-31"
    wait_all_saved(page)
    # The items dropped from the old order were given back: none is still held by this page.
    held = server.rows("SELECT item_id FROM reservations")
    assert len(held) <= 10
    assert page.errors == []
