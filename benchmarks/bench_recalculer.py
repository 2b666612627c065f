"""Benchmark: recalculer on workbooks of 100 and 10,000 rows, against openpyxl's own floor.

Not a test: prints figures and ratios. The floor is what openpyxl alone takes to load and save
the same file in the same run; the aim is recalculer ≤ 1.5 × floor at 10,000 rows.

    python benchmarks/bench_recalculer.py [--rows 100 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
import warnings
from pathlib import Path

from openpyxl import Workbook, load_workbook

from ortkpi_xl.config import default_config
from ortkpi_xl.fields import FIELDS
from ortkpi_xl.workbook.reader import read_workbook
from ortkpi_xl.workbook.recalc import recalculate
from ortkpi_xl.xlsx.package import write_changes


def make_workbook(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "Site"
    ws.append([f.label for f in FIELDS])
    keys = [f.key for f in FIELDS]
    for i in range(rows):
        entrants = rng.randint(0, 40)
        presentes = rng.randint(0, entrants)
        interruptions = rng.randint(0, entrants - presentes)
        values = dict(
            formation=f"F{i}",
            intitule=f"Formation {i}",
            promotion="2023 - 2025",
            niveau=rng.choice([3, 4, 5, 6]),
            entrants=entrants,
            presentes=presentes,
            interruptions=interruptions,
            ruptures=rng.randint(0, interruptions),
            reussis=rng.randint(0, presentes),
            poursuivants=rng.randint(0, presentes),
            sat_stagiaire=round(rng.uniform(2, 5), 1),
            insertion_emploi=rng.choice([None, round(rng.random(), 3)]),
            insertion_reference=rng.choice([None, round(rng.random(), 3)]),
        )
        ws.append([values.get(k) for k in keys])
    wb.save(path)


def floor(path: Path, out: Path) -> float:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    wb.save(out)
    return time.perf_counter() - start


def recalculer(path: Path, out: Path) -> tuple[float, dict[str, float]]:
    config = default_config()
    t0 = time.perf_counter()
    book = read_workbook(path, config)
    t1 = time.perf_counter()
    changes, _ = recalculate(book, config)
    t2 = time.perf_counter()
    write_changes(path, out, changes, config)
    t3 = time.perf_counter()
    return t3 - t0, {"lecture": t1 - t0, "calcul": t2 - t1, "écriture": t3 - t2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-ortkpi-"))
    try:
        print(
            f"{'lignes':>7} {'openpyxl charger+enregistrer':>29} {'recalculer':>11} "
            f"{'ratio':>6}   détail (meilleur essai)"
        )
        for rows in args.rows:
            src = tmp / f"w{rows}.xlsx"
            make_workbook(src, rows)
            floors, runs = [], []
            for _ in range(args.repeat):
                floors.append(floor(src, tmp / "floor.xlsx"))
                runs.append(recalculer(src, tmp / "out.xlsx"))
            best_floor = min(floors)
            best_total, parts = min(runs, key=lambda r: r[0])
            detail = ", ".join(f"{k} {v:.2f} s" for k, v in parts.items())
            print(
                f"{rows:>7} {best_floor:>27.2f} s {best_total:>9.2f} s "
                f"{best_total / best_floor:>6.2f}   {detail}"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
