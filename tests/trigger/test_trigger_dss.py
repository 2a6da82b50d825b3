"""The real trigger.py, run as DSS runs it (a fresh script each time) against the DSS stand-in."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from active_labeling.generation import with_generation_bumped

TRIGGER = "every-n-labelings"
START = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
COLUMNS = ["item_id", "annotator", "date", "status", "label", "comment", "session", "label_id"]


class Labeling:
    """Appends decisions to the metadata dataset the way the webapp does, one small append each."""

    def __init__(self, dss):
        self.dss = dss
        self.count = 0
        dss.create_dataset("metadata", schema=[{"name": c, "type": "bigint" if c == "label_id" else "string"}
                                               for c in COLUMNS])

    def add(self, count, status="labeled", at=None):
        rows = []
        for _ in range(count):
            self.count += 1
            moment = at or (START + timedelta(seconds=self.count))
            rows.append({"item_id": f"i{self.count}", "annotator": "alice",
                         "date": moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", "status": status,
                         "label": "cat" if status == "labeled" else "", "comment": "", "session": "s",
                         "label_id": self.count})
        dataset = self.dss.dataset("metadata")
        dataset.spec_item["appendMode"] = True
        with dataset.get_writer() as writer:
            writer.write_dataframe(pd.DataFrame(rows, columns=COLUMNS))

    def new_generation(self):
        """What the Query Sampler does: bump the queries generation, dated after every labeling so far."""
        moment = START + timedelta(seconds=self.count + 0.5)
        variables, _ = with_generation_bumped(self.dss.get_variables(), "PROJ.queries", now=moment)
        self.dss.set_variables(variables)


CONFIG = {"n": 5, "metadata_dataset": "metadata", "queries_dataset": "queries"}


@pytest.fixture
def labeling(dss):
    return Labeling(dss)


def test_fires_at_n_not_before_and_not_twice_for_the_same_generation(dss, labeling):
    labeling.new_generation()  # generation 1, before any labeling
    labeling.add(4)
    labeling.add(3, status="skipped")
    run = dss.run_trigger(TRIGGER, CONFIG).check()
    assert not run.fired and "4 labeling(s) in generation 1" in run.stdout

    labeling.add(1)
    run = dss.run_trigger(TRIGGER, CONFIG).check()
    assert run.fired
    assert run.params == {"n": 5, "generation": 1, "labelings_total": 5, "labelings_in_generation": 5,
                          "labelings_since_last_fire": 5}

    # The scenario is running: labeling goes on, DSS re-runs the trigger every few seconds, and the
    # same generation never fires twice for the same labelings.
    for _ in range(3):
        labeling.add(1)
        assert not dss.run_trigger(TRIGGER, CONFIG).check().fired

    # The Query Sampler wrote generation 2. Labelings made during the run count for the next fire.
    labeling.new_generation()
    labeling.add(1)
    assert not dss.run_trigger(TRIGGER, CONFIG).check().fired
    labeling.add(1)
    run = dss.run_trigger(TRIGGER, CONFIG).check()
    assert run.fired and run.params["generation"] == 2
    assert run.params["labelings_in_generation"] == 2 and run.params["labelings_since_last_fire"] == 5
    assert not dss.run_trigger(TRIGGER, CONFIG).check().fired
    assert len(dss.trigger_fires()) == 2


def test_the_first_fire_counts_only_the_current_generation(dss, labeling):
    labeling.add(20)  # labeled before the current queries were written: they chose nothing of it
    labeling.new_generation()
    labeling.add(4)
    run = dss.run_trigger(TRIGGER, CONFIG).check()
    assert not run.fired and "4 labeling(s) in generation 1" in run.stdout
    labeling.add(1)
    run = dss.run_trigger(TRIGGER, CONFIG).check()
    assert run.fired and run.params["labelings_total"] == 25


def test_fires_again_after_n_more_labelings_when_no_new_generation_came(dss, labeling):
    labeling.add(5)  # never sampled: generation 0, every labeling belongs to it
    assert dss.run_trigger(TRIGGER, CONFIG).check().fired
    labeling.add(4)
    assert not dss.run_trigger(TRIGGER, CONFIG).check().fired
    labeling.add(1)  # the retrain failed: 5 more labelings since the fire start it again
    run = dss.run_trigger(TRIGGER, CONFIG).check()
    assert run.fired and run.params["labelings_since_last_fire"] == 5
    assert len(dss.trigger_fires()) == 2


def test_without_a_queries_dataset_counts_since_the_last_fire(dss, labeling):
    config = {"n": 3, "metadata_dataset": "metadata"}
    labeling.add(2)
    assert not dss.run_trigger(TRIGGER, config).check().fired
    labeling.add(1)
    first = dss.run_trigger(TRIGGER, config).check()
    assert first.fired and first.params["generation"] is None
    labeling.add(2)
    assert not dss.run_trigger(TRIGGER, config).check().fired
    labeling.add(1)
    assert dss.run_trigger(TRIGGER, config).check().params["labelings_since_last_fire"] == 3


def test_default_n_is_100(dss, labeling):
    labeling.add(99)
    assert not dss.run_trigger(TRIGGER, {"metadata_dataset": "metadata"}).check().fired
    labeling.add(1)
    assert dss.run_trigger(TRIGGER, {"metadata_dataset": "metadata"}).check().fired


def test_missing_metadata_dataset_is_a_clear_error_and_never_fires(dss):
    run = dss.run_trigger(TRIGGER, {"n": 1, "metadata_dataset": "nope"})
    assert run.returncode != 0 and not run.fired
    assert "cannot open the metadata dataset 'PROJ.nope'" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_dataset_that_is_not_a_metadata_dataset_is_refused(dss):
    dss.create_dataset("labels", pd.DataFrame({"item_id": ["a"], "label": ["cat"]}))
    run = dss.run_trigger(TRIGGER, {"n": 1, "metadata_dataset": "labels"})
    assert run.returncode != 0 and not run.fired
    assert "no column status, date" in run.stderr


def test_an_empty_metadata_dataset_says_so_and_does_not_fire(dss):
    dss.create_dataset("metadata")
    run = dss.run_trigger(TRIGGER, {"n": 1, "metadata_dataset": "metadata"}).check()
    assert not run.fired and "holds no decision yet" in run.stdout


def test_a_bad_setting_names_the_parameter(dss, labeling):
    run = dss.run_trigger(TRIGGER, {"n": 0, "metadata_dataset": "metadata"})
    assert run.returncode != 0 and not run.fired
    assert "'Number of labelings' (n)" in run.stderr


def test_a_date_typed_metadata_column_counts_the_same(dss):
    moments = [START + timedelta(minutes=m) for m in (1, 2, 3, 4)]
    frame = pd.DataFrame({"item_id": list("abcd"), "annotator": "alice", "date": pd.to_datetime(moments),
                          "status": ["labeled", "labeled", "skipped", "labeled"]})
    dss.create_dataset("metadata", frame)
    assert dss.dataset_schema("metadata")[2] == {"name": "date", "type": "date"}
    variables, _ = with_generation_bumped(dss.get_variables(), "PROJ.queries",
                                          now=START + timedelta(minutes=1, seconds=30))
    dss.set_variables(variables)
    config = {"n": 2, "metadata_dataset": "metadata", "queries_dataset": "queries"}
    run = dss.run_trigger(TRIGGER, config).check()
    assert run.fired and run.params["labelings_in_generation"] == 2 and run.params["labelings_total"] == 3
