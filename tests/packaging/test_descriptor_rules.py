"""The descriptor checks catch the mistakes they are for (so a passing descriptor test means something)."""

from __future__ import annotations

import pytest
from angular_conditions import EvaluatorMissing, evaluate
from descriptor_rules import (
    config_variants,
    declared_names,
    names_read,
    params_problems,
    roles_problems,
    visibility_cases,
    visibility_problems,
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


# The Hotkeys condition the labeling webapps had before issue 11: JavaScript, always false in DSS.
OLD_HOTKEYS_CONDITION = "Object.keys(model.categories || {}).length > 0"
CATEGORIES = {"name": "categories", "label": "Categories", "type": "KEY_VALUE_LIST", "mandatory": True}
CONDITIONS = {  # label → (params, conditional parameter)
    "good": (GOOD, "level"),
    "misspelt": (GOOD[:-1] + [dict(GOOD[-1], visibilityCondition="model.mode == 'Fancy'")], "level"),
    "assignment": (GOOD[:-1] + [dict(GOOD[-1], visibilityCondition="model.mode = 'fancy'")], "level"),
    "syntax": (GOOD[:-1] + [dict(GOOD[-1], visibilityCondition="model.mode ==")], "level"),
    "call": (GOOD[:-1] + [dict(GOOD[-1], visibilityCondition="model.mode()")], "level"),
}
for _label, _condition in (("old hotkeys", OLD_HOTKEYS_CONDITION),
                           ("hotkeys", "model.categories.length > 0"),
                           ("undefined when unset", "model.categories && model.categories.length > 0")):
    CONDITIONS[_label] = ([CATEGORIES, {"name": "hotkeys", "label": "Hotkeys", "type": "KEY_VALUE_LIST",
                                        "visibilityCondition": _condition}], "hotkeys")
PROBES = [  # (expression, model): where AngularJS differs from JavaScript
    ("Math.max(1, 2)", {}),
    ("model.a.b.c", {}),
    ("Object.keys(model.categories).length", {"categories": {"x": "y"}}),
    ("model.categories.length", {"categories": [{"from": "x", "to": "y"}]}),
]


@pytest.fixture(scope="module")
def evaluated():
    """The conditions above on their generated settings, then the probes: one node process."""
    cases = [visibility_cases(params, config_variants(params))[name] for params, name in CONDITIONS.values()]
    try:
        found = evaluate(cases + [(expression, [model]) for expression, model in PROBES])
    except EvaluatorMissing as missing:
        pytest.fail(str(missing))
    conditions = {label: (name, evaluation)
                  for (label, (_, name)), evaluation in zip(CONDITIONS.items(), found)}
    return {"conditions": conditions, "probes": found[len(cases):]}


def _problems(evaluated, label):
    name, evaluation = evaluated["conditions"][label]
    return "\n".join(visibility_problems({name: evaluation}))


def test_the_evaluator_is_angularjs_not_javascript(evaluated):
    # JavaScript would give 2, throw a TypeError, and give 1: AngularJS reaches only the scope.
    assert [probe.values[0] for probe in evaluated["probes"]] == ["undefined", "undefined", "undefined", "1"]


def test_conditions_that_show_and_hide_their_parameter_pass(evaluated):
    assert _problems(evaluated, "good") == ""
    assert _problems(evaluated, "hotkeys") == ""
    _, hotkeys = evaluated["conditions"]["hotkeys"]
    assert True in hotkeys.shown and False in hotkeys.shown


def test_the_old_hotkeys_condition_is_reported_as_never_shown(evaluated):
    problems = _problems(evaluated, "old hotkeys")
    assert "'hotkeys'" in problems and OLD_HOTKEYS_CONDITION in problems
    assert "never shows the parameter" in problems
    assert "JavaScript globals (Object" in problems and "model.list.length > 0" in problems


def test_each_kind_of_condition_mistake_is_reported(evaluated):
    assert "never shows the parameter" in _problems(evaluated, "misspelt")
    assignment = _problems(evaluated, "assignment")
    assert "hides nothing" in assignment and "`=` instead of `==`" in assignment
    assert "does not parse" in _problems(evaluated, "syntax")
    assert "throws" in _problems(evaluated, "call")
    undefined = _problems(evaluated, "undefined when unset")
    assert "is undefined when the settings are {" in undefined
    assert "DSS shows a parameter whose condition is undefined" in undefined
