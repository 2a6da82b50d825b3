import pytest

from active_labeling.params import ParamError, ParamReader


def reader(**raw):
    return ParamReader(raw, "Query Sampler recipe", labels={"n_queries": "Number of queries"})


def test_integer_error_names_the_parameter_and_what_to_do():
    with pytest.raises(ParamError) as error:
        reader(n_queries="many").integer("n_queries", minimum=0)
    message = str(error.value)
    assert "'Number of queries' (n_queries)" in message
    assert "whole number ≥ 0" in message
    assert "settings of the Query Sampler recipe" in message


def test_integer_default_and_bounds():
    assert reader().integer("n_queries", default=1000, minimum=0) == 1000
    assert reader(n_queries=5).integer("n_queries", minimum=0) == 5
    with pytest.raises(ParamError):
        reader(n_queries=-1).integer("n_queries", minimum=0)
    with pytest.raises(ParamError):
        reader(n_queries=2.5).integer("n_queries")


def test_key_values_accepts_old_and_new_dss_formats():
    new = reader(categories=[{"from": "cat", "to": "Cats"}, {"from": "dog", "to": None}])
    old = reader(categories={"cat": "Cats", "dog": None})
    assert new.key_values("categories") == [("cat", "Cats"), ("dog", "")]
    assert old.key_values("categories") == [("cat", "Cats"), ("dog", "")]


def test_key_values_refuses_repeated_or_empty_keys():
    with pytest.raises(ParamError, match="repeated: cat"):
        reader(categories=[{"from": "cat"}, {"from": "cat"}]).key_values("categories")
    with pytest.raises(ParamError, match="not empty"):
        reader(categories=[{"from": " ", "to": "x"}]).key_values("categories")


def test_missing_mandatory_string_and_choice():
    with pytest.raises(ParamError, match="non-empty text"):
        reader().string("label_column")
    assert reader().string("label_column", default="label") == "label"
    with pytest.raises(ParamError, match="one of 'margin', 'entropy'"):
        reader(strategy="best").choice("strategy", ["margin", "entropy"])


def test_reader_records_what_was_read():
    r = reader(a=1, b=True)
    r.integer("a")
    r.boolean("b")
    r.string("c", default=None)
    assert r.read_names == {"a", "b", "c"}
