"""The DSS loop through the stand-in: the real Query Sampler recipe starts each generation, the real
trigger counts the labelings made in it."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

COLUMNS = ["item_id", "annotator", "date", "status", "label", "comment", "session", "label_id"]
CONFIG = {"n": 3, "metadata_dataset": "metadata", "queries_dataset": "queries"}


def label(dss, count, start):
    """``count`` labelings dated now, appended like the webapp does."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    rows = [{"item_id": f"i{start + k}", "annotator": "alice", "date": now, "status": "labeled",
             "label": "a", "comment": "", "session": "s", "label_id": start + k} for k in range(count)]
    dataset = dss.dataset("metadata")
    dataset.spec_item["appendMode"] = True
    with dataset.get_writer() as writer:
        writer.write_dataframe(pd.DataFrame(rows, columns=COLUMNS))
    return start + count


def sample(dss):
    """The scenario's second step: the Query Sampler recipe rebuilds the queries."""
    dss.run_recipe("query-sampler", inputs={"model": ["clf"], "unlabeled": ["pool"]},
                   outputs={"queries": ["queries"]}, config={"n_queries": 5}).check()
    time.sleep(0.01)  # labelings dated after the generation's date


def test_the_trigger_follows_the_query_samplers_generations(dss):
    rng = np.random.default_rng(0)
    pool = pd.DataFrame({"x1": rng.normal(size=40), "x2": rng.normal(size=40)})
    dss.create_dataset("pool", pool)
    model = LogisticRegression().fit(pool, np.where(pool["x1"] > 0, "a", "b"))
    dss.create_saved_model("clf", model, ["x1", "x2"])
    dss.create_dataset("metadata", schema=[{"name": c, "type": "bigint" if c == "label_id" else "string"}
                                           for c in COLUMNS])
    label_id = label(dss, 5, 1)  # labeled before any queries: generation 0 holds them
    sample(dss)
    assert not dss.run_trigger("every-n-labelings", CONFIG).check().fired  # nothing in generation 1 yet
    label_id = label(dss, 2, label_id)
    assert not dss.run_trigger("every-n-labelings", CONFIG).check().fired
    label_id = label(dss, 1, label_id)
    run = dss.run_trigger("every-n-labelings", CONFIG).check()
    assert run.fired and run.params["generation"] == 1 and run.params["labelings_in_generation"] == 3

    sample(dss)  # the scenario ran: generation 2, nothing labeled in it yet
    assert not dss.run_trigger("every-n-labelings", CONFIG).check().fired
    label_id = label(dss, 3, label_id)
    run = dss.run_trigger("every-n-labelings", CONFIG).check()
    assert run.fired and run.params["generation"] == 2 and run.params["labelings_total"] == 11
    assert not dss.run_trigger("every-n-labelings", CONFIG).check().fired
