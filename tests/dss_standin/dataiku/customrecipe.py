"""``dataiku.customrecipe``: the recipe's config (env) and its inputs/outputs (the flow spec)."""

from __future__ import annotations

import json
import os
from typing import List

from ._base import FLOW


def get_recipe_config() -> dict:
    return json.loads(os.environ["DKU_CUSTOM_RECIPE_CONFIG"])


def get_plugin_config() -> dict:
    # The plugin's settings, as DSS names the variable for this component (customrecipe/__init__.py).
    return json.loads(os.environ.get("DKU_CUSTOM_RECIPE_PLUGIN_CONFIG"))


def _names_for_role(direction: str, role: str) -> List[str]:
    if FLOW is None:
        raise Exception("Not running in a recipe (no DKUFLOW_SPEC in env)")
    return [e["fullName"] for e in FLOW.get(direction, []) if e.get("role") == role]


def get_input_names_for_role(role: str) -> List[str]:
    return _names_for_role("in", role)


def get_output_names_for_role(role: str) -> List[str]:
    return _names_for_role("out", role)


def get_recipe_resource() -> str:
    return os.environ["DKU_CUSTOM_RESOURCE_FOLDER"]
