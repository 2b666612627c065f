"""Patch writer vs openpyxl load + save, on site sheets of 100 and 10,000 rows × 27 columns.

Not a test: run ``python benchmarks/bench_writer.py [--rows 100 10000]`` (from the repository
root) and read the table (CPU seconds, best of a few runs). The change set is what
``recalculer`` wrote until issue 13: the six computed columns of every row as values with a
number format, and every fourth "En attente" cell highlighted with a tool note.
openpyxl's time is a plain ``load_workbook`` + cell assignments + ``save`` (what a writer built
on openpyxl does), without the losses it causes being counted. The patch writer's time includes
its entry guard, its checks before writing, the verification of the written file and the
atomic replace.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import xlsxwriter
from openpyxl.styles import PatternFill

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ortkpi_xl.fields import FIELDS  # noqa: E402
from ortkpi_xl.workbook.changes import CellChange, ChangeSet  # noqa: E402
from ortkpi_xl.xlsx import WriteOptions, write_changes  # noqa: E402

SHEET = "Ecole de Travail"
COMPUTED = [i + 1 for i, f in enumerate(FIELDS) if f.computed]
WAITING = next(i + 1 for i, f in enumerate(FIELDS) if f.key == "insertion_emploi")


def build(path: Path, rows: int) -> None:
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet(SHEET)
    for c, field in enumerate(FIELDS):
        ws.write(0, c, field.label)
    for r in range(1, rows + 1):
        for c, field in enumerate(FIELDS):
            if field.computed:
                continue
            if field.is_number:
                ws.write_number(r, c, (r * 7 + c) % 50)
            else:
                ws.write_string(r, c, f"Formation {r}-{c}")
    wb.close()


def changes(rows: int) -> ChangeSet:
    out = ChangeSet()
    for r in range(2, rows + 2):
        for c in COMPUTED:
            out.add(SHEET, CellChange(r, c, value=0.5 + (r % 40) / 100, number_format="0.0%"))
        if r % 4 == 0:
            out.add(
                SHEET,
                CellChange(
                    r,
                    WAITING,
                    value="En attente",
                    highlight=True,
                    note="Chiffre InserJeunes attendu",
                ),
            )
    return out


def with_openpyxl(source: Path, target: Path, change_set: ChangeSet) -> None:
    wb = openpyxl.load_workbook(source)
    ws = wb[SHEET]
    fill = PatternFill("solid", fgColor="FFFF00")
    for change in change_set.cells[SHEET]:
        cell = ws.cell(change.row, change.column)
        cell.value = change.value
        if change.number_format:
            cell.number_format = change.number_format
        if change.highlight:
            cell.fill = fill
        if change.note:
            cell.comment = openpyxl.comments.Comment(change.note, "ortkpi-xl")
    wb.save(target)


def timed(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        action()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description="L'écriture ciblée contre openpyxl (charger, modifier, enregistrer)."
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[100, 10_000])
    args = parser.parse_args()  # before any work: --help only prints the help
    options = WriteOptions(backup_suffix="")
    print(
        f"{'lignes':>7} {'cellules écrites':>17} {'patch (s)':>10} {'openpyxl (s)':>13} "
        f"{'rapport':>8}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            repeat = 5 if rows <= 1_000 else 2
            source = Path(folder) / f"site_{rows}.xlsx"
            build(source, rows)
            change_set = changes(rows)
            copy = Path(folder) / f"copy_{rows}.xlsx"

            def patch(source=source, copy=copy, change_set=change_set) -> None:
                shutil.copyfile(source, copy)
                write_changes(copy, copy, change_set, options)

            def reference(source=source, change_set=change_set, rows=rows) -> None:
                with_openpyxl(source, Path(folder) / f"openpyxl_{rows}.xlsx", change_set)

            patch_time = timed(patch, repeat)
            openpyxl_time = timed(reference, repeat)
            written = len(change_set.cells[SHEET])
            print(
                f"{rows:>7} {written:>17} {patch_time:>10.3f} {openpyxl_time:>13.3f} "
                f"{openpyxl_time / patch_time:>7.1f}×"
            )


if __name__ == "__main__":
    main()
