"""Create or update the "Retrain and re-query" scenario of a DSS project, through dataikuapi.

The scenario retrains the saved model (its training recipe reads the labels dataset), then
rebuilds the queries dataset (which runs the Query Sampler recipe), and is started by the
plugin's "every n labelings" trigger. Steps and trigger are written as DSS's own UI writes them
(``tests/dss_standin/README.md``, "Scenarios (setup-scenario)", says where each field comes from).

Running the setup again updates the same scenario and never adds a second copy of our steps or
trigger: they are found again by their id, or by their type and name (DSS may give its own ids
to steps and triggers). On an update, what the command line says wins (the wiring, and ``n`` or
the delay when given); every other setting of ours that the user changed in DSS is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

import dataikuapi

PLUGIN_ID = "active-labeling"
TRIGGER_TYPE = f"pytrigger_{PLUGIN_ID}_every-n-labelings"
# DSS's UI names a new plugin trigger after its label (python-triggers/every-n-labelings/trigger.json).
TRIGGER_NAME = "Every n labelings"
SCENARIO_NAME = "Retrain and re-query"
BUILD_STEP_TYPE = "build_flowitem"
TRAIN_STEP_NAME = "Retrain the saved model (active labeling)"
QUERIES_STEP_NAME = "Run the Query Sampler (active labeling)"
TRAIN_STEP_ID = "active_labeling_retrain"
QUERIES_STEP_ID = "active_labeling_requery"
TRIGGER_ID = "active_labeling_every_n_labelings"
DEFAULT_N = 100
DEFAULT_DELAY_SECONDS = 30

# Names given by earlier versions of this command, which put the settings in the name.
_OLD_TRIGGER_NAME = re.compile(r"Every \d+ labelings")
_OLD_TRAIN_PREFIX = "Retrain the saved model on "
_OLD_QUERIES_PREFIX = "Run the Query Sampler (build "


def ui_step_fields() -> Dict[str, Any]:
    """The run-condition fields DSS's UI puts on every new step, with its defaults."""
    return {"enabled": True, "alwaysShowComment": False,
            "runConditionType": "RUN_IF_STATUS_MATCH", "runConditionStatuses": ["SUCCESS", "WARNING"],
            "runConditionExpression": "", "resetScenarioStatus": False,
            "delayBetweenRetries": 10, "maxRetriesOnFail": 0}


def ui_grace_delay() -> Dict[str, Any]:
    """The grace delay DSS's UI gives a new plugin trigger: none."""
    return {"delay": 0, "checkAgainAfterGraceDelay": False}


@dataclass(frozen=True)
class ScenarioSpec:
    """What the scenario works on (dataset names are short names in ``project``).

    ``n`` and ``delay_seconds`` left None keep the trigger's current values (the defaults when the
    trigger is new).
    """

    project: str
    saved_model: str
    labels_dataset: str
    queries_dataset: str
    metadata_dataset: str
    n: Optional[int] = None
    delay_seconds: Optional[int] = None


@dataclass
class SetupResult:
    """What the setup did: the scenario, the trigger's settings in effect, and what to tell the user."""

    scenario_id: str
    created: bool
    n: int
    delay_seconds: int
    notes: List[str] = field(default_factory=list)


def _builds(item_type: str, item_id: str) -> List[Dict[str, Any]]:
    return [{"type": item_type, "itemId": item_id, "partitionsSpec": ""}]


def scenario_steps(spec: ScenarioSpec) -> List[Dict[str, Any]]:
    """The two steps as new: train the saved model, then build the queries dataset."""
    forced = "NON_RECURSIVE_FORCED_BUILD"  # always retrain / resample, even if DSS thinks it is up to date
    return [
        {"id": step_id, "type": BUILD_STEP_TYPE, "name": name, **ui_step_fields(),
         "params": {"builds": builds, "jobType": forced, "refreshHiveMetastore": True,
                    "proceedOnFailure": False}}
        for step_id, name, builds in (
            (TRAIN_STEP_ID, TRAIN_STEP_NAME, _builds("SAVED_MODEL", spec.saved_model)),
            (QUERIES_STEP_ID, QUERIES_STEP_NAME, _builds("DATASET", spec.queries_dataset)))
    ]


