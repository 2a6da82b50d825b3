"""`active-labeling dss setup-scenario` against the recording DSS API server of tests/deploy."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from active_labeling.cli import main
from active_labeling.commands import dss as dss_command
from active_labeling.dss import scenario_setup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy"))
from fake_dss_api import FakeDSS  # noqa: E402

OUR_TRIGGER = "pytrigger_active-labeling_every-n-labelings"
# What DSS's UI puts on a new step (tests/dss_standin/README.md, "Scenarios (setup-scenario)").
UI_STEP_FIELDS = {"runConditionType": "RUN_IF_STATUS_MATCH", "runConditionStatuses": ["SUCCESS", "WARNING"],
                  "runConditionExpression": "", "resetScenarioStatus": False, "delayBetweenRetries": 10,
                  "maxRetriesOnFail": 0}


def _serve(scenario_ids):
    fake = FakeDSS(scenario_ids=scenario_ids)
    fake.add_project("LAB", datasets=["labels", "queries", "queries2", "metadata", "pool"],
                     saved_models=["sm42"])
    return fake


@pytest.fixture
def fake_dss():
    """DSS keeping the ids the client gives to steps and triggers."""
    with _serve("keep") as fake:
        yield fake


@pytest.fixture(params=["keep", "replace"])
def either_dss(request):
    """Both readings of DSS: it keeps the client's step and trigger ids, or gives its own."""
    with _serve(request.param) as fake:
        yield fake


def setup(fake, *extra):
    return main(["dss", "setup-scenario", "--project", "LAB", "--url", fake.url, "--api-key", "secret",
                 "--saved-model", "sm42", "--labels-dataset", "labels", "--queries-dataset", "queries",
                 "--metadata-dataset", "metadata", *extra])


def the_scenario(fake):
    (scenario,) = fake.scenarios("LAB")
    return scenario


def ours(scenario):
    """Our retrain step, our re-query step and our trigger, each found by what it does."""
    steps = scenario["params"]["steps"]
    train = [s for s in steps if s["params"].get("builds", [{}])[0].get("type") == "SAVED_MODEL"]
    queries = [s for s in steps if s["params"].get("builds", [{}])[0].get("type") == "DATASET"]
    triggers = [t for t in scenario["triggers"] if t["type"] == OUR_TRIGGER]
    assert len(train) == len(queries) == len(triggers) == 1, (train, queries, triggers)
    return train[0], queries[0], triggers[0]


def test_creates_the_scenario_with_what_dss_ui_writes(fake_dss, capsys):
    assert setup(fake_dss, "--n", "20") == 0
    assert "Created scenario" in capsys.readouterr().out
    scenario = the_scenario(fake_dss)
    assert scenario["name"] == "Retrain and re-query" and scenario["type"] == "step_based"
    assert scenario["active"] is True
    train, queries, trigger = ours(scenario)
    assert scenario["params"]["steps"] == [train, queries]  # retrain first, then re-query
    assert train["params"]["builds"] == [{"type": "SAVED_MODEL", "itemId": "sm42", "partitionsSpec": ""}]
    assert queries["params"]["builds"] == [{"type": "DATASET", "itemId": "queries", "partitionsSpec": ""}]
    for step in (train, queries):
        assert step["type"] == "build_flowitem"
        assert {key: step[key] for key in UI_STEP_FIELDS} == UI_STEP_FIELDS
        assert step["params"]["refreshHiveMetastore"] is True and step["params"]["proceedOnFailure"] is False
    assert trigger["name"] == "Every n labelings" and trigger["active"] is True
    assert trigger["graceDelaySettings"] == {"delay": 0, "checkAgainAfterGraceDelay": False}
    assert trigger["params"]["config"] == {"n": 20, "metadata_dataset": "metadata",
                                           "queries_dataset": "queries"}
    assert trigger["delay"] == 30


