"""python-lib never reaches the stand-in: no import of it, and it imports fine without it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PYTHON_LIB = REPO_ROOT / "python-lib"

# An import of a stand-in module, or code that puts the stand-in's folder on a path (a mention in
# a comment or docstring is fine).
STANDIN_IMPORT = re.compile(
    r"^\s*(from|import)\s+(tests\.)?(dss_standin|fixtures|standin_admin|standin_runners)\b"
    r"|^[^#\n]*(sys\.path|PYTHONPATH|import_module|__import__)[^#\n]*(dss_standin|standin_|fixtures)",
    re.MULTILINE)


def test_python_lib_never_imports_the_stand_in():
    assert STANDIN_IMPORT.search("from fixtures import dss") and STANDIN_IMPORT.search("import dss_standin.x")
    assert STANDIN_IMPORT.search('sys.path.insert(0, "tests/dss_standin")')
    assert not STANDIN_IMPORT.search("# the stand-in in tests/dss_standin is never imported")
    offenders = [str(p.relative_to(REPO_ROOT)) for p in sorted(PYTHON_LIB.rglob("*.py"))
                 if STANDIN_IMPORT.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


IMPORT_ALL = """
import importlib, json, pkgutil, sys
import active_labeling
failed = {}
for mod in pkgutil.walk_packages(active_labeling.__path__, "active_labeling."):
    if mod.name == "active_labeling.dss" or mod.name.startswith("active_labeling.dss."):
        continue
    try:
        importlib.import_module(mod.name)
    except Exception as e:
        failed[mod.name] = repr(e)
try:
    import dataiku
    reachable = dataiku.__file__
except ImportError:
    reachable = None
print(json.dumps({"failed": failed, "dataiku_reachable": reachable,
                  "dataiku_imported_by_lib": "dataiku" in sys.modules}))
"""


def test_python_lib_imports_without_the_stand_in(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DKU") and k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(PYTHON_LIB), PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["failed"] == {}
    assert out["dataiku_reachable"] is None or "dss_standin" not in out["dataiku_reachable"]
