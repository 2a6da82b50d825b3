"""End to end: `serve --retrain-every 20`, 20 labels over HTTP, a new generation the next batch follows."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import soundfile
from PIL import Image
from retrain_helpers import (
    REPO,
    Server,
    assert_batch_follows_model,
    label_batches,
    wait_for_generation,
    wait_for_round,
)

pytestmark = pytest.mark.e2e


def tabular_pool(path, rows=200, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"x1": rng.normal(size=rows).round(4), "x2": rng.normal(size=rows).round(4),
                          "colour": rng.choice(["red", "green", "blue"], size=rows)})
    frame.to_csv(path, index=False)
    return frame


def tabular_truth(item):
    return "high" if item["data"]["x1"] + 0.5 * item["data"]["x2"] > 0 else "low"


def run_loop(tmp_path, kind, data, categories, truth, frame_of, ids):
    workspace = tmp_path / "ws"
    server = Server(["--kind", kind, "--data", str(data), "--categories", categories,
                     "--retrain-every", "20", "--annotator", "tester"], workspace)
    try:
        first = server.call("GET", "/api/batch?size=1")
        assert first["generation"] == 0  # no queries before the first round
        server.call("POST", "/api/release", {})
        labeled = label_batches(server, 20, truth)
        entry = wait_for_round(workspace, 1, server)
        assert entry["labels"] == 20 and entry["queries"] > 0
        wait_for_generation(server, 1)
        assert_batch_follows_model(server, entry, dict.fromkeys(ids), labeled, frame_of=frame_of)
    finally:
        server.close()
    status = subprocess.run([sys.executable, "-m", "active_labeling.cli", "status", "--workspace",
                             str(workspace)], capture_output=True, text=True,
                            env={"PYTHONPATH": str(REPO / "python-lib"), "PATH": ""})
    assert status.returncode == 0, status.stderr
    assert "20 labelings" in status.stdout
    round_line = [line for line in status.stdout.splitlines() if line.strip().startswith("1 ")]
    assert round_line and " ok " in round_line[0] and " 20 " in round_line[0]
    return entry


def test_tabular_loop(tmp_path):
    data = tmp_path / "pool.csv"
    frame = tabular_pool(data)
    from active_labeling import items

    ids = items.ids_from_hashes(items.row_hashes(frame, list(frame.columns)))
    by_id = dict(zip(ids, range(len(ids))))
    entry = run_loop(tmp_path, "tabular", data, "low,high", tabular_truth,
                     lambda chosen: frame.iloc[[by_id[i] for i in chosen]], ids)
    assert entry["accuracy"] is not None and entry["folds"] >= 2
    # The default strategy; the pool left (180 rows) is smaller than a batch: every row, ranked.
    queries = pd.read_parquet(entry["queries_file"])
    assert set(queries["strategy"]) == {"balanced"} and len(queries) == 180


def test_image_loop(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for index in range(60):
        warm = index % 2 == 0
        base = np.array([200, 60, 40] if warm else [40, 80, 200], dtype=float)
        pixels = np.clip(base + rng.normal(0, 60, size=(20, 20, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"{'warm' if warm else 'cold'}_{index:02d}.png")
    ids = sorted(f"/{p.name}" for p in folder.iterdir())
    frame_of = lambda chosen: pd.DataFrame({"path": [str(folder.resolve()) + i for i in chosen]})  # noqa: E731
    run_loop(tmp_path, "image", folder, "warm,cold", lambda item: item["id"][1:5], frame_of, ids)


def test_sound_loop(tmp_path):
    folder = tmp_path / "sounds"
    folder.mkdir()
    rng = np.random.default_rng(2)
    rate = 16000
    for index in range(40):
        high = index % 2 == 0
        t = np.arange(int(rate * 0.4)) / rate
        frequency = rng.uniform(2000, 3000) if high else rng.uniform(150, 300)
        wave = 0.5 * np.sin(2 * np.pi * frequency * t) + 0.05 * rng.normal(size=len(t))
        name = f"{'high' if high else 'lows'}_{index:02d}.wav"
        soundfile.write(str(folder / name), wave.astype(np.float32), rate)
    ids = sorted(f"/{p.name}" for p in folder.iterdir())
    frame_of = lambda chosen: pd.DataFrame({"path": [str(folder.resolve()) + i for i in chosen]})  # noqa: E731
    run_loop(tmp_path, "sound", folder, "high,lows", lambda item: item["id"][1:5], frame_of, ids)


def test_the_loop_keeps_the_outcomes_of_balanced_exploration_picks_between_rounds(tmp_path):
    data = tmp_path / "pool.csv"
    tabular_pool(data, rows=1500)
    workspace = tmp_path / "ws"
    state = workspace / "retrain" / "exploration.json"
    server = Server(["--kind", "tabular", "--data", str(data), "--categories", "low,high",
                     "--retrain-every", "20", "--annotator", "tester"], workspace)
    try:
        label_batches(server, 20, tabular_truth)
        wait_for_round(workspace, 1, server)
        wait_for_generation(server, 1)
        queries = pd.read_parquet(workspace / "retrain" / "queries.parquet")
        first = json.loads(state.read_text())
        # 20 labels of 2 classes: a quarter of the 1,000 queries explores; the first 200 wait for labels.
        explored = queries.loc[queries["strategy"] == "balanced:explore", "x1"]
        assert len(explored) == 250 and first["outcomes"] == [] and len(first["pending"]) == 200
        labeled = label_batches(server, 20, tabular_truth)  # the new order: every 4th is a pick
        wait_for_round(workspace, 2, server)
    finally:
        server.close()
    second = json.loads(state.read_text())
    pending = {item_id: (confidence, predicted) for item_id, confidence, predicted in first["pending"]}
    resolved = [pending[i] for i in labeled if i in pending]
    assert len(resolved) >= 4 and len(second["outcomes"]) == len(resolved)
    assert [confidence for confidence, _ in second["outcomes"]] == [c for c, _ in resolved]
