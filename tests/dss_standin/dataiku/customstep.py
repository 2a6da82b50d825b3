"""``dataiku.customstep``: the scenario step's config, from env."""

from __future__ import annotations

import json
import os


def get_step_config() -> dict:
    return json.loads(os.environ["DKU_PLUGIN_STEP_CONFIG"])


def get_plugin_config() -> dict:
    # The plugin's settings, as DSS names the variable for this component (customstep/__init__.py).
    return json.loads(os.environ.get("DKU_PLUGIN_CONFIG"))
