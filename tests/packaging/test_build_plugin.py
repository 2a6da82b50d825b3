"""`make plugin`: the zip DSS receives holds the committed plugin and nothing else."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_FOLDERS = ("custom-recipes", "webapps", "python-lib", "python-triggers", "python-steps",
                   "resource", "code-env")
SHIPPED_ROOT_FILES = {"plugin.json", "LICENSE.md", "README.md"}
pytestmark = pytest.mark.skipif(not (REPO_ROOT / ".git").exists() or not shutil.which("git"),
                                reason="the plugin is built from a git commit")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=t@example.com",
                           *args], check=True, capture_output=True, text=True).stdout


def _clone(tmp_path: Path) -> Path:
    # A clone holds exactly what is committed, whatever the shared working directory contains.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
    return clone


def _build(clone: Path, out_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(clone / "tools" / "build_plugin.py"), "--repo", str(clone),
                           "--out-dir", str(out_dir)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A clone with uncommitted edits, and the zip built from it."""
    tmp_path = tmp_path_factory.mktemp("build")
    clone = _clone(tmp_path)
    (clone / "webapps" / "uncommitted-note.txt").parent.mkdir(exist_ok=True)
    (clone / "webapps" / "uncommitted-note.txt").write_text("not committed")
    (clone / "README.md").write_text("edited but not committed")
    cache = clone / "python-lib" / "active_labeling" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "stray.cpython-311.pyc").write_bytes(b"\0")
    done = _build(clone, tmp_path / "dist")
    assert done.returncode == 0, done.stderr
    zips = list((tmp_path / "dist").glob("*.zip"))
    assert len(zips) == 1, zips
    return clone, zips[0], done


def test_zip_is_named_after_the_plugin_version(built):
    clone, path, _ = built
    version = json.loads((clone / "plugin.json").read_text())["version"]
    assert path.name == f"dss-plugin-active-labeling-{version}.zip"


def test_zip_holds_every_committed_plugin_file_and_nothing_else(built):
    clone, path, _ = built
    committed = _git(clone, "ls-files").splitlines()
    expected = {
        name for name in committed
        if (name in SHIPPED_ROOT_FILES or name.split("/")[0] in SHIPPED_FOLDERS)
        and not name.endswith("oldest-constraints.txt")
    }
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert archive.testzip() is None
    assert names == expected
    assert "plugin.json" in names  # at the root, where DSS looks for it
    for name in names:
        top = name.split("/")[0]
        assert name in SHIPPED_ROOT_FILES or top in SHIPPED_FOLDERS, name
        assert "dss_standin" not in name and "__pycache__" not in name and not name.endswith(".pyc")
    assert not any(re.match(r"(tests|benchmarks|tools|docs|\.ci)/", name) for name in names)
    assert not names & {"Makefile", "pyproject.toml", "DEVELOPERS.md", ".gitignore"}


def test_uncommitted_edits_are_left_out_and_reported(built):
    clone, path, done = built
    with zipfile.ZipFile(path) as archive:
        readme = archive.read("README.md").decode()
        assert "webapps/uncommitted-note.txt" not in archive.namelist()
    assert readme == _git(clone, "show", "HEAD:README.md")
    assert "README.md" in done.stderr and "uncommitted" in done.stderr


def test_shipped_library_imports_from_the_unpacked_zip(built, tmp_path):
    _, path, _ = built
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path)
    plugin = json.loads((tmp_path / "plugin.json").read_text())
    # DSS puts the plugin's python-lib on sys.path; nothing else from the repository is there.
    done = subprocess.run([sys.executable, "-I", "-c",
                           "import sys; sys.path.insert(0, 'python-lib'); "
                           "import active_labeling as al; print(al.__version__, al.__file__)"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    version, location = done.stdout.split()
    assert version == plugin["version"]
    assert Path(location).resolve().is_relative_to(tmp_path.resolve())


def test_build_fails_when_versions_differ(tmp_path):
    clone = _clone(tmp_path)
    descriptor = json.loads((clone / "plugin.json").read_text())
    library_version = re.search(r'__version__ = "(.*)"',
                                (clone / "python-lib/active_labeling/__init__.py").read_text()).group(1)
    descriptor["version"] = library_version + "9"
    (clone / "plugin.json").write_text(json.dumps(descriptor))
    _git(clone, "commit", "--quiet", "-m", "bump plugin.json only", "plugin.json")
    done = _build(clone, tmp_path / "dist")
    assert done.returncode != 0
    assert library_version + "9" in done.stderr and repr(library_version) in done.stderr
    assert not list((tmp_path / "dist").glob("*.zip"))
