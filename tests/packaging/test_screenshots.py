"""`make test` leaves the documentation's screenshots alone; `make screenshots` retakes them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
IMAGES = REPO_ROOT / "resource" / "img-doc"


def _screenshot_folder(**env) -> Path:
    """Where the browser session test puts its screenshots, with ``env`` set."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import test_labeling_session as t; "
            "print(t.SCREENSHOTS)")
    environment = {k: v for k, v in os.environ.items() if k != "ACTIVE_LABELING_SCREENSHOTS"}
    done = subprocess.run([sys.executable, "-c", code, str(REPO_ROOT / "tests" / "browser")],
                          env={**environment, **env}, capture_output=True, text=True, timeout=60, check=True)
    return Path(done.stdout.strip())


@pytest.mark.skipif(not shutil.which("git") or not (REPO_ROOT / ".git").exists(),
                    reason="needs a git checkout")
def test_the_tests_write_their_screenshots_to_a_git_ignored_build_folder():
    folder = _screenshot_folder()
    assert folder == REPO_ROOT / "build" / "screenshots"
    ignored = subprocess.run(["git", "-C", str(REPO_ROOT), "check-ignore", "-q",
                              str(folder / "webapp-ui-tabular.png")], timeout=30)
    assert ignored.returncode == 0, f"{folder} is not ignored by git: a test run would leave changes"


@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_make_screenshots_retakes_the_documentation_images():
    bin_dir = Path(sys.executable).parent
    planned = subprocess.run(["make", "-n", "-C", str(REPO_ROOT), f"BIN={bin_dir}",
                              "-o", f"{bin_dir}/.installed", "screenshots"],
                             capture_output=True, text=True, timeout=60)
    assert planned.returncode == 0, planned.stderr
    assert f"ACTIVE_LABELING_SCREENSHOTS={IMAGES}" in planned.stdout
    assert "tests/browser/test_labeling_session.py" in planned.stdout
    assert _screenshot_folder(ACTIVE_LABELING_SCREENSHOTS=str(IMAGES)) == IMAGES