def test_a_wrong_api_key_is_reported(fake_dss, capsys):
    code = main(["dss", "setup-scenario", "--project", "LAB", "--url", fake_dss.url, "--api-key", "wrong",
                 "--saved-model", "sm42", "--labels-dataset", "labels", "--queries-dataset", "queries",
                 "--metadata-dataset", "metadata"])
    error = capsys.readouterr().err
    assert code == 2 and "DSS refused the scenario setup in project LAB" in error and "API key" in error
    assert not fake_dss.scenarios("LAB")


def test_a_rerun_finds_its_steps_and_trigger_again_and_adds_no_copy(either_dss, capsys):
    assert setup(either_dss) == 0
    scenario = the_scenario(either_dss)
    first_ids = [item["id"] for item in ours(scenario)]
    if either_dss.scenario_ids == "replace":  # so only the type and name can find them again
        assert "active_labeling_every_n_labelings" not in first_ids
    scenario["params"]["steps"].append({"id": "mail", "type": "send_report", "name": "Mail me",
                                        **UI_STEP_FIELDS, "params": {}})
    scenario["triggers"].append({"id": "nightly", "type": "temporal", "name": "Nightly", "active": True,
                                 "params": {"frequency": "Daily"}})
    for _ in range(2):
        assert setup(either_dss) == 0
    scenario = the_scenario(either_dss)
    assert [item["id"] for item in ours(scenario)] == first_ids  # the same steps and trigger, updated
    assert [s["name"] for s in scenario["params"]["steps"]][-1] == "Mail me"  # the user's own are kept
    assert len(scenario["params"]["steps"]) == 3 and len(scenario["triggers"]) == 2
    assert [c["method"] for c in either_dss.calls].count("POST") == 1  # the scenario was created once
    assert "Updated scenario" in capsys.readouterr().out


def test_a_rerun_keeps_the_users_edits_unless_the_command_line_changes_them(either_dss, capsys):
    assert setup(either_dss, "--n", "20") == 0
    train, _, trigger = ours(the_scenario(either_dss))
    # What a user might change in DSS's UI.
    trigger["params"]["config"]["n"] = 50
    trigger.update(delay=120, active=False,
                   graceDelaySettings={"delay": 60, "checkAgainAfterGraceDelay": True})
    train.update(maxRetriesOnFail=2, runConditionType="RUN_ALWAYS")
    train["params"]["jobType"] = "RECURSIVE_BUILD"
    capsys.readouterr()

    assert setup(either_dss) == 0
    assert "every 50 labelings (checked every 120 s)" in capsys.readouterr().out
    train, queries, trigger = ours(the_scenario(either_dss))
    assert trigger["params"]["config"]["n"] == 50 and trigger["delay"] == 120
    assert trigger["graceDelaySettings"] == {"delay": 60, "checkAgainAfterGraceDelay": True}
    assert trigger["active"] is True  # set up means running
    assert train["maxRetriesOnFail"] == 2 and train["runConditionType"] == "RUN_ALWAYS"
    assert train["params"]["jobType"] == "RECURSIVE_BUILD"

    assert setup(either_dss, "--n", "10", "--delay", "60", "--queries-dataset", "queries2") == 0
    assert "every 10 labelings (checked every 60 s)" in capsys.readouterr().out
    scenario = the_scenario(either_dss)
    train, queries, trigger = ours(scenario)
    assert trigger["params"]["config"] == {"n": 10, "metadata_dataset": "metadata",
                                           "queries_dataset": "queries2"}
    assert trigger["delay"] == 60
    assert queries["params"]["builds"][0]["itemId"] == "queries2"
    assert len(scenario["params"]["steps"]) == 2 and len(scenario["triggers"]) == 1


