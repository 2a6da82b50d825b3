"""The descriptor checks catch the mistakes they are for (so a passing descriptor test means something)."""

from __future__ import annotations

from descriptor_rules import (
    config_variants,
    declared_names,
    names_read,
    params_problems,
    roles_problems,
    visibility_test,
)

from active_labeling.params import ParamReader

GOOD = [
    {"name": "sep", "type": "SEPARATOR", "label": "Section"},
    {"name": "dataset", "label": "Dataset", "type": "DATASET", "mandatory": True},
    {"name": "column", "label": "Column", "type": "DATASET_COLUMN", "datasetParamName": "dataset"},
    {"name": "mode", "label": "Mode", "type": "SELECT", "defaultValue": "plain",
     "selectChoices": [{"value": "plain", "label": "Plain"}, {"value": "fancy", "label": "Fancy"}]},
    {"name": "level", "label": "Level", "type": "INT", "minI": 1, "maxI": 5, "defaultValue": 2,
     "visibilityCondition": "model.mode == 'fancy'"},
]


def test_a_well_formed_list_has_no_problem():
    assert params_problems(GOOD) == []
    assert declared_names(GOOD) == {"dataset", "column", "mode", "level"}


def test_each_kind_of_mistake_is_reported():
    bad = [
        {"name": "a", "label": "A", "type": "TEXT"},
        {"name": "b", "label": "B", "type": "SELECT"},
        {"name": "c", "label": "C", "type": "DATASET_COLUMN", "datasetParamName": "nothing"},
        {"name": "d", "label": "D", "type": "COLUMN", "columnRole": "input"},
        {"name": "e", "label": "E", "type": "INT", "minI": 1, "defaultValue": 0},
        {"name": "f", "label": "F", "type": "BOOLEAN", "visibilityCondition": "model.ghost"},
        {"name": "f", "label": "F again", "type": "STRING"},
    ]
    problems = "\n".join(params_problems(bad))
    for expected in ("'a': type 'TEXT'", "'b': needs selectChoices", "'c': datasetParamName",
                     "'d': COLUMN(S) parameters exist in recipes only", "'e': defaultValue 0",
                     "['ghost']", "'f' is declared twice"):
        assert expected in problems
    assert "columnRole" in "\n".join(params_problems(bad[3:4], input_roles=["rows"]))
    assert params_problems(bad[3:4], input_roles=["input"]) == []


def test_role_mistakes_are_reported():
    problems = "\n".join(roles_problems([{"name": "in", "arity": "ONE"},
                                         {"name": "out", "arity": "UNARY", "required": True,
                                          "acceptsDataset": False}], "inputRoles"))
    assert "arity should be UNARY or NARY" in problems and "required should be" in problems
    assert "accepts nothing" in problems


def _parse_fancy(raw):
    reader = ParamReader(raw, "Test component")
    reader.string("dataset")
    reader.string("column", default=None)
    if reader.choice("mode", ["plain", "fancy"], default="plain") == "fancy":
        ParamReader(raw, "Test component").integer("level", default=2)  # read by a second reader


def test_variants_reach_parameters_read_in_one_mode_only():
    reads, errors = names_read(_parse_fancy, config_variants(GOOD))
    assert errors == []
    assert set().union(*reads) == declared_names(GOOD)
    assert any("level" not in read for read in reads)  # the plain mode does not read it


def test_an_undeclared_read_is_seen():
    def parse(raw):
        _parse_fancy(raw)
        ParamReader(raw, "Test component").boolean("undeclared")

    reads, _ = names_read(parse, config_variants(GOOD))
    assert "undeclared" in set().union(*reads)


def test_visibility_conditions_are_evaluated_on_the_variants():
    shown = visibility_test(GOOD[-1]["visibilityCondition"])
    assert [shown(raw) for raw in config_variants(GOOD)].count(True) >= 1
    misspelt = visibility_test("model.mode == 'Fancy' && !model.column")
    assert not any(misspelt(raw) for raw in config_variants(GOOD))
    assert visibility_test("Object.keys(model.x).length > 0") is None  # beyond simple expressions
