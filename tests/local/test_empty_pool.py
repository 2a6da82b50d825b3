"""An empty pool says why, at start on the console and to the page (GET /api/config "empty_pool"):
no rows, or the folder's files are of another kind (listed), with what to do."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from local_helpers import Api, running, write_pool

from active_labeling.local.app import LocalSetup


def _folder_of_pictures(tmp_path):
    folder = tmp_path / "media"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.png", "b.PNG", "sub/c.jpg", "notes.txt", ".DS_Store"):
        (folder / name).write_bytes(b"not read")
    return folder


def _empty_pool(setup):
    with running(setup) as (_, port):
        status, config = Api(port).get("/api/config")
        assert status == 200
        return config["empty_pool"]


def test_a_folder_of_other_files_says_which_were_ignored_and_which_kind_fits(tmp_path):
    folder = _folder_of_pictures(tmp_path)
    reason = _empty_pool(LocalSetup(kind="sound", data=folder, categories=["a"], workspace=tmp_path / "ws"))
    assert f"No sound files in {folder.resolve()} (sound items are .wav, .flac, .ogg, .mp3 files" in reason
    assert "5 files ignored (2 .png, 1 .jpg, 1 .txt, 1 hidden)" in reason
    assert "3 of them are images: serve with --kind image" in reason


def test_an_empty_folder_and_a_header_only_table_say_what_to_add(tmp_path):
    (tmp_path / "nothing").mkdir()
    reason = _empty_pool(LocalSetup(kind="image", data=tmp_path / "nothing", categories=["a"],
                                    workspace=tmp_path / "ws1"))
    assert "holds no files. Add image files (.png, .jpg" in reason
    (tmp_path / "pool.csv").write_text("text,length\n")
    reason = _empty_pool(LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["a"],
                                    workspace=tmp_path / "ws2"))
    assert "pool.csv has no rows: its header names the columns (text, length)" in reason
    assert "Add one row per item" in reason


def test_a_pool_with_items_has_no_empty_reason(tmp_path):
    write_pool(tmp_path / "pool.csv")
    assert _empty_pool(LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=["a"],
                                  workspace=tmp_path / "ws")) is None


@pytest.mark.e2e
def test_serve_says_at_start_why_the_pool_is_empty(tmp_path):
    folder = _folder_of_pictures(tmp_path)
    command = Path(sys.executable).parent / "active-labeling"
    if not command.exists():
        pytest.skip("the active-labeling command is not installed in this environment")
    process = subprocess.Popen([str(command), "serve", "--kind", "sound", "--data", str(folder),
                                "--categories", "a", "--workspace", str(tmp_path / "ws"), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "open http" in line:
                break
        printed = "".join(lines)
        assert "warning: the pool is empty. No sound files in" in printed, printed
        assert "serve with --kind image" in printed
    finally:
        process.terminate()
        process.wait(10)
