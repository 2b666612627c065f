"""Benchmark: reading a workbook — the current reader, the one-pass sheet reader, openpyxl.

Not a test: prints CPU medians (``time.process_time``) of ``--repeat`` runs on the benchmark
workbook (the template with N seeded random rows, ``_workbooks.py``) and on the tool's own
output of it (what the second Recalculer reads), and the ratio of each reader to openpyxl's
``load_workbook(read_only=True, data_only=True)`` values pass in the same run.

- ``workbook/reader.read_workbook``: what Recalculer reads with today (guard included);
- ``xlsx/sheetread.read_sheets``: values, formulas, formats, fills, merges, tables in one pass
  (every sheet, and without the tool's own sheets, as a reader would ask);

    python benchmarks/bench_reader.py [--rows 50 5000 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
OWNED = ("Contrôles", "Synthèse", "xlwings.conf", "ortkpi_etat")


def openpyxl_values(path: Path) -> None:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        ws.reset_dimensions()
        for _ in ws.iter_rows(values_only=True):
            pass
    wb.close()


def current_reader(path: Path) -> None:
    from ortkpi_xl.config import default_config
    from ortkpi_xl.workbook.reader import read_workbook

    read_workbook(path, default_config())


def sheetread_all(path: Path) -> None:
    from ortkpi_xl.xlsx.sheetread import read_sheets

    read_sheets(path)


def sheetread_sites(path: Path) -> None:
    from ortkpi_xl.xlsx.sheetread import read_sheets

    read_sheets(path, wanted=lambda name: name not in OWNED)


READERS = {
    "openpyxl (valeurs)": openpyxl_values,
    "reader.py actuel": current_reader,
    "sheetread, tout": sheetread_all,
    "sheetread, sites": sheetread_sites,
}


def median_cpu(action, path: Path, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action(path)
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Lecture d'un classeur : lecteur actuel, lecture en une passe, openpyxl."
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[50, 5_000, 20_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from _workbooks import make_workbook

    from ortkpi_xl.config import default_config
    from ortkpi_xl.workbook.patch import write_workbook
    from ortkpi_xl.workbook.reader import read_workbook
    from ortkpi_xl.workbook.recalc import recalculate

    folder = Path(tempfile.mkdtemp(prefix="bench-lecture-"))
    try:
        print(f"{'lignes':>6} {'fichier':<9} " + " ".join(f"{k:>20}" for k in READERS))
        for rows in args.rows:
            source = make_workbook(folder / f"w{rows}.xlsx", rows)
            config = default_config()
            output = folder / f"w{rows}-1.xlsx"
            write_workbook(
                source, output, recalculate(read_workbook(source, config), config).changes, config
            )
            for label, path in (("saisi", source), ("recalculé", output)):
                figures = {k: median_cpu(f, path, args.repeat) for k, f in READERS.items()}
                base = figures["openpyxl (valeurs)"]
                cells = " ".join(f"{v:>9.2f} s ({v / base:>4.2f}×)" for v in figures.values())
                print(f"{rows:>6} {label:<9} {cells}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
