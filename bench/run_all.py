"""Run every benchmark in turn (`make bench`); each prints its own figures."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "engine_bench.py",
    "home_bench.py",
    "events_bench.py",
    "bandit_bench.py",
    "push_bench.py",
    "rollup_bench.py",
]

for name in BENCHMARKS:
    path = HERE / name
    if not path.exists():
        continue
    print(f"\n=== {name}", flush=True)
    subprocess.run([sys.executable, str(path)], check=True)
