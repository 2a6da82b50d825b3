"""``dataiku.customwebapp``: the webapp's config and resource folder, from env."""

from __future__ import annotations

import json
import os


def get_webapp_config() -> dict:
    return json.loads(os.environ["DKU_CUSTOM_WEBAPP_CONFIG"])


def get_webapp_resource() -> str:
    return os.environ["DKU_CUSTOM_RESOURCE_FOLDER"]


def get_plugin_config() -> dict:
    # The plugin's settings, as DSS names the variable for this component (customwebapp/__init__.py).
    return json.loads(os.environ.get("DKU_PLUGIN_CONFIG"))
