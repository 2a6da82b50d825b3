"""Agreement figures kept up to date label by label (issue 15): time per label with 100,000 items
already labeled by 3 annotators each.

Fills a :class:`~active_labeling.teams.team.Team` with 300,000 labels (5 categories, noisy
annotators), then times (a) one more label (``Team.change``: agreement, final label, review
queue) and (b) reading the team panel's figures (``Team.snapshot``), each repeated; prints the
median and p95. Target: (a) + (b) <= 50 ms per label: the figures are sums over items updated
by what one label changes, never a recomputation. Usage: ``python benchmarks/bench_teams.py
[--quick]`` (quick: 10,000 items).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python-lib"))

from active_labeling.storage.base import LABELED, Decision  # noqa: E402
from active_labeling.tasks import task_of  # noqa: E402
from active_labeling.teams.final import FinalRule  # noqa: E402
from active_labeling.teams.team import Team  # noqa: E402

CATEGORIES = ["a", "b", "c", "d", "e"]
ANNOTATORS = [f"annotator{i}" for i in range(8)]
TARGET_MS = 50.0
REPEATS = 2000


def filled(items: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    task = task_of("category")
    team = Team(task, FinalRule(3, "review", task.agreement), CATEGORIES)
    label_id = 0
    truth = rng.integers(len(CATEGORIES), size=items)
    for item in range(items):
        for who in rng.choice(len(ANNOTATORS), size=3, replace=False):
            label_id += 1
            value = truth[item] if rng.random() < 0.8 else rng.integers(len(CATEGORIES))
            team.change(Decision(label_id, f"item{item}", ANNOTATORS[who], "", LABELED, CATEGORIES[value]))
    return team, label_id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    items = 10_000 if parser.parse_args().quick else 100_000
    started = time.perf_counter()
    team, label_id = filled(items)
    print(f"filled {items:,} items x 3 annotators in {time.perf_counter() - started:.1f} s")
    rng = np.random.default_rng(1)
    change, snapshot = [], []
    for n in range(REPEATS):
        # An annotator changes a label of an item (all three of its labels are there).
        item = f"item{int(rng.integers(items))}"
        who = team.labels_of(item)[0].annotator
        label_id += 1
        decision = Decision(label_id, item, who, "", LABELED, CATEGORIES[n % len(CATEGORIES)])
        began = time.perf_counter()
        team.change(decision)
        change.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        team.snapshot(everyone=True)
        snapshot.append((time.perf_counter() - began) * 1000)
    print(f"{'step':<32}{'median ms':>12}{'p95 ms':>10}")
    for name, times in (("(a) one label (Team.change)", change), ("(b) team panel (snapshot)", snapshot)):
        print(f"{name:<32}{statistics.median(times):>12.3f}{np.percentile(times, 95):>10.3f}")
    total = np.percentile(np.add(change, snapshot), 95)
    print(f"p95 of (a) + (b): {total:.3f} ms per label (target <= {TARGET_MS:.0f} ms): "
          f"{'ok' if total <= TARGET_MS else 'MISSED'}")
    return 0 if total <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
