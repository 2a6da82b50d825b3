"""Every plugin descriptor present is one DSS accepts, and matches the code that reads its config.

Descriptors are found by glob, so a recipe, webapp, trigger or step added later is checked too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from angular_conditions import EvaluatorMissing, evaluate
from descriptor_rules import (
    SEMVER,
    config_variants,
    declared_names,
    meta_problems,
    names_read,
    params_problems,
    roles_problems,
    visibility_cases,
    visibility_problems,
)

from active_labeling.dss import components

ROOT = Path(__file__).resolve().parents[2]
KINDS = {  # descriptor glob → files DSS runs or serves next to it
    "custom-recipes/*/recipe.json": ("recipe.py",),
    "webapps/*/webapp.json": ("backend.py", "body.html", "app.js", "style.css"),
    "python-triggers/*/trigger.json": ("trigger.py",),
    "python-steps/*/step.json": ("step.py",),
}
ENTRY_POINT_MAX_LINES = 25  # DEVELOPERS.md
DESCRIPTORS = sorted(path for pattern in KINDS for path in ROOT.glob(pattern))


def _folder(path: Path) -> str:
    return path.parent.relative_to(ROOT).as_posix()


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        pytest.fail(f"{path.relative_to(ROOT)} is not valid JSON: {error}")


def test_plugin_json():
    plugin = _load(ROOT / "plugin.json")
    meta = plugin.get("meta", {})
    assert plugin.get("id") == "active-labeling"
    assert SEMVER.match(str(plugin.get("version"))), plugin.get("version")
    assert meta.get("label") == "Labeling & Active Learning"
    for key in ("description", "author", "icon", "licenseInfo"):
        assert isinstance(meta.get(key), str) and meta[key].strip(), f"meta.{key} is missing"
    tags = meta.get("tags")
    assert isinstance(tags, list) and tags and all(isinstance(t, str) and t for t in tags)


def test_code_env_descriptor():
    desc = _load(ROOT / "code-env/python/desc.json")
    interpreters = desc.get("acceptedPythonInterpreters")
    assert isinstance(interpreters, list) and interpreters
    assert set(interpreters) <= {"PYTHON39", "PYTHON310", "PYTHON311"}, interpreters
    for key in ("installCorePackages", "forceConda", "installJupyterSupport"):
        assert isinstance(desc.get(key, False), bool), key
    requirements = (ROOT / "code-env/python/spec/requirements.txt").read_text().splitlines()
    assert any(line.strip() and not line.startswith("#") for line in requirements)


@pytest.mark.parametrize("path", DESCRIPTORS, ids=_folder)
def test_component_descriptor(path):
    descriptor = _load(path)
    folder = path.parent
    problems = meta_problems(descriptor.get("meta"))
    input_roles = None
    if path.name == "recipe.json":
        if descriptor.get("kind") != "PYTHON":
            problems.append(f"kind should be PYTHON, got {descriptor.get('kind')!r}")
        for side in ("inputRoles", "outputRoles"):
            problems += roles_problems(descriptor.get(side, []), side)
        roles = [r.get("name") for side in ("inputRoles", "outputRoles")
                 for r in descriptor.get(side, []) if isinstance(r, dict)]
        if len(set(roles)) != len(roles):
            problems.append(f"role names repeat: {roles}")
        input_roles = [r.get("name") for r in descriptor.get("inputRoles", []) if isinstance(r, dict)]
        selectable = descriptor.get("selectableFromDataset")
        if selectable is not None and selectable not in input_roles:
            problems.append(f"selectableFromDataset should name an input role, got {selectable!r}")
    if path.name == "webapp.json":
        if descriptor.get("baseType") != "STANDARD":
            problems.append(f"baseType should be STANDARD, got {descriptor.get('baseType')!r}")
        if str(descriptor.get("hasBackend")).lower() != "true":
            problems.append("hasBackend should be \"true\": the labeling service is the backend")
    if path.name != "webapp.json" or "params" in descriptor:
        problems += params_problems(descriptor.get("params", []), input_roles)
    else:
        problems.append("params is missing")
    for name in KINDS[f"{folder.parent.name}/*/{path.name}"]:
        if not (folder / name).is_file():
            problems.append(f"{name} is missing next to {path.name}")
        elif name.endswith(".py"):
            source = (folder / name).read_text(encoding="utf-8")
            try:
                compile(source, str(folder / name), "exec")
            except SyntaxError as error:
                problems.append(f"{name} does not compile: {error}")
            if len(source.splitlines()) > ENTRY_POINT_MAX_LINES:
                problems.append(f"{name} has {len(source.splitlines())} lines: entry points are glue of at "
                                f"most {ENTRY_POINT_MAX_LINES} lines, the logic goes to python-lib")
    assert not problems, f"{_folder(path)}:\n- " + "\n- ".join(problems)


def _with_params():
    found = []
    for path in DESCRIPTORS:
        params = json.loads(path.read_text(encoding="utf-8")).get("params") or []
        if declared_names(params):
            found.append((_folder(path), params))
    return found


def test_every_component_with_params_has_a_config_parser():
    missing = [folder for folder, _ in _with_params() if folder not in components.CONFIG_PARSERS]
    stale = [folder for folder in components.CONFIG_PARSERS if not (ROOT / folder).is_dir()]
    assert not missing, f"add these folders to CONFIG_PARSERS in active_labeling/dss/components.py: {missing}"
    assert not stale, f"CONFIG_PARSERS names folders that do not exist: {stale}"


def test_config_parsers_import_without_dataiku():
    # DSS is absent in local mode and in the packaging tools: parsing a config must not need it.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from active_labeling.dss import components\n"
        "for folder in components.CONFIG_PARSERS: components.load_parser(folder)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('dataiku', 'dataikuapi'))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(ROOT / "python-lib")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("folder,params", _with_params(), ids=[f for f, _ in _with_params()])
def test_declared_parameters_are_exactly_those_read(folder, params):
    if folder not in components.CONFIG_PARSERS:
        pytest.skip("no config parser registered (see the test above)")
    declared = declared_names(params)
    variants = config_variants(params, components.CONFIG_EXAMPLES.get(folder, ()))
    reads, errors = names_read(components.load_parser(folder), variants)
    read = set().union(*reads)
    assert read, f"{folder}: the parser read nothing through ParamReader"
    assert read <= declared, f"{folder} reads undeclared parameters {sorted(read - declared)}"
    assert len(errors) < len(variants), f"{folder}: no generated config validates:\n" + "\n".join(errors)
    hint = ("\nConfigs that did not validate (add raw values that do to CONFIG_EXAMPLES):\n"
            + "\n".join(errors)) if errors else ""
    unread = sorted(declared - read)
    assert not unread, f"{folder} declares parameters it never reads: {unread}{hint}"


@pytest.fixture(scope="module")
def evaluated_conditions():
    """Every descriptor's conditions, evaluated by AngularJS on the descriptor's generated settings
    (one node process for all): ``{folder: {parameter: Evaluation}}``."""
    cases = {}
    for path in DESCRIPTORS:
        params = json.loads(path.read_text(encoding="utf-8")).get("params") or []
        variants = config_variants(params, components.CONFIG_EXAMPLES.get(_folder(path), ()))
        for name, case in visibility_cases(params, variants).items():
            cases[(_folder(path), name)] = case
    try:
        evaluations = evaluate(list(cases.values()))
    except EvaluatorMissing as missing:
        pytest.fail(str(missing))
    found = {}
    for (folder, name), evaluation in zip(cases, evaluations):
        found.setdefault(folder, {})[name] = evaluation
    return found


@pytest.mark.parametrize("path", DESCRIPTORS, ids=_folder)
def test_every_visibility_condition_works_in_dss(path, evaluated_conditions):
    # DSS evaluates visibilityCondition with AngularJS, not JavaScript: a condition that no setting
    # meets there (a misspelt choice value, a JavaScript global) hides its parameter for good.
    problems = visibility_problems(evaluated_conditions.get(_folder(path), {}))
    assert not problems, f"{_folder(path)}:\n- " + "\n- ".join(problems)


def test_config_parsers_are_called_by_the_components():
    # A registered parser that the entry point never calls would make the check above vacuous.
    sources = [p.read_text(encoding="utf-8") for p in ROOT.glob("python-lib/active_labeling/**/*.py")]
    for folder, target in components.CONFIG_PARSERS.items():
        function = target.partition(":")[2]
        scripts = [p.read_text(encoding="utf-8") for p in (ROOT / folder).glob("*.py")]
        callers = [s for s in scripts + sources if f"{function}(" in s and f"def {function}(" not in s]
        assert callers, f"{folder}: nothing calls {target}; its entry point should"
