"""Run every ``benchmarks/bench_*.py`` in turn and let each print its table (``make bench``).

Usage: ``python benchmarks/run_all.py [--quick]``; ``--quick`` is passed to every script. Exits
non-zero when a script fails, after running the others.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = ["--quick"] if "--quick" in argv else []
    failed = []
    for script in sorted(Path(__file__).resolve().parent.glob("bench_*.py")):
        print(f"== {script.name} {' '.join(extra)}".rstrip(), flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(script), *extra])
        print(f"-- {script.name}: {'ok' if done.returncode == 0 else f'FAILED ({done.returncode})'} "
              f"in {time.perf_counter() - started:.0f} s\n", flush=True)
        if done.returncode:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
