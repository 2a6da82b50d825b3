"""`make test-oldest` really tests the oldest versions the DSS code env admits.

The pins of code-env/python/spec/oldest-constraints.txt must be the lower bounds of
requirements.txt (what DSS installs) and of pyproject.toml (what local mode installs).
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "code-env" / "python" / "spec"


def _requirements(lines):
    found = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if line:
            requirement = Requirement(line)
            found[canonicalize_name(requirement.name)] = requirement
    return found


def _lower_bound(requirement: Requirement):
    bounds = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "==")]
    return min(bounds) if bounds else None


def _pyproject_dependencies():
    text = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^dependencies\s*=\s*\[(.*?)^\]", text, re.MULTILINE | re.DOTALL).group(1)
    return _requirements(re.findall(r'^\s*"([^"]+)"', block, re.MULTILINE))


def test_every_code_env_requirement_is_pinned_at_its_lower_bound():
    required = _requirements((SPEC / "requirements.txt").read_text().splitlines())
    pins = _requirements((SPEC / "oldest-constraints.txt").read_text().splitlines())
    assert required
    for name, requirement in required.items():
        lower = _lower_bound(requirement)
        assert lower is not None, f"requirements.txt: give {name} a lower bound (>=)"
        assert name in pins, f"oldest-constraints.txt does not pin {name}"
        assert _lower_bound(pins[name]) == lower, f"{name}: pinned {pins[name]}, lower bound {lower}"


def test_pyproject_lower_bounds_match_the_code_env():
    required = _requirements((SPEC / "requirements.txt").read_text().splitlines())
    local = _pyproject_dependencies()
    pins = _requirements((SPEC / "oldest-constraints.txt").read_text().splitlines())
    for name, requirement in required.items():
        assert name in local, f"pyproject.toml lacks {name}, which the DSS code env installs"
        assert _lower_bound(local[name]) == _lower_bound(requirement), name
    for name, pin in pins.items():
        if name in local and _lower_bound(local[name]) is not None:
            assert _lower_bound(pin) == _lower_bound(local[name]), f"{name}: {pin} vs pyproject {local[name]}"
