"""Speed of the "every n labelings" trigger's decision on a large metadata dataset.

Builds a metadata dataset (every column the webapp writes; 85 % labeled, 15 % skipped; dates over
a month, the current generation written at 80 % of it) in the file-backed DSS stand-in, then times:

- (a) counting + deciding on the two columns already in memory (``count_labelings`` + ``decide``);
- (b) what one trigger run does: read ``status`` and ``date`` through ``dataiku.Dataset`` and the
  project variables, count, decide (``active_labeling.dss.trigger_io.evaluate``);
- (b2) the read alone: ``status`` and ``date`` as DataFrame columns (``read_decision_columns``);
- (c) the same as (b) but reading every column, for comparison.

Target: (b) ≤ 200 ms on 1,000,000 rows. (b) measures the stand-in's reader, which reads only the
requested columns of its header-less CSV files (pyarrow's multi-threaded CSV reader, as a columnar
store would); in DSS the read cost depends on the connection (a SQL table is read column-wise by
the database, a file-based dataset is streamed by DSS's backend), so (a) is the part this plugin
controls. Usage: ``python benchmarks/bench_trigger.py [--quick]`` (quick: 100,000 rows).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python-lib"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "dss_standin"))
REPEATS = 5
TARGET_MS = 200.0


def metadata_frame(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """Decisions as the webapp writes them, in date order."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-10-01T00:00:00Z").value // 10**6
    millis = np.sort(rng.integers(0, 30 * 86400 * 1000, size=n_rows)) + start
    dates = pd.to_datetime(millis, unit="ms", utc=True).strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z"
    labeled = rng.random(n_rows) < 0.85
    return pd.DataFrame({
        "item_id": [f"{i:012x}" for i in rng.integers(0, 2**40, size=n_rows)],
        "annotator": rng.choice(["alice", "bob", "carol"], size=n_rows),
        "date": dates,
        "status": np.where(labeled, "labeled", "skipped"),
        "label": np.where(labeled, rng.choice(["cat", "dog", "bird"], size=n_rows), ""),
        "comment": "",
        "session": "s1",
        "label_id": np.arange(1, n_rows + 1),
    })


def timed(function, repeats: int = REPEATS) -> tuple:
    """(best, median) wall time in milliseconds: the best shows the cost on a quiet machine."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows instead of 1,000,000")
    args = parser.parse_args()
    sizes = [100_000] if args.quick else [100_000, 1_000_000]
    with tempfile.TemporaryDirectory() as root:
        os.environ["DKU_STANDIN_ROOT"] = root
        os.environ["DKU_CURRENT_PROJECT_KEY"] = "BENCH"
        import dataiku
        from standin_admin import StandInAdmin

        from active_labeling.dss.trigger_io import evaluate, read_decision_columns
        from active_labeling.generation import with_generation_bumped
        from active_labeling.trigger_config import TriggerConfig
        from active_labeling.triggering import count_labelings, decide

        print("times in ms, best / median of "
              f"{REPEATS}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'rows':>10} | {'(a) count':>15} | {'(b) trigger run':>15} | {'(b2) read':>15} "
              f"| {'(c) all columns':>15} | target (b) ≤ {TARGET_MS:.0f} ms")
        for n_rows in sizes:
            admin = StandInAdmin(os.path.join(root, f"n{n_rows}"), "BENCH")
            os.environ["DKU_STANDIN_ROOT"] = str(admin.root)
            frame = metadata_frame(n_rows)
            admin.create_dataset("metadata", frame)
            generation_date = pd.Timestamp(frame["date"].iloc[int(n_rows * 0.8)]).to_pydatetime()
            variables, generation = with_generation_bumped(admin.get_variables(), "BENCH.queries",
                                                           now=generation_date)
            admin.set_variables(variables)
            since = variables["local"]["active_labeling_queries_generation_date"]["BENCH.queries"]
            config = TriggerConfig(n=100, metadata_dataset="metadata", queries_dataset="queries")
            count_ms = timed(lambda f=frame, s=since, g=generation:
                             decide(count_labelings(f["status"], f["date"], s), 100, g, None))
            decision = evaluate(config, None, "BENCH")
            trigger_ms = timed(lambda c=config: evaluate(c, None, "BENCH"))
            read_ms = timed(lambda: read_decision_columns("BENCH.metadata"))
            all_ms = timed(lambda: dataiku.Dataset("metadata", project_key="BENCH").get_dataframe(),
                           repeats=2)
            verdict = "ok" if trigger_ms[0] <= TARGET_MS else "MISSED"
            cells = " | ".join(f"{best:>6.0f} / {median:>6.0f}"
                               for best, median in (count_ms, trigger_ms, read_ms, all_ms))
            print(f"{n_rows:>10,} | {cells} | {verdict} "
                  f"(fires: {decision.fire}, {decision.params['labelings_in_generation']:,} in generation)")


if __name__ == "__main__":
    main()
