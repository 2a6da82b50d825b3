"""What DSS checks when a plugin recipe is created: its inputs and outputs fit the roles that
``recipe.json`` declares (name, arity, required, accepted kinds). The stand-in refuses the rest, so a
test cannot run a recipe with wiring DSS would never allow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Dict, List

KIND_FLAGS = {"dataset": ("acceptsDataset", True), "folder": ("acceptsManagedFolder", False),
              "model": ("acceptsSavedModel", False)}


def check_roles(recipe_json: Path, inputs: Dict[str, List[str]], outputs: Dict[str, List[str]],
                kind_of: Callable[[str], str]) -> None:
    """Raise ValueError when the wiring breaks ``recipe_json``'s roles. ``kind_of(name)`` tells what
    an item is ("dataset", "folder", "model", or "missing")."""
    descriptor = json.loads(recipe_json.read_text(encoding="utf-8"))
    for direction, given, declared in (("input", inputs, descriptor.get("inputRoles", [])),
                                       ("output", outputs, descriptor.get("outputRoles", []))):
        roles = {r["name"]: r for r in declared}
        for role_name, names in given.items():
            if role_name not in roles:
                raise ValueError(f"{recipe_json}: no {direction} role {role_name!r} "
                                 f"(declared: {sorted(roles)})")
            role = roles[role_name]
            if role.get("arity", "UNARY") == "UNARY" and len(names) > 1:
                raise ValueError(f"{direction} role {role_name!r} is UNARY: one item, got {names}")
            for name in names:
                kind = kind_of(name)
                if kind == "missing" and direction == "input":
                    raise ValueError(f"input {name} of role {role_name!r} does not exist: create it first")
                # A missing output is created as a dataset by the runner, like DSS creates outputs.
                flag, default = KIND_FLAGS["dataset" if kind == "missing" else kind]
                if not role.get(flag, default):
                    raise ValueError(f"{direction} role {role_name!r} does not accept a "
                                     f"{'dataset' if kind == 'missing' else kind} ({name})")
        for role_name, role in roles.items():
            if role.get("required", False) and not given.get(role_name):
                raise ValueError(f"{direction} role {role_name!r} is required by {recipe_json}")
