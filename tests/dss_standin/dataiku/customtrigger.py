"""``dataiku.customtrigger``: the trigger's config, from env."""

from __future__ import annotations

import json
import os


def get_trigger_config() -> dict:
    return json.loads(os.environ["DKU_PLUGIN_TRIGGER_CONFIG"])


def get_plugin_config() -> dict:
    # The plugin's settings, as DSS names the variable for this component (customtrigger/__init__.py).
    return json.loads(os.environ.get("DKU_PLUGIN_CONFIG"))
