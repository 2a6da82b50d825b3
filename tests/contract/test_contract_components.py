"""How DSS starts each component (shared/dss-runtime.md, "How each component is started",
customrecipe, Trigger, "Who is the user"): the runners of the ``dss`` fixture must do the same."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

import pytest
from contract_helpers import entry_point, last_json
from sklearn.dummy import DummyClassifier

REPO_ROOT = Path(__file__).resolve().parents[2]

CONFIG = {"n": 3, "strict": True, "strategy": "margin", "mapping": [{"from": "a", "to": "b"}], "model": "m1"}


def test_recipe_config_roles_and_env(dss, tmp_path):
    dss.create_dataset("pool", schema=[{"name": "id", "type": "string"}])
    dss.create_saved_model("m1", DummyClassifier().fit([[0], [1]], [0, 1]), ["x"])
    recipe = entry_point(tmp_path, "r", "recipe.py", """
        import json, os, sys
        from dataiku import customrecipe as cr
        print(json.dumps({
            "config": cr.get_recipe_config(),
            "pool": cr.get_input_names_for_role("pool"),
            "model": cr.get_input_names_for_role("model"),
            "unfilled": cr.get_input_names_for_role("labels"),
            "queries": cr.get_output_names_for_role("queries"),
            "resource": cr.get_recipe_resource(),
            "project": os.environ["DKU_CURRENT_PROJECT_KEY"],
            "cwd": os.getcwd(),
            "path": sys.path,
        }))
    """)
    run = dss.run_recipe(recipe, inputs={"pool": ["pool"], "model": ["m1"]}, outputs={"queries": ["queries"]},
                         config=CONFIG).check()
    out = last_json(run.stdout)
    assert out["config"] == CONFIG
    assert out["config"]["mapping"] == [{"from": "a", "to": "b"}]  # KEY_VALUE_LIST: list of from/to
    assert (out["pool"], out["model"], out["unfilled"]) == (["PROJ.pool"], ["PROJ.m1"], [])
    assert out["queries"] == ["PROJ.queries"] and dss.dataset_exists("queries")
    assert out["resource"] == str(REPO_ROOT / "resource") and out["project"] == "PROJ"
    assert not Path(out["cwd"]).resolve().is_relative_to(REPO_ROOT)
    assert str(REPO_ROOT / "python-lib") in out["path"]


RECIPE_JSON = {"kind": "PYTHON", "inputRoles": [
    {"name": "model", "arity": "UNARY", "required": True, "acceptsDataset": False, "acceptsSavedModel": True},
    {"name": "pool", "arity": "UNARY", "required": True, "acceptsManagedFolder": True}],
    "outputRoles": [{"name": "queries", "arity": "UNARY", "required": True}], "params": []}


@pytest.mark.parametrize("inputs, outputs, error", [
    ({"model": ["m1"], "pool": ["pool"], "extra": ["pool"]}, {"queries": ["q"]}, "no input role 'extra'"),
    ({"model": ["m1"], "pool": ["pool", "media"]}, {"queries": ["q"]}, "UNARY"),
    ({"pool": ["pool"]}, {"queries": ["q"]}, "'model' is required"),
    ({"model": ["pool"], "pool": ["pool"]}, {"queries": ["q"]}, "does not accept a dataset"),
    ({"model": ["m1"], "pool": ["nowhere"]}, {"queries": ["q"]}, "does not exist"),
    ({"model": ["m1"], "pool": ["media"]}, {"queries": ["media"]}, "does not accept a folder"),
])
def test_recipe_wiring_must_fit_its_declared_roles(dss, tmp_path, inputs, outputs, error):
    recipe = wired_recipe(dss, tmp_path)
    with pytest.raises(ValueError, match=error):
        dss.run_recipe(recipe, inputs, outputs)


def test_recipe_wiring_that_fits_runs(dss, tmp_path):
    recipe = wired_recipe(dss, tmp_path)
    assert dss.run_recipe(recipe, {"model": ["m1"], "pool": ["media"]}, {"queries": ["q"]}).check()
    assert dss.run_recipe(recipe, {"model": ["m1"], "pool": ["pool"]}, {"queries": ["q"]}).check()


def wired_recipe(dss, tmp_path):
    dss.create_dataset("pool", schema=[{"name": "id", "type": "string"}])
    dss.create_folder("media")
    dss.create_saved_model("m1", DummyClassifier().fit([[0], [1]], [0, 1]), ["x"])
    recipe = entry_point(tmp_path, "r", "recipe.py", "print('ran')\n")
    (recipe / "recipe.json").write_text(json.dumps(RECIPE_JSON))
    return recipe


def test_failed_run_shows_its_stderr(dss, tmp_path):
    recipe = entry_point(tmp_path, "r", "recipe.py", "raise SystemExit('the recipe says no')\n")
    run = dss.run_recipe(recipe)
    assert run.returncode == 1
    with pytest.raises(AssertionError, match="the recipe says no"):
        run.check()


def test_trigger_fails_outside_a_scenario(dss):
    """scenario/trigger.py: ``json.loads(remoterun.get_env_var('DKU_TRIGGER'))`` on None."""
    from dataiku.scenario import Trigger

    with pytest.raises(TypeError):
        Trigger()


TRIGGER = """
    import json
    from dataiku.customtrigger import get_trigger_config
    from dataiku.scenario import Trigger
    t = Trigger()
    config = get_trigger_config()
    print(json.dumps({"seen_state": t.get_trigger_state()}))
    if config["fire"]:
        t.fire(state=config["state"], params={"reason": config["state"]})
