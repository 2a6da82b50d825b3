"""Labeling UI speed: from a hotkey press to the next item painted, in headless Chromium.

Runs the real local server (``active-labeling serve``) on generated data for each kind, labels
items with the keyboard and reads the page's own measurements (``window.__labelingMetrics``:
the key event's time stamp to the first frame painted after the next item is in the DOM, and
the label requests' round trips). Prints one table. Run alone:

    .venv/bin/python benchmarks/bench_ui.py [--items 60] [--think-ms 250] [--quick]

The target of the labeling UI: p95 of hotkey -> next item painted at most 50 ms for tabular,
text and image items, with the server local. Text items are 2,000-character texts (paragraphs
of generated headlines, ``tests/text_corpus.py``), shown with a context column. "media ready" is
the share of items whose media (decoded image, sound clip + waveform + spectrogram) was already
prefetched when the item was shown. "suggestions" is the tabular pool served from queries that
carry the model's guess on every item (the Query Sampler's ``prediction`` and ``probabilities``):
the suggested category is marked, the reason is written next to the item, and every other key is
Enter (the suggestion accepted), the others category keys (overridden).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from labeling_ui_support import (  # noqa: E402
    CATEGORIES,
    LabelingServer,
    launch_chromium,
    make_data,
    make_texts,
    open_app,
    percentile,
    press_and_wait_change,
    wait_all_saved,
)

TARGET_MS = {"tabular": 50.0, "text": 50.0, "image": 50.0, "suggestions": 50.0}
TEXT_CHARS = 2000


def _queries_with_suggestions(data: Path, categories, out: Path) -> Path:
    """Every row of the pool as a query with a model's guess, as the Query Sampler writes them."""
    import pandas as pd

    rows = pd.read_csv(data)
    guesses = [categories[i % len(categories)] for i in range(len(rows))]
    tables = [json.dumps({g: 0.55, next(c for c in categories if c != g): 0.45}) for g in guesses]
    rows.assign(score=1.0, rank=range(1, len(rows) + 1), strategy="margin", model_version="bench",
                prediction=guesses, probabilities=tables).to_csv(out, index=False)
    return out


def run_kind(browser, kind: str, folder: Path, items: int, think_ms: float) -> dict:
    if kind in ("tabular", "suggestions") and items > 140:
        raise SystemExit("--items: at most 140 (the tabular pool is iris, 150 rows)")
    extra = []
    if kind == "suggestions":
        data = make_data("tabular", folder / "data")
        extra = ["--queries", str(_queries_with_suggestions(data, CATEGORIES["tabular"],
                                                             folder / "queries.csv"))]
    elif kind == "text":
        (folder / "data").mkdir(parents=True, exist_ok=True)
        data = make_texts(folder / "data", count=items + 10, chars=TEXT_CHARS)
    else:
        data = make_data(kind, folder / "data", count=items + 10)
    server_kind = "tabular" if kind == "suggestions" else kind
    server = LabelingServer(server_kind, data, folder / f"workspace-{kind}-{int(think_ms)}",
                            CATEGORIES[server_kind], extra)
    try:
        page = open_app(browser, server.url)
        page.wait_for_timeout(1000)   # let the first prefetch finish, as a person reads the first item
        started = time.perf_counter()
        for i in range(items):
            # With suggestions, every other item takes the model's guess (Enter).
            press_and_wait_change(page, "Enter" if kind == "suggestions" and i % 2 else str(i % 3 + 1))
            if think_ms:
                page.wait_for_timeout(think_ms)
        wait_all_saved(page, timeout=60000)
        elapsed = time.perf_counter() - started
        metrics = page.evaluate("window.__labelingMetrics")
        page.context.close()
    finally:
        server.stop()
    paints = [s["ms"] for s in metrics["samples"]]
    acks = metrics["acks"]
    return {"kind": kind, "think": think_ms, "n": len(paints), "p50": percentile(paints, 50),
            "p95": percentile(paints, 95), "max": max(paints), "ack50": percentile(acks, 50),
            "ack95": percentile(acks, 95), "rate": items / elapsed,
            "ready": 100.0 * sum(bool(s.get("ready")) for s in metrics["samples"]) / max(1, len(paints))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=60, help="items labeled per kind (default 60)")
    parser.add_argument("--think-ms", type=float, default=250.0,
                        help="pause between two keys, a fast annotator's (default 250 ms); "
                             "a back-to-back run (0) is always added")
    parser.add_argument("--kinds", default="tabular,suggestions,text,image,sound")
    parser.add_argument("--quick", action="store_true", help="20 items per kind (make bench --quick)")
    args = parser.parse_args(argv)
    if args.quick:
        args.items = 20
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for kind in args.kinds.split(","):
                for think in sorted({args.think_ms, 0.0}, reverse=True):
                    rows.append(run_kind(browser, kind, Path(tmp) / kind, args.items, think))
        finally:
            browser.close()

    print("Labeling UI: hotkey -> next item painted (ms), label round trip (ms); local server, "
          "headless Chromium, 1280x800")
    if "text" in args.kinds.split(","):
        print(f"text: {TEXT_CHARS:,}-character texts (shown folded behind 'more' past 1,500 characters)")
    header = (f"{'kind':<11} {'pause ms':>8} {'n':>4} {'p50':>7} {'p95':>7} {'max':>7} "
              f"{'ack p50':>8} {'ack p95':>8} {'items/s':>8} {'media ready':>11}  target p95")
    print(header)
    print("-" * len(header))
    for r in rows:
        target = TARGET_MS.get(r["kind"])
        verdict = "" if target is None else f"<= {target:.0f}: " + ("met" if r["p95"] <= target else "MISSED")
        print(f"{r['kind']:<11} {r['think']:>8.0f} {r['n']:>4} {r['p50']:>7.1f} {r['p95']:>7.1f} "
              f"{r['max']:>7.1f} {r['ack50']:>8.1f} {r['ack95']:>8.1f} {r['rate']:>8.1f} "
              f"{r['ready']:>10.0f}%  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
