"""`make demo` and the demo's sample: a chosen port, and categories described so one can decide."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from active_labeling.local.demo import SAMPLES, build_sample
from active_labeling.table_files import read_table

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", ["tabular", "image", "sound"])
def test_each_demo_category_has_a_description_beyond_its_name(kind):
    for spec in SAMPLES[kind][1]:
        name, _, description = spec.partition("=")
        assert len(description.split()) >= 4, f"{name}: {description!r} does not help to decide"
        assert name.lower() not in description.lower(), f"{name}: the description repeats the name"


def test_the_iris_descriptions_give_ranges_that_hold_on_the_demo_data(tmp_path):
    from sklearn.datasets import load_iris

    data, categories, _ = build_sample("tabular", tmp_path)
    frame = read_table(data)
    species = load_iris().target_names[load_iris().target]  # the demo file keeps the rows' order
    for spec in categories:
        name, _, description = spec.partition("=")
        ranges = re.findall(r"(\w+_cm) (\d+\.\d) to (\d+\.\d)", description)
        assert len(ranges) == 2, description
        rows = frame[species == name]
        for column, low, high in ranges:
            assert (rows[column].min(), rows[column].max()) == (float(low), float(high)), (name, column)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.e2e
@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_make_demo_serves_on_the_port_given(tmp_path):
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "active-labeling").exists():
        pytest.skip("the active-labeling command is not installed in this environment")
    port = _free_port()
    # Run from tmp_path so that the demo's folder lands there; -o: never reinstall the virtualenv.
    process = subprocess.Popen(["make", "-f", str(REPO_ROOT / "Makefile"), f"BIN={bin_dir}",
                                "-o", f"{bin_dir}/.installed", "demo", f"PORT={port}"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    try:
        deadline, config = time.monotonic() + 60, None
        while config is None and time.monotonic() < deadline and process.poll() is None:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/api/config",
                                                 headers={"X-Requested-With": "active-labeling"})
                with urllib.request.urlopen(request, timeout=5) as answer:
                    config = json.loads(answer.read())
            except OSError:
                time.sleep(0.2)
        assert config is not None, process.stdout.read() if process.poll() is not None else "no answer"
        assert [c["name"] for c in config["categories"]] == ["setosa", "versicolor", "virginica"]
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # make and the demo it started (their own group)
        process.wait(10)
