"""Benchmark: reading the real InserJeunes CFA file (11,314 rows) against the csv module's floor.

Not a test: prints figures and a ratio. The floor is Python's csv module splitting the same
decoded text in the same run (no type checks, no figures); ``read_file`` also recognises the
file, checks every field and builds the records. Replaces a timed test (speed is measured here,
never asserted against a clock).

    python benchmarks/bench_inserjeunes.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import io
import time
from pathlib import Path

from ortkpi_xl.inserjeunes import read_file

REAL = Path(__file__).resolve().parent.parent / "tests/data/inserjeunes/fr-en-inserjeunes-cfa.csv"


def floor(path: Path) -> int:
    text = path.read_bytes().decode("utf-8-sig")
    return sum(1 for _ in csv.reader(io.StringIO(text), delimiter=";"))


def best(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    base = best(lambda: floor(REAL), args.repeat)
    ours = best(lambda: read_file(REAL), args.repeat)
    print(f"{'fichier':<28} {'csv seul (s)':>12} {'read_file (s)':>14} {'ratio':>6}")
    print(f"{REAL.name:<28} {base:>12.3f} {ours:>14.3f} {ours / base:>5.1f}×")


if __name__ == "__main__":
    main()