"""


def test_trigger_state_is_saved_only_when_it_fires(dss, tmp_path):
    trigger = entry_point(tmp_path, "every-n", "trigger.py", TRIGGER)
    first = dss.run_trigger(trigger, {"fire": True, "state": "s1"})
    assert first.returncode == 0 and first.fired and first.params == {"reason": "s1"} and first.state == "s1"
    assert last_json(first.stdout) == {"seen_state": None}
    second = dss.run_trigger(trigger, {"fire": False, "state": "s2"})
    assert not second.fired and second.state == "s1"
    assert last_json(second.stdout) == {"seen_state": "s1"}
    third = dss.run_trigger(trigger, {"fire": True, "state": "s3"})
    assert last_json(third.stdout) == {"seen_state": "s1"} and third.state == "s3"
    assert [f["state"] for f in dss.trigger_fires()] == ["s1", "s3"]
    explicit = dss.run_trigger(trigger, {"fire": False, "state": "x"}, state="given")
    assert last_json(explicit.stdout) == {"seen_state": "given"}


def test_step_gets_its_config_and_the_trigger_params(dss, tmp_path):
    step = entry_point(tmp_path, "retrain", "step.py", """
        import json
        from dataiku.customstep import get_step_config
        from dataiku.scenario import Scenario
        print(json.dumps({"config": get_step_config(), "params": Scenario().get_trigger_params()}))
    """)
    out = last_json(dss.run_step(step, {"k": 1}, trigger_params={"reason": "s1"}).check().stdout)
    assert out == {"config": {"k": 1}, "params": {"reason": "s1"}}
    # A run started by hand (or by a trigger that set no params file): None, not {}.
    assert last_json(dss.run_step(step, {"k": 1}).check().stdout) == {"config": {"k": 1}, "params": None}


@pytest.mark.parametrize("kind, module, config_var", [
    ("custom-recipes", "customrecipe", "DKU_CUSTOM_RECIPE_PLUGIN_CONFIG"),
    ("python-steps", "customstep", "DKU_PLUGIN_CONFIG"),
    ("python-triggers", "customtrigger", "DKU_PLUGIN_CONFIG")])
def test_plugin_settings_arrive_under_dss_own_variable_names(dss, tmp_path, kind, module, config_var):
    """custom*/__init__.py: recipes read DKU_CUSTOM_RECIPE_PLUGIN_CONFIG, the others DKU_PLUGIN_CONFIG."""
    script = {"custom-recipes": "recipe.py", "python-steps": "step.py", "python-triggers": "trigger.py"}[kind]
    component = entry_point(tmp_path, "c", script, f"""
        import json, os
        from dataiku.{module} import get_plugin_config
        print(json.dumps({{"settings": get_plugin_config(), "var": os.environ["{config_var}"]}}))
    """)
    dss.plugin_config = {"max_side": 512}
    run = {"custom-recipes": dss.run_recipe, "python-steps": dss.run_step,
           "python-triggers": dss.run_trigger}[kind](component)
    assert last_json(run.check().stdout)["settings"] == {"max_side": 512}


BACKEND = """
    import dataiku
    from flask import request
    from dataiku.customwebapp import get_webapp_config, get_webapp_resource

    CONFIG = get_webapp_config()

    @app.route("/whoami")
    def whoami():
        info = dataiku.api_client().get_auth_info_from_browser_headers(dict(request.headers))
        return {"user": info["authIdentifier"], "config": CONFIG, "resource": get_webapp_resource()}
"""


def test_webapp_backend_is_execd_with_app_in_globals(dss, tmp_path):
    dss.add_user("alice", ["annotators"])
    webapp = entry_point(tmp_path, "tabular-labeling", "backend.py", BACKEND)
    app = dss.load_webapp(webapp, {"labels": "labels"})
    response = app.test_client().get("/whoami", headers=dss.auth_headers("alice"))
    assert response.status_code == 200
    assert response.get_json() == {"user": "alice", "config": {"labels": "labels"},
                                   "resource": str(REPO_ROOT / "resource")}
    assert app.test_client().get("/whoami", headers={"X-User": "alice"}).status_code == 500


def test_webapp_served_on_a_real_socket(dss, tmp_path):
    dss.add_user("bob")
    app = dss.load_webapp(entry_point(tmp_path, "w", "backend.py", BACKEND), {})
    with dss.serve(app) as url:
        request = urllib.request.Request(url + "/whoami", headers=dss.auth_headers("bob"))
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["user"] == "bob"
    assert os.environ["DKU_CUSTOM_WEBAPP_CONFIG"] == "{}"
