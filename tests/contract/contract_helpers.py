"""Throwaway entry points for the contract tests: a component folder with one script in it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path


def entry_point(tmp_path: Path, name: str, script: str, source: str) -> Path:
    """Write ``<tmp>/<name>/<script>`` from (dedented) ``source``; returns the folder."""
    folder = tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / script).write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


def last_json(stdout: str):
    """The last line a script printed, as JSON (scripts report what they saw that way)."""
    return json.loads(stdout.strip().splitlines()[-1])
