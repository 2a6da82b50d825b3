"""``dataiku.scenario``: ``Trigger`` (inside a plugin trigger) and ``Scenario`` (inside a step).

A fire is recorded as one JSON line in ``<root>/trigger_fires.jsonl``; the fixture's runner reads
it back and hands the fired state to the next run, as DSS does.
"""

from __future__ import annotations

import json
import os
import time
from typing import Optional

from ._base import standin_root


class Trigger:
    def __init__(self):
        # Outside a scenario there is no DKU_TRIGGER: json.loads(None), a TypeError, as in DSS
        # (scenario/trigger.py reads it with remoterun.get_env_var, None when unset).
        self.trigger = json.loads(os.environ.get("DKU_TRIGGER"))
        self.state: Optional[str] = os.environ.get("DKU_TRIGGER_STATE")

    def get_trigger(self) -> dict:
        return self.trigger

    def get_trigger_state(self) -> Optional[str]:
        return self.state

    def fire(self, state: Optional[str] = None, params: Optional[dict] = None) -> None:
        if state is not None and not isinstance(state, str):
            raise TypeError(f"The trigger state must be a string, got {state!r}")
        record = {"run": os.environ.get("DKU_STANDIN_RUN_ID"), "trigger": self.trigger.get("id"),
                  "state": state, "params": params or {}, "time": time.time()}
        json.dumps(record)  # params must be JSON, as they travel to the scenario as JSON
        with open(standin_root() / "trigger_fires.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")


class Scenario:
    """The running scenario; what started it is in the file env ``DKU_CURRENT_SCENARIO_TRIGGER_FILE``
    names (``{"trigger": {...}, "params": {...}}``), absent when no trigger started the run
    (scenario/scenario.py)."""

    def __init__(self):
        self.project_key = os.environ.get("DKU_CURRENT_PROJECT_KEY")
        path = os.environ.get("DKU_CURRENT_SCENARIO_TRIGGER_FILE")
        self.scenario_trigger = None
        if path:
            with open(path, encoding="utf-8") as f:
                self.scenario_trigger = json.load(f)

    def get_trigger_params(self) -> Optional[dict]:
        return self.scenario_trigger["params"] if self.scenario_trigger is not None else None

    def get_trigger_type(self) -> Optional[str]:
        return self.scenario_trigger["trigger"]["type"] if self.scenario_trigger is not None else None

    def get_trigger_name(self) -> Optional[str]:
        return (self.scenario_trigger["trigger"].get("name") if self.scenario_trigger is not None
                else None)
