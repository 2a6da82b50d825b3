"""Create or update the "Retrain and re-query" scenario of a DSS project, through dataikuapi.

The scenario retrains the saved model (its training recipe reads the labels dataset), then
rebuilds the queries dataset (which runs the Query Sampler recipe), and is started by the
plugin's "every n labelings" trigger. Running the setup again updates the same scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import dataikuapi

PLUGIN_ID = "active-labeling"
TRIGGER_TYPE = f"pytrigger_{PLUGIN_ID}_every-n-labelings"
SCENARIO_NAME = "Retrain and re-query"
TRAIN_STEP_ID = "active_labeling_retrain"
QUERIES_STEP_ID = "active_labeling_requery"
TRIGGER_ID = "active_labeling_every_n_labelings"


@dataclass(frozen=True)
class ScenarioSpec:
    """What the scenario works on (dataset names are short names in ``project``)."""

    project: str
    saved_model: str
    labels_dataset: str
    queries_dataset: str
    metadata_dataset: str
    n: int = 100
    delay_seconds: int = 30


def scenario_steps(spec: ScenarioSpec) -> List[Dict[str, Any]]:
    """The two steps: train the saved model, then build the queries dataset."""
    forced = "NON_RECURSIVE_FORCED_BUILD"  # always retrain / resample, even if DSS thinks it is up to date
    return [
        {"id": TRAIN_STEP_ID, "type": "build_flowitem", "enabled": True,
         "name": f"Retrain the saved model on {spec.labels_dataset}",
         "params": {"builds": [{"type": "SAVED_MODEL", "itemId": spec.saved_model, "partitionsSpec": ""}],
                    "jobType": forced}},
        {"id": QUERIES_STEP_ID, "type": "build_flowitem", "enabled": True,
         "name": f"Run the Query Sampler (build {spec.queries_dataset})",
         "params": {"builds": [{"type": "DATASET", "itemId": spec.queries_dataset, "partitionsSpec": ""}],
                    "jobType": forced}},
    ]


def scenario_trigger(spec: ScenarioSpec) -> Dict[str, Any]:
    """The plugin trigger with its settings."""
    return {"id": TRIGGER_ID, "type": TRIGGER_TYPE, "name": f"Every {spec.n} labelings", "active": True,
            "delay": spec.delay_seconds,
            "params": {"config": {"n": spec.n, "metadata_dataset": spec.metadata_dataset,
                                  "queries_dataset": spec.queries_dataset}}}


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


def setup_scenario(client: dataikuapi.DSSClient, spec: ScenarioSpec) -> str:
    """Create the scenario, or update the one of the same name; returns its id.

    Steps and triggers of the user's own are kept; ours are replaced in place.
    """
    project = client.get_project(spec.project)
    scenario_id = _find_scenario(project, SCENARIO_NAME)  # also fails early on an unknown project
    if scenario_id is None:
        scenario = project.create_scenario(SCENARIO_NAME, "step_based")
    else:
        scenario = project.get_scenario(scenario_id)
    settings = scenario.get_settings()
    raw = settings.get_raw()
    steps = raw.setdefault("params", {}).setdefault("steps", [])
    steps[:] = [step for step in steps if step.get("id") not in (TRAIN_STEP_ID, QUERIES_STEP_ID)]
    steps[:0] = scenario_steps(spec)
    triggers = raw.setdefault("triggers", [])
    triggers[:] = [trigger for trigger in triggers if trigger.get("id") != TRIGGER_ID]
    triggers.append(scenario_trigger(spec))
    settings.active = True
    settings.save()
    return scenario.id


def _find_scenario(project, name: str) -> Optional[str]:
    # List items are dicts; their ``.id`` property returns the name in dataikuapi 15, so read keys.
    for item in project.list_scenarios(as_type="listitems"):
        if item.get("name") == name:
            return item.get("id")
    return None


def setup_scenario_at(url: str, api_key: str, spec: ScenarioSpec) -> tuple:
    """Connect to DSS at ``url`` and create or update the scenario of ``spec``.

    Returns
    -------
    (scenario_id, warnings) : the scenario's id and what the user should look at.

    Raises
    ------
    ScenarioSetupError
        When DSS can't be reached, refuses the calls, or the project lacks what the scenario needs.
    """
    import requests

    client = dataikuapi.DSSClient(url, api_key)
    try:
        warnings = check_project(client.get_project(spec.project), spec)
        return setup_scenario(client, spec), warnings
    except requests.exceptions.ConnectionError as error:
        raise ScenarioSetupError(f"cannot reach DSS at {url} ({error}).") from error
    except dataikuapi.utils.DataikuException as error:
        raise ScenarioSetupError(
            f"DSS refused the scenario setup in project {spec.project}: {error}") from error
