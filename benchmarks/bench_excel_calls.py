"""Benchmark: Excel calls per click of Recalculer, counted by the call-counting stand-in.

Not a test: loads the benchmark workbook (the template with N seeded random rows) into
``tests/fake_xlwings.FakeBook`` — what Excel would show: values, number formats, fills, notes —
clicks Recalculer, then clicks it again on the result, and prints how many calls crossed to
"Excel" each time (every one is a COM or AppleScript round trip, 5–50 ms on a Mac), with the
kinds of call that dominate. Target (issue 13): ≤ 250 calls per click at 50 and 2,000 rows,
first click included.

    python benchmarks/bench_excel_calls.py [--rows 50 2000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def click(book) -> tuple[int, Counter]:  # type: ignore[no-untyped-def]
    from ortkpi_xl import buttons

    before = book.calls.count
    logged = len(book.calls.log)
    buttons.recalculer(book)
    return book.calls.count - before, Counter(book.calls.log[logged:])


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Appels à Excel par clic sur Recalculer (doublure qui compte les appels)."
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[50, 2_000])
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent / "tests"))
    from bench_workbooks import make_workbook

    from fake_xlwings import FakeBook

    print(f"{'lignes':>6} {'1er clic':>9} {'2e clic':>8}  appels les plus nombreux (1er clic)")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            path = make_workbook(Path(folder) / f"w{rows}.xlsx", rows)
            book = FakeBook.from_xlsx(path)
            first, kinds = click(book)
            second, _ = click(book)
            alerts = [prompt for prompt, mode in book.app.alerts if mode == "critical"]
            if alerts:
                print(f"{rows:>6} le bouton a échoué : {alerts[-1]}")
                continue
            top = ", ".join(f"{k} {n}" for k, n in kinds.most_common(5))
            print(f"{rows:>6} {first:>9} {second:>8}  {top}")


if __name__ == "__main__":
    main()
