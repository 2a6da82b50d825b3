"""Benchmark of the workspace's integrity check, backup and recovery on many labels.

Pre-fills a workspace with 1,000,000 labels (``--quick``: 50,000) on a pool of as many rows
(``bench_service``'s pool and pre-fill), then measures:

- ``PRAGMA quick_check`` (run each time a workspace opens) against ``PRAGMA integrity_check``
  (run before a backup), each on a new read-only connection, median of 3, with the file in the
  OS cache;
- opening the workspace (the check included), and the start of ``active-labeling serve`` on it
  (process start to the first ``/api/config`` answer) with the server's peak RSS;
- ``active-labeling backup`` of the workspace, and ``active-labeling recover`` of a copy with one
  damaged page.

Run: ``python benchmarks/bench_workspace.py [--quick]``. Prints a table.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_service import Server, make_pool, prefill  # the same pool and labels as the service's

from active_labeling.local.backup import backup  # noqa: E402 (bench_service puts python-lib first)
from active_labeling.local.recover import recover  # noqa: E402
from active_labeling.local.tabular import TabularFilePool  # noqa: E402
from active_labeling.local.workspace import DB_NAME, Workspace  # noqa: E402


def median_seconds(action, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def check(database: Path, pragma: str) -> None:
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        assert db.execute(f"PRAGMA {pragma}").fetchall() == [("ok",)]
    finally:
        db.close()


def damage_one_page(database: Path) -> None:
    """Random bytes over one page in the middle of the file."""
    size = int.from_bytes(database.read_bytes()[16:18], "big")
    pages = database.stat().st_size // size
    with open(database, "r+b") as stream:
        stream.seek(pages // 2 * size)
        stream.write(random.Random(0).randbytes(size))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    labels = 50_000 if args.quick else 1_000_000
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-workspace-") as tmp:
        tmp = Path(tmp)
        data, workspace = tmp / "pool.parquet", tmp / "ws"
        began = time.perf_counter()
        make_pool(data, labels)
        prefill(workspace, data, TabularFilePool(data), labels)
        print(f"prepared {labels:,} labels in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        database = workspace / DB_NAME
        size = database.stat().st_size / 1e6
        results.append((f"workspace database, {labels:,} labels", "MB", f"{size:.0f}", ""))
        for pragma in ("quick_check", "integrity_check"):
            seconds = median_seconds(lambda pragma=pragma: check(database, pragma))
            results.append((f"PRAGMA {pragma}, {labels:,} labels", "s", f"{seconds:.2f}",
                            "(run at open)" if pragma == "quick_check" else "(run before a backup)"))
        seconds = median_seconds(lambda: Workspace(workspace, create=False).close())
        results.append((f"open the workspace, check included, {labels:,} labels", "s", f"{seconds:.2f}", ""))
        server = Server(data, workspace, ["--annotator", "bench"])
        rss = server.peak_rss_mb()
        server.stop()
        results.append((f"serve start, {labels:,}-row pool, {labels:,} labels stored", "s",
                        f"{server.start_seconds:.2f}", "≤ 5"))
        results.append((f"serve peak RSS, {labels:,}-row pool, {labels:,} labels stored", "MB", f"{rss:.0f}",
                        "≤ 1536"))

        started = time.perf_counter()
        backup(workspace, tmp / "backup.sqlite")
        results.append((f"backup, {labels:,} labels", "s", f"{time.perf_counter() - started:.2f}", ""))
        damaged = tmp / "damaged"
        damaged.mkdir()
        (tmp / "backup.sqlite").replace(damaged / DB_NAME)
        damage_one_page(damaged / DB_NAME)
        started = time.perf_counter()
        report = recover(damaged, tmp / "recovered")
        results.append((f"recover, one damaged page, {labels:,} labels", "s",
                        f"{time.perf_counter() - started:.2f}",
                        f"{report.decisions:,} of {labels:,} decisions saved, {report.values_lost} "
                        f"values lost, {report.rebuilt:,} rebuilt from labels "
                        f"(damaged: {', '.join(report.unreadable) or 'an index'})"))

    width = max(len(r[0]) for r in results)
    print(f"{'measure':<{width}}  {'unit':>5}  {'value':>8}  target / note")
    for what, unit, value, note in results:
        print(f"{what:<{width}}  {unit:>5}  {value:>8}  {note}")


if __name__ == "__main__":
    main()
