"""``dataiku.Project``: project variables in ``<root>/projects/<KEY>/variables.json``."""

from __future__ import annotations

import copy
from typing import Optional

from ._base import default_project_key, project_dir, read_json, write_json


class Project:
    def __init__(self, project_key: Optional[str] = None):
        self.project_key = project_key or default_project_key()
        self._file = project_dir(self.project_key) / "variables.json"

    def get_variables(self) -> dict:
        return copy.deepcopy(read_json(self._file, {"standard": {}, "local": {}}))

    def set_variables(self, variables: dict) -> None:
        if not isinstance(variables, dict) or "standard" not in variables or "local" not in variables:
            raise ValueError("Expected a dict with both 'standard' and 'local' keys")
        write_json(self._file, {"standard": variables["standard"], "local": variables["local"]})
