"""Benchmark: Excel calls per click of the buttons, on seeded random rows.

Not a test: prints figures. Counts what a click costs in Excel, first run and the next one:
calls through COM/AppleScript (the tests' stand-in, tests/fake_xlwings.py, counts every call
that would cross to Excel) and actions of xlwings' remote engine (what xlwings Lite applies,
one ``context.sync`` each). The target (issue 13): at most 250 at 50 and at 2,000 rows.

    python benchmarks/bench_excel_calls.py [--rows 50 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine (tests only)

from _workbooks import make_workbook  # noqa: E402
from remote_payload import apply_actions, payload_from_xlsx, remote_book  # noqa: E402

from fake_xlwings import FakeBook  # noqa: E402
from ortkpi_xl import buttons  # noqa: E402


def classic(path: Path) -> tuple[int, int, float]:
    book = FakeBook.from_xlsx(path, styles=False)
    start = time.process_time()
    buttons.recalculer(book)
    seconds = time.process_time() - start
    first = book.calls.count
    book.calls.count = 0
    buttons.recalculer(book)
    return first, book.calls.count, seconds


def remote(path: Path) -> tuple[int, int, float]:
    payload = payload_from_xlsx(path)
    book = remote_book(payload)
    start = time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):  # the remote engine prints the summary
        buttons.recalculer(book)
    seconds = time.process_time() - start
    first = book.json()["actions"]
    again = remote_book(apply_actions(payload, first))
    with contextlib.redirect_stdout(io.StringIO()):
        buttons.recalculer(again)
    return len(first), len(again.json()["actions"]), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[50, 2000])
    args = parser.parse_args()
    print(f"{'lignes':>7} | {'moteur':<24} | {'1er clic':>8} | {'clic suivant':>12} | {'CPU':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            path = Path(folder) / f"w{rows}.xlsx"
            make_workbook(path, rows)
            for name, run in (("COM/AppleScript (appels)", classic), ("Lite (actions)", remote)):
                first, second, seconds = run(path)
                print(f"{rows:>7} | {name:<24} | {first:>8} | {second:>12} | {seconds:>5.2f}s")


if __name__ == "__main__":
    main()
