"""Benchmark: what a click on a ribbon button pays in imports before any work.

Not a test: imports each module in a fresh interpreter ``--repeat`` times and prints the median
CPU time of the import alone (``time.process_time`` around it, the interpreter's own start-up
excluded), with the heavy libraries that came in with it. Target (issue 13):
``ortkpi_xl.buttons`` ≤ 0.35 s CPU.

    python benchmarks/bench_imports.py [--modules ortkpi_xl.buttons ortkpi_xl.udfs] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "numpy", "openpyxl", "yaml", "defusedxml", "xlwings", "lxml", "PIL")
_PROBE = """
import json, sys, time
start = time.process_time()
import {module}
spent = time.process_time() - start
heavy = [m for m in {heavy!r} if m in sys.modules]
print(json.dumps({{"cpu": spent, "heavy": heavy, "modules": len(sys.modules)}}))
"""


def probe(module: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module, heavy=HEAVY)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Temps CPU d'import des points d'entrée (interpréteur neuf à chaque essai)."
    )
    parser.add_argument(
        "--modules",
        nargs="+",
        default=["ortkpi_xl.buttons", "ortkpi_xl.udfs", "ortkpi_xl.cli", "openpyxl"],
    )
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"{'module':<24} {'CPU médian':>10} {'modules':>8}  bibliothèques lourdes chargées")
    for module in args.modules:
        runs = [probe(module) for _ in range(args.repeat)]
        median = statistics.median(r["cpu"] for r in runs)
        last = runs[-1]
        print(
            f"{module:<24} {median:>8.3f} s {last['modules']:>8}  {', '.join(last['heavy']) or '—'}"
        )


if __name__ == "__main__":
    main()
