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
        # Outside a scenario there is no DKU_TRIGGER: a KeyError, as in DSS.
        self.trigger = json.loads(os.environ["DKU_TRIGGER"])
        self.state: Optional[str] = os.environ.get("DKU_TRIGGER_STATE")

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
    def get_trigger_params(self) -> dict:
        return json.loads(os.environ.get("DKU_STANDIN_TRIGGER_PARAMS") or "{}")

    def get_trigger_type(self) -> Optional[str]:
        return os.environ.get("DKU_STANDIN_TRIGGER_TYPE")
