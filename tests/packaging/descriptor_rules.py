"""What DSS expects of plugin descriptors (tests/../shared/dss-runtime.md), as lists of problems.

Each ``*_problems`` function returns human-readable problems (empty when the descriptor is fine),
so that a failing test lists everything to fix at once.
"""

from __future__ import annotations

import itertools
import json
import re
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from angular_conditions import Evaluation, as_form_model

from active_labeling.params import ParamError, ParamReader

PARAM_TYPES = {
    "STRING", "TEXTAREA", "INT", "DOUBLE", "BOOLEAN", "SELECT", "MULTISELECT", "KEY_VALUE_LIST", "MAP",
    "SEPARATOR", "DATASET", "DATASETS", "MANAGED_FOLDER", "SAVED_MODEL", "DATASET_COLUMN",
    "DATASET_COLUMNS", "COLUMN", "COLUMNS",
}
ROLE_FLAGS = ("acceptsDataset", "acceptsManagedFolder", "acceptsSavedModel")
SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
MODEL_REFERENCE = re.compile(r"\bmodel\.([A-Za-z_]\w*)|\bmodel\[\s*['\"]([^'\"]+)['\"]\s*\]")


def declared_names(params: Sequence[Dict[str, Any]]) -> set:
    """Names of the parameters a script may read (separators are layout only)."""
    return {p["name"] for p in params if p.get("type") != "SEPARATOR" and p.get("name")}


