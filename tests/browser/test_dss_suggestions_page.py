"""The DSS webapp's real backend (through the stand-in, on a real socket, one request at a time as
DSS serves it) and the labeling page in Chromium: the Query Sampler recipe's guesses from a saved
model are offered on the page, accepted with Enter, and recorded in the metadata dataset."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from labeling_ui_support import VIEWPORT, press_and_wait_change, wait_all_saved, wait_ready
from sklearn.linear_model import LogisticRegression

from active_labeling.local.frontend import register_frontend

pytestmark = pytest.mark.browser


def test_the_dss_webapp_page_offers_the_saved_models_guess(browser, dss):
    x = np.round(np.linspace(-3, 3, 60), 3)
    pool = pd.DataFrame({"x": x, "name": [f"row-{i}" for i in range(60)]})
    dss.create_dataset("pool", pool)
    model = LogisticRegression().fit(pool[["x"]], np.where(x > 0, "high", "low"))
    dss.create_saved_model("clf", model, ["x"], prediction_type="BINARY_CLASSIFICATION")
    dss.run_recipe("query-sampler", {"model": ["clf"], "unlabeled": ["pool"]}, {"queries": ["queries"]},
                   {"strategy": "margin", "n_queries": 8}).check()
    queries = dss.read_dataset("queries", infer_with_pandas=False)
    for name in ("labels", "meta"):
        dss.create_dataset(name)
    dss.add_user("alice")
    app = dss.load_webapp("tabular-labeling", {
        "input_dataset": "pool", "labels_dataset": "labels", "metadata_dataset": "meta",
        "queries_dataset": "queries", "categories": [{"from": "low"}, {"from": "high"}]})
    register_frontend(app, "tabular")  # the webapp's body.html and app.js, as DSS serves them
    with dss.serve(app) as url:
        context = browser.new_context(viewport=VIEWPORT)
        context.add_cookies([{**dss.auth_cookie("alice"), "url": url}])
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url + "/")
        wait_ready(page)
        first = queries.iloc[0]
        table = json.loads(first["probabilities"])
        top, second = list(table)[:2]
        assert page.evaluate("window.__labelingApp.current.item.data.name") == first["name"]
        assert page.inner_text(".al-al-hint") == (f"The model hesitates between {top} "
                                                  f"({round(100 * table[top])}%) and {second} "
                                                  f"({round(100 * table[second])}%)")
        suggested = page.locator(".al-category[data-suggested=true]")
        assert suggested.get_attribute("data-category") == first["prediction"]
        press_and_wait_change(page, "Enter")
        wait_all_saved(page)
        context.close()
    meta = dss.read_dataset("meta")
    assert meta[["label", "suggestion", "agreed"]].values.tolist() == [
        [first["prediction"], first["prediction"], "true"]]
    assert errors == []
