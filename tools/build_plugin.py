"""Build the DSS plugin zip from the committed tree.

Usage: ``python tools/build_plugin.py [--repo DIR] [--ref HEAD] [--out-dir dist]`` (``make plugin``).

The zip holds what DSS needs and nothing else: ``plugin.json`` at its root, the license, the README
and the component folders. It is built from a commit (``git archive``), never from the working
directory, so an uncommitted edit or a stray cache file cannot end up in a shipped plugin. The
version comes from ``plugin.json`` and must equal ``active_labeling.__version__`` of the same commit.

Only the standard library is used, so the build needs no virtualenv.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT_FILES = ("plugin.json", "LICENSE.md", "README.md")
FOLDERS = ("custom-recipes/", "webapps/", "python-lib/", "python-triggers/", "python-steps/",
           "resource/", "code-env/")
# Pins for the oldest-versions test environment: a development tool, not part of the DSS code env.
EXCLUDED_FILES = ("code-env/python/spec/oldest-constraints.txt",)
# Caches and build leftovers, should any ever get committed.
EXCLUDED_PARTS = ("__pycache__", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints")
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".egg-info", ".DS_Store")
VERSION_FILE = "python-lib/active_labeling/__init__.py"


class BuildError(Exception):
    """The plugin cannot be built; the message says why and what to do."""


def is_shipped(path: str) -> bool:
    """Whether a repository path belongs in the plugin zip.

    Parameters
    ----------
    path : str
        A path relative to the repository root, with ``/`` separators.

    Returns
    -------
    bool
    """
    if path in EXCLUDED_FILES:
        return False
    parts = path.split("/")
    if any(part in EXCLUDED_PARTS or part.endswith(EXCLUDED_SUFFIXES) for part in parts):
        return False
    return path in ROOT_FILES or path.startswith(FOLDERS)


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    except FileNotFoundError:
        raise BuildError("git is not installed; the plugin is built from a git commit.") from None
    except subprocess.CalledProcessError as error:
        message = error.stderr.decode(errors="replace").strip()
        raise BuildError(f"git {' '.join(args)} failed: {message}") from None
    return done.stdout


def committed_files(repo: Path, ref: str = "HEAD") -> Tuple[Dict[str, Tuple[bytes, int]], int]:
    """Read the shipped files of a commit.

    Parameters
    ----------
    repo : Path
        The repository.
    ref : str
        The commit (or branch, tag) to read.

    Returns
    -------
    files : dict
        Path → (content, unix mode) of every shipped regular file.
    commit_time : int
        The commit's timestamp, used as every entry's date so that a build is reproducible.
    """
    archive = _git(repo, "archive", "--format=tar", ref)
    files: Dict[str, Tuple[bytes, int]] = {}
    commit_time = 0
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            commit_time = max(commit_time, int(member.mtime))
            if member.isdir() or not is_shipped(member.name):
                continue
            if not member.isfile():
                # A link would point outside the zip once DSS unpacks it elsewhere.
                raise BuildError(f"{member.name} is a link; commit a regular file instead.")
            extracted = tar.extractfile(member)
            assert extracted is not None
            files[member.name] = (extracted.read(), member.mode)
    return files, commit_time


def plugin_version(files: Dict[str, Tuple[bytes, int]]) -> Tuple[str, str]:
    """The plugin id and version, checked against ``active_labeling.__version__``.

    Raises
    ------
    BuildError
        When plugin.json is missing or invalid, or the two versions differ.
    """
    if "plugin.json" not in files:
        raise BuildError("plugin.json is not committed at the repository root.")
    try:
        descriptor = json.loads(files["plugin.json"][0].decode("utf-8"))
        plugin_id, version = descriptor["id"], descriptor["version"]
    except (ValueError, KeyError, TypeError) as error:
        raise BuildError(f"plugin.json is not a valid plugin descriptor ({error}).") from None
    source = files.get(VERSION_FILE, (b"", 0))[0].decode("utf-8")
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", source, re.MULTILINE)
    if not match:
        raise BuildError(f"{VERSION_FILE} defines no __version__.")
    if match.group(1) != version:
        raise BuildError(
            f"plugin.json has version {version} but {VERSION_FILE} has __version__ = "
            f"{match.group(1)!r}; make them equal and commit."
        )
    return plugin_id, version


def write_zip(files: Dict[str, Tuple[bytes, int]], commit_time: int, path: Path) -> None:
    """Write the files into a zip, ``plugin.json`` at its root, in a stable order."""
    date = time.gmtime(max(commit_time, 315532800))[:6]  # zip dates start in 1980
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".zip.part")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            content, mode = files[name]
            info = zipfile.ZipInfo(name, date_time=date)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | (mode & 0o777)) << 16
            archive.writestr(info, content)
    # Replace the old zip only once the new one is complete.
    temporary.replace(path)


def uncommitted_changes(repo: Path) -> List[str]:
    """Shipped paths whose working copy differs from HEAD (they are not in the zip)."""
    status = _git(repo, "status", "--porcelain", "--untracked-files=all").decode(errors="replace")
    paths = [line[3:].split(" -> ")[-1].strip('"') for line in status.splitlines() if len(line) > 3]
    return [path for path in paths if is_shipped(path)]


def build(repo: Path, ref: str = "HEAD", out_dir: Optional[Path] = None) -> Path:
    """Build ``dss-plugin-<id>-<version>.zip`` from a commit.

    Parameters
    ----------
    repo : Path
        The repository.
    ref : str
        The commit to package.
    out_dir : Path, optional
        Where to write the zip; ``<repo>/dist`` by default.

    Returns
    -------
    Path
        The zip written.
    """
    files, commit_time = committed_files(repo, ref)
    plugin_id, version = plugin_version(files)
    path = (out_dir or repo / "dist") / f"dss-plugin-{plugin_id}-{version}.zip"
    write_zip(files, commit_time, path)
    return path


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Build the DSS plugin zip from a git commit.")
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1],
                        help="the repository (default: the one holding this tool)")
    parser.add_argument("--ref", default="HEAD", help="the commit to package (default: HEAD)")
    parser.add_argument("--out-dir", type=Path, help="where to write the zip (default: <repo>/dist)")
    args = parser.parse_args(argv)
    try:
        path = build(args.repo, args.ref, args.out_dir)
        pending = uncommitted_changes(args.repo) if args.ref == "HEAD" else []
    except BuildError as error:
        print(f"build_plugin: {error}", file=sys.stderr)
        return 1
    with zipfile.ZipFile(path) as archive:
        count = len(archive.namelist())
    print(f"Built {path} ({count} files, {path.stat().st_size / 1024:.0f} KiB) from {args.ref}.")
    if pending:
        shown = ", ".join(pending[:5]) + (", ..." if len(pending) > 5 else "")
        print(f"Note: uncommitted changes are not in the zip: {shown}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