def scenario_trigger(spec: ScenarioSpec) -> Dict[str, Any]:
    """The plugin trigger as new."""
    return {"id": TRIGGER_ID, "type": TRIGGER_TYPE, "name": TRIGGER_NAME, "active": True,
            "delay": DEFAULT_DELAY_SECONDS if spec.delay_seconds is None else spec.delay_seconds,
            "graceDelaySettings": ui_grace_delay(),
            "params": {"config": {"n": DEFAULT_N if spec.n is None else spec.n,
                                  "metadata_dataset": spec.metadata_dataset,
                                  "queries_dataset": spec.queries_dataset}}}


def is_train_step(step: Dict[str, Any]) -> bool:
    """Our retraining step: by its id, or by its type and name."""
    name = str(step.get("name") or "")
    return step.get("id") == TRAIN_STEP_ID or (step.get("type") == BUILD_STEP_TYPE and (
        name == TRAIN_STEP_NAME or name.startswith(_OLD_TRAIN_PREFIX)))


def is_queries_step(step: Dict[str, Any]) -> bool:
    """Our re-query step: by its id, or by its type and name."""
    name = str(step.get("name") or "")
    return step.get("id") == QUERIES_STEP_ID or (step.get("type") == BUILD_STEP_TYPE and (
        name == QUERIES_STEP_NAME or name.startswith(_OLD_QUERIES_PREFIX)))


def is_our_trigger(trigger: Dict[str, Any]) -> bool:
    """Our trigger: by its id, or by its type and name."""
    name = str(trigger.get("name") or "")
    return trigger.get("id") == TRIGGER_ID or (trigger.get("type") == TRIGGER_TYPE and (
        name == TRIGGER_NAME or _OLD_TRIGGER_NAME.fullmatch(name) is not None))


def _keep_first(items: List[Dict[str, Any]], is_ours: Callable, what: str,
                notes: List[str]) -> Optional[Dict[str, Any]]:
    """The first of ours in ``items``; later copies (left by an older setup) are removed."""
    ours = [item for item in items if is_ours(item)]
    for extra in ours[1:]:
        # By identity: list.remove compares by value and could drop the one kept.
        del items[next(i for i, item in enumerate(items) if item is extra)]
        notes.append(f"removed a second copy of the {what} '{extra.get('name')}' (id {extra.get('id')})")
    return ours[0] if ours else None


def _update_step(step: Dict[str, Any], new: Dict[str, Any], old_prefix: str) -> None:
    # The built item is the command's wiring; run conditions, retries and build mode are the user's.
    if str(step.get("name") or "").startswith(old_prefix):
        step["name"] = new["name"]  # an old name held a dataset name, now maybe wrong
    for key, value in new.items():
        if key != "params":
            step.setdefault(key, value)
    params = step.setdefault("params", {})
    for key, value in new["params"].items():
        params.setdefault(key, value)
    params["builds"] = new["params"]["builds"]


def merge_steps(steps: List[Dict[str, Any]], spec: ScenarioSpec, notes: List[str]) -> None:
    """Put our two steps in ``steps``: update those found, add the missing ones, keep the user's."""
    new_train, new_queries = scenario_steps(spec)
    train = _keep_first(steps, is_train_step, "step", notes)
    queries = _keep_first(steps, is_queries_step, "step", notes)
    if train is None:
        train = new_train
        steps.insert(steps.index(queries) if queries is not None else 0, train)
    else:
        _update_step(train, new_train, _OLD_TRAIN_PREFIX)
    if queries is None:
        steps.insert(steps.index(train) + 1, new_queries)
    else:
        _update_step(queries, new_queries, _OLD_QUERIES_PREFIX)


