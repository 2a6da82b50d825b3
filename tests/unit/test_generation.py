from datetime import datetime, timezone

from active_labeling.generation import (
    GENERATION_VARIABLE,
    read_generation,
    read_generation_date,
    with_generation_bumped,
)


def test_bump_keeps_every_other_variable_and_counts_per_dataset():
    variables = {"standard": {"owner": "x"}, "local": {"other": 1, GENERATION_VARIABLE: {"P.q2": 7}}}
    new, generation = with_generation_bumped(variables, "P.q")
    assert generation == 1
    assert new["standard"] == {"owner": "x"}
    assert new["local"]["other"] == 1
    assert read_generation(new, "P.q") == 1
    assert read_generation(new, "P.q2") == 7
    assert read_generation(variables, "P.q") == 0  # the input is not modified
    again, generation = with_generation_bumped(new, "P.q")
    assert generation == 2 and read_generation(again, "P.q") == 2


def test_missing_or_garbled_counter_reads_as_zero():
    assert read_generation({"standard": {}, "local": {}}, "P.q") == 0
    assert read_generation({"local": {GENERATION_VARIABLE: {"P.q": "x"}}}, "P.q") == 0


def test_bump_records_when_the_generation_was_written():
    moment = datetime(2026, 11, 22, 10, 0, 1, 500000, tzinfo=timezone.utc)
    new, _ = with_generation_bumped({"standard": {}, "local": {}}, "P.q", now=moment)
    assert read_generation_date(new, "P.q") == "2026-11-22T10:00:01.500Z"
    assert read_generation_date({"standard": {}, "local": {}}, "P.q") is None