def _choice_values(param: Dict[str, Any]) -> list:
    return [c.get("value") for c in param.get("selectChoices") or [] if isinstance(c, dict)]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def value_fits(param: Dict[str, Any], value: Any) -> bool:
    """Whether ``value`` is one DSS could hand over for this parameter."""
    kind = param.get("type")
    if kind in ("STRING", "TEXTAREA", "DATASET", "MANAGED_FOLDER", "SAVED_MODEL", "DATASET_COLUMN",
                "COLUMN"):
        return isinstance(value, str)
    if kind == "INT":
        return (_is_number(value) and float(value).is_integer()
                and param.get("minI", value) <= value <= param.get("maxI", value))
    if kind == "DOUBLE":
        return _is_number(value) and param.get("minD", value) <= value <= param.get("maxD", value)
    if kind == "BOOLEAN":
        return isinstance(value, bool)
    if kind == "SELECT":
        return value in _choice_values(param)
    if kind == "MULTISELECT":
        return isinstance(value, list) and all(v in _choice_values(param) for v in value)
    if kind in ("DATASETS", "DATASET_COLUMNS", "COLUMNS"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "KEY_VALUE_LIST":
        if isinstance(value, dict):
            return True
        return isinstance(value, list) and all(isinstance(e, dict) and "from" in e for e in value)
    if kind == "MAP":
        return isinstance(value, dict)
    return False


def condition_names(condition: str) -> set:
    """Parameter names a ``visibilityCondition`` expression mentions (``model.x``, ``model['x']``)."""
    return {a or b for a, b in MODEL_REFERENCE.findall(condition)}


def params_problems(params: Any, input_roles: Optional[Iterable[str]] = None) -> List[str]:
    """Problems of a ``params`` list; ``input_roles`` is given for recipes only (COLUMN params)."""
    if not isinstance(params, list):
        return [f"params should be a list, got {type(params).__name__}"]
    problems: List[str] = []
    names = [p.get("name") for p in params if isinstance(p, dict)]
    by_name = {p.get("name"): p for p in params if isinstance(p, dict)}
    for duplicate in sorted({n for n in names if n and names.count(n) > 1}):
        problems.append(f"parameter {duplicate!r} is declared twice")
    for index, param in enumerate(params):
        if not isinstance(param, dict):
            problems.append(f"params[{index}] should be an object")
            continue
        name, kind = param.get("name"), param.get("type")
        where = f"parameter {name!r}" if name else f"params[{index}]"
        if kind not in PARAM_TYPES:
            problems.append(f"{where}: type {kind!r} is not a DSS parameter type")
            continue
        if kind != "SEPARATOR" and not (isinstance(name, str) and re.fullmatch(r"[A-Za-z_]\w*", name)):
            problems.append(f"{where}: needs a name that is an identifier")
        if kind != "SEPARATOR" and not isinstance(param.get("label"), str):
            problems.append(f"{where}: needs a label (shown in the settings form)")
        if "mandatory" in param and not isinstance(param["mandatory"], bool):
            problems.append(f"{where}: mandatory should be true or false")
        if kind in ("SELECT", "MULTISELECT"):
            choices = param.get("selectChoices")
            if not choices or not all(isinstance(c, dict) and "value" in c and "label" in c for c in choices):
                problems.append(f"{where}: needs selectChoices, a list of {{value, label}}")
            elif len(set(map(repr, _choice_values(param)))) != len(choices):
                problems.append(f"{where}: selectChoices values repeat")
        if kind in ("DATASET_COLUMN", "DATASET_COLUMNS"):
            target = by_name.get(param.get("datasetParamName"))
            if not target or target.get("type") != "DATASET":
                problems.append(f"{where}: datasetParamName should name a DATASET parameter of this "
                                f"component, got {param.get('datasetParamName')!r}")
        if kind in ("COLUMN", "COLUMNS"):
            if input_roles is None:
                problems.append(f"{where}: COLUMN(S) parameters exist in recipes only")
            elif param.get("columnRole") not in set(input_roles):
                problems.append(f"{where}: columnRole should name an input role, got "
                                f"{param.get('columnRole')!r}")
        if "defaultValue" in param and param["defaultValue"] is not None \
                and not value_fits(param, param["defaultValue"]):
            problems.append(f"{where}: defaultValue {param['defaultValue']!r} does not fit type {kind}")
        condition = param.get("visibilityCondition")
        if condition is not None:
            if not isinstance(condition, str) or not condition.strip():
                problems.append(f"{where}: visibilityCondition should be an AngularJS expression")
            else:
                unknown = condition_names(condition) - declared_names(params)
                if unknown:
                    problems.append(f"{where}: visibilityCondition mentions unknown parameters "
                                    f"{sorted(unknown)}")
    return problems


def roles_problems(roles: Any, side: str) -> List[str]:
    """Problems of a recipe's ``inputRoles`` or ``outputRoles``."""
    if not isinstance(roles, list):
        return [f"{side} should be a list"]
    problems = []
    for index, role in enumerate(roles):
        where = f"{side}[{index}]"
        if not isinstance(role, dict) or not isinstance(role.get("name"), str) or not role["name"]:
            problems.append(f"{where}: needs a name")
            continue
        where = f"{side} {role['name']!r}"
        if role.get("arity") not in ("UNARY", "NARY"):
            problems.append(f"{where}: arity should be UNARY or NARY, got {role.get('arity')!r}")
        if not isinstance(role.get("required"), bool):
            problems.append(f"{where}: required should be true or false")
        for flag in ROLE_FLAGS:
            if flag in role and not isinstance(role[flag], bool):
                problems.append(f"{where}: {flag} should be true or false")
        if not any(role.get(flag, flag == "acceptsDataset") for flag in ROLE_FLAGS):
            problems.append(f"{where}: accepts nothing (acceptsDataset defaults to true)")
    return problems


def meta_problems(meta: Any) -> List[str]:
    """Problems of a component's ``meta``: a label and a description the user sees."""
    if not isinstance(meta, dict):
        return ["meta should be an object"]
    return [f"meta.{key} should be a non-empty text" for key in ("label", "description")
            if not isinstance(meta.get(key), str) or not meta[key].strip()]


def plausible_value(param: Dict[str, Any]) -> Any:
    """A value a user could enter for this parameter (its default when it has one)."""
    if param.get("defaultValue") is not None:
        return param["defaultValue"]
    kind, name = param["type"], param["name"]
    if kind == "INT":
        low, high = param.get("minI"), param.get("maxI")
        value = max(1, low) if low is not None else 1
        return min(value, high) if high is not None else value
    if kind == "DOUBLE":
        low, high = param.get("minD"), param.get("maxD")
        value = max(0.5, low) if low is not None else 0.5
        return min(value, high) if high is not None else value
    if kind == "BOOLEAN":
        return False
    if kind == "SELECT":
        return _choice_values(param)[0]
    if kind == "MULTISELECT":
        return _choice_values(param)[:1]
    if kind == "KEY_VALUE_LIST":
        return [{"from": "first", "to": "The first"}, {"from": "second", "to": "The second"}]
    if kind == "MAP":
        return {"key": "value"}
    if kind in ("DATASETS", "DATASET_COLUMNS", "COLUMNS"):
        return [f"{name}_1"]
    return f"{name}_value"


_KEEP = object()


def _domain(param: Dict[str, Any]) -> list:
    """Values of a parameter that conditions may test: every choice, both booleans, set or not."""
    kind = param.get("type")
    if kind == "BOOLEAN":
        return [True, False]
    if kind == "SELECT":
        return _choice_values(param)
    if kind == "MULTISELECT":
        return [[v] for v in _choice_values(param)] + [[]]
    return [_KEEP, None]  # as set in the config (so an example's value stays), or not set


def config_variants(params: Sequence[Dict[str, Any]], examples: Sequence[Dict[str, Any]] = (),
                    limit: int = 256) -> List[Dict[str, Any]]:
    """Raw configs that, together, reach every visibility branch.

    The minimal config (defaults and mandatory values only), the full one (every parameter set),
    then the full one with every combination of the values of the parameters that
    ``visibilityCondition`` expressions mention (one parameter at a time beyond ``limit`` combinations).
    Each of ``examples`` (raw values known to validate) is laid over the generated values.
    """
    usable = [p for p in params if p.get("type") != "SEPARATOR" and p.get("name")]
    minimal = {p["name"]: plausible_value(p) for p in usable
               if p.get("mandatory") or p.get("defaultValue") is not None}
    full = {p["name"]: plausible_value(p) for p in usable}
    mentioned = set()
    for p in params:
        mentioned |= condition_names(p.get("visibilityCondition") or "")
    switches = [p for p in usable if p["name"] in mentioned]
    domains = [_domain(p) for p in switches]
    combos: List[Dict[str, Any]] = []
    if switches:
        size = 1
        for domain in domains:
            size *= len(domain)
        if size <= limit:
            combos = [dict(zip([p["name"] for p in switches], values))
                      for values in itertools.product(*domains)]
        else:
            combos = [{p["name"]: value} for p, domain in zip(switches, domains) for value in domain]
    variants = []
    for overlay in list(examples) or [{}]:
        # The example's values replace generated ones, but not the switch a variant turns.
        variants += [{**minimal, **overlay}, {**full, **overlay}]
        variants += [{**full, **overlay, **{k: v for k, v in combo.items() if v is not _KEEP}}
                     for combo in combos]
    return variants


@contextmanager
def recording_readers() -> Iterator[List[ParamReader]]:
    """Collect every :class:`ParamReader` created inside the block, however its module imported it."""
    readers: List[ParamReader] = []
    original = ParamReader.__init__

    def recording_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        readers.append(self)

    ParamReader.__init__ = recording_init
    try:
        yield readers
    finally:
        ParamReader.__init__ = original


def names_read(parse: Callable[[Any], Any],
               variants: Sequence[Dict[str, Any]]) -> Tuple[List[set], List[str]]:
    """Parse each raw config; the names its ParamReaders read, and the ParamErrors met.

    A config that does not validate still counts what was read before the error.
    """
    reads, errors = [], []
    with recording_readers() as readers:
        for raw in variants:
            del readers[:]
            try:
                parse(raw)
            except ParamError as error:
                errors.append(f"{raw}: {error}")
            reads.append(set().union(*(reader.read_names for reader in readers)))
    return reads, errors


def visibility_cases(params: Sequence[Dict[str, Any]],
                     variants: Sequence[Dict[str, Any]]) -> Dict[str, Tuple[str, List[Dict[str, Any]]]]:
    """Each conditional parameter's ``(visibilityCondition, form models)``, to evaluate in AngularJS.

    The models are the raw ``variants`` as the settings form holds them (a parameter not set is
    absent), without repeats.
    """
    models: Dict[str, Dict[str, Any]] = {}
    for raw in variants:
        model = as_form_model(raw)
        models.setdefault(json.dumps(model, sort_keys=True), model)
    return {p["name"]: (p["visibilityCondition"], list(models.values())) for p in params
            if isinstance(p.get("visibilityCondition"), str) and p["visibilityCondition"].strip()
            and p.get("name")}


_HOW_TO_WRITE = ("DSS evaluates it as an AngularJS expression on a scope holding only `model`, where "
                 "JavaScript globals (Object, Math, JSON, Array...) are undefined: test the values "
                 "themselves, e.g. model.x == 'y', model.list.length > 0, !model.flag")


def visibility_problems(evaluations: Dict[str, Evaluation]) -> List[str]:
    """Problems of the conditions evaluated by AngularJS on every generated model, per parameter.

    A condition must parse, never throw, be true or false (DSS shows a parameter whose condition
    is undefined), and both show and hide its parameter among the models.
    """
    problems = []
    for name, found in evaluations.items():
        where = f"parameter {name!r}: visibilityCondition {found.expression!r}"
        if found.error:
            problems.append(f"{where} does not parse ({found.error}); {_HOW_TO_WRITE}")
            continue
        failed = [(model, error) for model, error in zip(found.models, found.errors) if error]
        undefined = [model for model, value in zip(found.models, found.values) if value == "undefined"]
        if failed:
            problems.append(f"{where} throws {failed[0][1]!r} when the settings are {failed[0][0]}; "
                            f"{_HOW_TO_WRITE}")
        elif undefined:
            problems.append(f"{where} is undefined when the settings are {undefined[0]}, and DSS shows a "
                            f"parameter whose condition is undefined: make it true or false, e.g. "
                            f"model.list.length > 0 rather than model.list && model.list.length > 0")
        elif not any(found.shown):
            problems.append(f"{where} is false in all {len(found.models)} generated settings, so DSS never "
                            f"shows the parameter; {_HOW_TO_WRITE}")
        elif all(found.shown):
            problems.append(f"{where} is true in all {len(found.models)} generated settings, so it hides "
                            f"nothing (an assignment `=` instead of `==`?); if some setting does hide it, "
                            f"add that setting to CONFIG_EXAMPLES in active_labeling/dss/components.py")
    return problems