def merge_trigger(triggers: List[Dict[str, Any]], spec: ScenarioSpec, notes: List[str]) -> Dict[str, Any]:
    """Put our trigger in ``triggers``; returns it.

    Found again, it keeps what the user set in DSS (``n``, delay, grace delay, name, other
    parameters) except the datasets, and ``n`` and the delay when ``spec`` gives them. It is
    switched on: the setup is asked for a running loop.
    """
    new = scenario_trigger(spec)
    trigger = _keep_first(triggers, is_our_trigger, "trigger", notes)
    if trigger is None:
        triggers.append(new)
        return new
    if _OLD_TRIGGER_NAME.fullmatch(str(trigger.get("name") or "")):
        trigger["name"] = TRIGGER_NAME  # an old name held n, which the user may change in DSS
    for key, value in new.items():
        if key != "params":
            trigger.setdefault(key, value)
    trigger["active"] = True
    if spec.delay_seconds is not None:
        trigger["delay"] = spec.delay_seconds
    config = trigger.setdefault("params", {}).setdefault("config", {})
    config.update(metadata_dataset=spec.metadata_dataset, queries_dataset=spec.queries_dataset)
    if spec.n is not None or not isinstance(config.get("n"), (int, float)):
        config["n"] = new["params"]["config"]["n"]
    return trigger


class ScenarioSetupError(ValueError):
    """Something the scenario needs is missing from the project; the message says what."""


def check_project(project, spec: ScenarioSpec) -> List[str]:
    """Refuse a missing saved model or queries dataset; return warnings for the others.

    The labels and metadata datasets may not exist yet (the webapp creates them with its first
    labels), so they only warn; the scenario could do nothing without the other two.
    """
    datasets = {item.get("name") for item in project.list_datasets(as_type="listitems")}
    models = {item.get("id") for item in project.list_saved_models()}
    missing = []
    if spec.saved_model not in models:
        known = ", ".join(sorted(str(m) for m in models)) or "none"
        missing.append(f"no saved model with id '{spec.saved_model}' (saved models: {known})")
    if spec.queries_dataset not in datasets:
        missing.append(f"no dataset '{spec.queries_dataset}' (the Query Sampler recipe's output)")
    if missing:
        raise ScenarioSetupError(f"project {spec.project} has {'; '.join(missing)}. Create it first, or "
                                 "fix the name (a saved model id is in its URL in DSS).")
    return [f"dataset '{name}' does not exist yet: the trigger will report it until the webapp creates it"
            for name in (spec.labels_dataset, spec.metadata_dataset) if name not in datasets]


def setup_scenario(client: dataikuapi.DSSClient, spec: ScenarioSpec) -> SetupResult:
    """Create the scenario, or update the one of the same name (see the module's docstring).

    Steps and triggers of the user's own are kept as they are.
    """
    project = client.get_project(spec.project)
    scenario_id = _find_scenario(project, SCENARIO_NAME)  # also fails early on an unknown project
    created = scenario_id is None
    scenario = (project.create_scenario(SCENARIO_NAME, "step_based") if created
                else project.get_scenario(scenario_id))
    settings = scenario.get_settings()
    raw = settings.get_raw()
    notes: List[str] = []
    merge_steps(raw.setdefault("params", {}).setdefault("steps", []), spec, notes)
    trigger = merge_trigger(raw.setdefault("triggers", []), spec, notes)
    settings.active = True
    settings.save()
    config = trigger["params"]["config"]
    return SetupResult(scenario_id=scenario.id, created=created, n=config["n"],
                       delay_seconds=trigger["delay"], notes=notes)


def _find_scenario(project, name: str) -> Optional[str]:
    # List items are dicts; their ``.id`` property returns the name in dataikuapi 15, so read keys.
    for item in project.list_scenarios(as_type="listitems"):
        if item.get("name") == name:
            return item.get("id")
    return None


def setup_scenario_at(url: str, api_key: str, spec: ScenarioSpec) -> SetupResult:
    """Connect to DSS at ``url`` and create or update the scenario of ``spec``.

    Returns
    -------
    SetupResult
        The scenario, the trigger's ``n`` and delay in effect, and notes for the user (datasets
        not created yet, copies removed).

    Raises
    ------
    ScenarioSetupError
        When DSS can't be reached, refuses the calls, or the project lacks what the scenario needs.
    """
    import requests

    client = dataikuapi.DSSClient(url, api_key)
    try:
        warnings = check_project(client.get_project(spec.project), spec)
        result = setup_scenario(client, spec)
    except requests.exceptions.ConnectionError as error:
        raise ScenarioSetupError(f"cannot reach DSS at {url} ({error}).") from error
    except dataikuapi.utils.DataikuException as error:
        raise ScenarioSetupError(
            f"DSS refused the scenario setup in project {spec.project}: {error}") from error
    result.notes[:0] = warnings
    return result
