"""Shared plumbing of the stand-in: where things live on disk, names, and the recipe flow.

Everything is stored under the directory named by env ``DKU_STANDIN_ROOT`` (read at each call, so
one test process can use several roots). ``DKUFLOW_SPEC`` is read once, at import, like DSS does.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Optional, Tuple

FLOW: Optional[dict] = json.loads(os.environ["DKUFLOW_SPEC"]) if os.environ.get("DKUFLOW_SPEC") else None


def standin_root() -> Path:
    root = os.environ.get("DKU_STANDIN_ROOT")
    if not root:
        raise RuntimeError("The DSS stand-in needs env DKU_STANDIN_ROOT (set by the tests' `dss` fixture)")
    return Path(root)


def default_project_key() -> str:
    key = os.environ.get("DKU_CURRENT_PROJECT_KEY")
    if not key:
        raise Exception("Default project key is not specified (no DKU_CURRENT_PROJECT_KEY in env)")
    return key


def project_dir(project_key: str) -> Path:
    return standin_root() / "projects" / project_key


def split_name(name: str, project_key: Optional[str] = None) -> Tuple[str, str]:
    """``"KEY.name"`` or ``"name"`` -> (project key, short name)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"Expected a non-empty name, got {name!r}")
    if "." in name:
        key, short = name.split(".", 1)
        return key, short
    return (project_key or default_project_key()), name


def read_json(path: Path, default: Any = None) -> Any:
    if not path.exists():
        return default
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(path: Path, obj: Any) -> None:
    """Write through a temporary file, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1)
    os.replace(tmp, path)


def flow_entry(full_name: str) -> Tuple[Optional[dict], Optional[str]]:
    """The recipe's spec entry for ``full_name`` and its direction ("in"/"out"), or (None, None)."""
    for direction in ("out", "in"):
        for entry in (FLOW or {}).get(direction, []):
            if entry.get("fullName") == full_name:
                return entry, direction
    return None, None


def check_declared(kind: str, full_name: str, ignore_flow: bool) -> Tuple[Optional[dict], Optional[str]]:
    """In a recipe, refuse what the flow does not declare (as DSS does), unless ``ignore_flow``."""
    if FLOW is None or ignore_flow:
        return None, None
    entry, direction = flow_entry(full_name)
    if entry is None:
        raise Exception(f"{kind} {full_name} cannot be used : declare it as input or output of your recipe")
    return entry, direction
