"""The counting rules of the "every n labelings" trigger, on synthetic metadata tables."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from active_labeling.triggering import Counts, FireState, count_labelings, decide

START = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def iso(minutes: float) -> str:
    moment = START + timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def metadata(rows):
    """rows: (status, minutes after START)."""
    return pd.DataFrame({"status": [s for s, _ in rows], "date": [iso(m) for _, m in rows]})


def run(table, n, generation, since, state):
    counts = count_labelings(table["status"], table["date"], since)
    return decide(counts, n, generation, FireState.from_json(state))


def test_skips_do_not_count_and_only_rows_after_the_generation_date_belong_to_it():
    table = metadata([("labeled", 1), ("skipped", 2), ("labeled", 3), ("labeled", 5), ("skipped", 6)])
    counts = count_labelings(table["status"], table["date"], iso(3))
    assert counts == Counts(total=3, in_generation=2)  # the row dated exactly at the date belongs to it


def test_parsed_dates_and_mixed_iso_spellings_count_the_same():
    texts = ["2026-11-22T10:00:00Z", "2026-11-22T10:05:00.250Z", "2026-11-22T11:00:00+00:00"]
    status = pd.Series(["labeled"] * 3)
    as_text = count_labelings(status, pd.Series(texts), "2026-11-22T10:01:00.000Z")
    moments = pd.Series([pd.Timestamp(text).tz_convert("UTC") for text in texts])
    parsed = count_labelings(status, moments, "2026-11-22T10:01:00Z")
    naive = count_labelings(status, moments.dt.tz_localize(None), "2026-11-22T10:01:00Z")
    assert as_text.in_generation == parsed.in_generation == naive.in_generation == 2


def test_fires_at_n_in_the_generation_not_before():
    rows = [("labeled", -10)] * 50 + [("labeled", 1)] * 4  # 50 from the previous generation
    assert not run(metadata(rows), 5, 2, iso(0), None).fire
    decision = run(metadata(rows + [("skipped", 2)]), 5, 2, iso(0), None)
    assert not decision.fire and decision.state is None
    decision = run(metadata(rows + [("labeled", 2)]), 5, 2, iso(0), None)
    assert decision.fire
    assert decision.params["labelings_in_generation"] == 5
    assert decision.params["labelings_total"] == 55
    assert decision.params["generation"] == 2


def test_not_twice_for_the_same_generation_but_again_after_n_more():
    rows = [("labeled", 1)] * 5
    state = run(metadata(rows), 5, 1, iso(0), None).state
    # While the scenario runs, more labelings arrive in the same generation: no second fire...
    assert not run(metadata(rows + [("labeled", 2)] * 4), 5, 1, iso(0), state).fire
    # ...until n more labelings were made since the fire (e.g. the retrain failed).
    again = run(metadata(rows + [("labeled", 2)] * 5), 5, 1, iso(0), state)
    assert again.fire and again.params["labelings_since_last_fire"] == 5


def test_a_new_generation_fires_once_it_holds_n_labelings():
    rows = [("labeled", 1)] * 5
    state = run(metadata(rows), 5, 1, iso(0), None).state
    # The sampler wrote generation 2 at minute 10; 3 labelings during the run came before it.
    rows += [("labeled", 5)] * 3 + [("labeled", 11)] * 1
    assert not run(metadata(rows), 5, 2, iso(10), state).fire
    rows += [("labeled", 12)] * 4
    decision = run(metadata(rows), 5, 2, iso(10), state)
    assert decision.fire and decision.params["labelings_in_generation"] == 5
    assert FireState.from_json(decision.state) == FireState(generation=2, total=13)
    assert not run(metadata(rows), 5, 2, iso(10), decision.state).fire


def test_without_queries_dataset_counts_since_the_last_fire():
    rows = [("labeled", 1)] * 3 + [("skipped", 1)] * 10
    assert not run(metadata(rows), 4, None, None, None).fire
    first = run(metadata(rows + [("labeled", 2)]), 4, None, None, None)
    assert first.fire and first.params["labelings_in_generation"] is None
    rows += [("labeled", 2)] + [("labeled", 3)] * 3
    assert not run(metadata(rows), 4, None, None, first.state).fire
    assert run(metadata(rows + [("labeled", 4)]), 4, None, None, first.state).fire


def test_unknown_generation_date_never_refires_right_after_a_fire():
    rows = [("labeled", 1)] * 6
    state = run(metadata(rows), 5, 1, None, None).state
    assert state is not None
    # Generation 2 appeared without a recorded date: only labelings since the fire count.
    assert not run(metadata(rows), 5, 2, None, state).fire
    assert run(metadata(rows + [("labeled", 2)] * 5), 5, 2, None, state).fire


def test_a_relabel_counts_as_a_labeling():
    # The same item labeled twice by the same annotator: the second row changes the training labels.
    table = pd.DataFrame({"status": ["labeled", "labeled"], "date": [iso(1), iso(2)],
                          "item_id": ["a", "a"], "annotator": ["ann", "ann"]})
    assert count_labelings(table["status"], table["date"], iso(0)).in_generation == 2


@pytest.mark.parametrize("garbage", ["", "not json", "[]", '{"generation": 1}', '{"total": "x"}'])
def test_an_unreadable_state_reads_as_never_fired(garbage):
    assert FireState.from_json(garbage) is None


def test_an_emptied_metadata_dataset_counts_from_zero():
    state = FireState(generation=None, total=100).to_json()
    assert not run(metadata([("labeled", 1)] * 3), 5, None, None, state).fire
    assert run(metadata([("labeled", 1)] * 5), 5, None, None, state).fire


def test_texts_count_like_the_moments_they_spell_whatever_the_iso_spelling():
    rng = np.random.default_rng(3)
    start = pd.Timestamp("2026-11-22T10:00:00.500Z")
    offsets = rng.normal(0, 3600 * 20, size=3000)  # seconds around the generation's date
    moments = [start + pd.Timedelta(seconds=float(s)) for s in offsets]
    spellings = [
        lambda m: m.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        lambda m: m.strftime("%Y-%m-%dT%H:%M:%SZ"),
        lambda m: m.tz_convert("Etc/GMT-2").strftime("%Y-%m-%dT%H:%M:%S.%f+02:00"),
        lambda m: m.tz_convert("Etc/GMT+5").isoformat(),
    ]
    texts = [spellings[i % 4](m) for i, m in enumerate(moments)]
    texts[::97] = [None] * len(texts[::97])
    expected = sum(1 for t in texts if t is not None and pd.Timestamp(t) >= start)
    counts = count_labelings(pd.Series(["labeled"] * len(texts)), pd.Series(texts, dtype=object),
                             "2026-11-22T10:00:00.500Z")
    assert counts.in_generation == expected
    assert 1000 < expected < 2000  # the sample straddles the date


def test_missing_dates_never_belong_to_the_generation():
    table = pd.DataFrame({"status": ["labeled"] * 3, "date": [None, iso(5), float("nan")]})
    assert count_labelings(table["status"], table["date"], iso(0)) == Counts(total=3, in_generation=1)