def test_a_scenario_set_up_by_an_older_version_is_taken_over_without_copies(capsys):
    """Thin steps, a trigger named after its n, DSS's own ids, and a second copy of each left by a
    rerun of the older version (which looked its items up by the ids it had chosen)."""
    thin_train = {"type": "build_flowitem", "enabled": True, "name": "Retrain the saved model on labels",
                  "params": {"builds": [{"type": "SAVED_MODEL", "itemId": "sm42", "partitionsSpec": ""}],
                             "jobType": "NON_RECURSIVE_FORCED_BUILD"}}
    thin_queries = {"type": "build_flowitem", "enabled": True,
                    "name": "Run the Query Sampler (build queries)",
                    "params": {"builds": [{"type": "DATASET", "itemId": "queries", "partitionsSpec": ""}],
                               "jobType": "NON_RECURSIVE_FORCED_BUILD"}}
    thin_trigger = {"type": OUR_TRIGGER, "name": "Every 20 labelings", "active": True, "delay": 30,
                    "params": {"config": {"n": 20, "metadata_dataset": "metadata",
                                          "queries_dataset": "queries"}}}
    with _serve("replace") as fake:
        fake.add_scenario("LAB", {"type": "step_based", "name": "Retrain and re-query", "active": True,
                                  "triggers": [thin_trigger, dict(thin_trigger)],
                                  "params": {"steps": [thin_train, thin_queries, dict(thin_train),
                                                       dict(thin_queries)]}})
        assert setup(fake) == 0
        out, err = capsys.readouterr()
        assert "every 20 labelings" in out  # the n the user had
        assert err.count("removed a second copy") == 3
        scenario = the_scenario(fake)
        train, queries, trigger = ours(scenario)
        assert len(scenario["params"]["steps"]) == 2
        assert trigger["name"] == "Every n labelings"
        assert trigger["graceDelaySettings"] == {"delay": 0, "checkAgainAfterGraceDelay": False}
        for step in (train, queries):
            assert {key: step[key] for key in UI_STEP_FIELDS} == UI_STEP_FIELDS
            assert step["params"]["proceedOnFailure"] is False


def test_the_help_states_the_defaults_a_new_trigger_gets():
    assert dss_command.DEFAULT_N == scenario_setup.DEFAULT_N
    assert dss_command.DEFAULT_DELAY_SECONDS == scenario_setup.DEFAULT_DELAY_SECONDS


def test_unreachable_dss_and_bad_options_are_user_errors(capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once closed
    code = main(["dss", "setup-scenario", "--project", "LAB", "--url", f"http://127.0.0.1:{port}",
                 "--api-key", "k", "--saved-model", "m", "--labels-dataset", "l", "--queries-dataset", "q",
                 "--metadata-dataset", "md"])
    assert code == 2 and "cannot reach DSS" in capsys.readouterr().err


def test_an_unknown_project_is_named(fake_dss, capsys):
    code = main(["dss", "setup-scenario", "--project", "NOPE", "--url", fake_dss.url, "--api-key", "secret",
                 "--saved-model", "sm42", "--labels-dataset", "l", "--queries-dataset", "q",
                 "--metadata-dataset", "md"])
    assert code == 2 and "Project NOPE not found" in capsys.readouterr().err


def test_zero_n_is_refused_before_any_call(fake_dss, capsys):
    assert setup(fake_dss, "--n", "0") == 2
    assert "--n" in capsys.readouterr().err and not fake_dss.calls


def test_a_missing_saved_model_or_queries_dataset_stops_before_any_change(fake_dss, capsys):
    fake_dss.add_project("LAB", datasets=["labels"], saved_models=["other"])
    assert setup(fake_dss) == 2
    error = capsys.readouterr().err
    assert "no saved model with id 'sm42' (saved models: other)" in error and "no dataset 'queries'" in error
    assert not fake_dss.scenarios("LAB") and all(call["method"] == "GET" for call in fake_dss.calls)


def test_labels_and_metadata_not_created_yet_only_warn(fake_dss, capsys):
    fake_dss.add_project("LAB", datasets=["queries"], saved_models=["sm42"])
    assert setup(fake_dss) == 0
    error = capsys.readouterr().err
    assert "dataset 'labels' does not exist yet" in error and "dataset 'metadata' does not exist yet" in error
    assert len(fake_dss.scenarios("LAB")) == 1
