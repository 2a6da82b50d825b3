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


def setup_scenario(client: dataikuapi.DSSClient, spec: ScenarioSpec) -> str:
    """Create the scenario, or update the one of the same name; returns its id.

    Steps and triggers of the user's own are kept; ours are replaced in place.
    """
    project = client.get_project(spec.project)
    scenario_id = _find_scenario(project, SCENARIO_NAME)
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
