"""Benchmark: ``ortkpi-xl recalculer`` against openpyxl's own load + save of the same file.

Not a test: prints figures and ratios measured in the same run. For each size, the workbook is
the template with that many seeded random rows (``_workbooks.py``). Two runs are measured:

- first run: the workbook as staff typed it → ``out1`` (what the command does with ``-o``);
- second run: the tool's own output ``out1`` → ``out2`` (the next click of Recalculer).

Each run is paired with openpyxl's ``load_workbook`` + ``save`` of the same input file: CPU
time (``time.process_time``) of ``--pairs`` pairs, medians shown. Peak memory is measured in a
fresh interpreter per run (peak RSS above the RSS once the modules are imported), for the tool
and for openpyxl alike. Sizes are the files' bytes on disk.

Targets (issue 13): ratio ≤ 1.3 at every size, memory ≤ 3 × openpyxl's, second run within
10 % of the first.

    python benchmarks/bench_recalculer.py [--rows 50 5000 20000] [--pairs 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
MiB = 2**20


# ---------------------------------------------------------------------------------------------
# the two things measured


def openpyxl_load_save(source: Path, target: Path) -> dict[str, float]:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(source)
    wb.save(target)
    return {}


def recalculer(source: Path, target: Path) -> dict[str, float]:
    """What ``ortkpi-xl recalculer SOURCE -o TARGET`` does, phase by phase (CPU seconds)."""
    from ortkpi_xl.config import default_config
    from ortkpi_xl.workbook.reader import read_workbook
    from ortkpi_xl.workbook.recalc import recalculate

    try:  # the entry point moved with issue 13; measure whichever this checkout has
        from ortkpi_xl.workbook.patch import write_workbook
    except ImportError:
        from ortkpi_xl.xlsx.package import write_changes as write_workbook

    config = default_config()
    t0 = time.process_time()
    book = read_workbook(source, config)
    t1 = time.process_time()
    result = recalculate(book, config)
    t2 = time.process_time()
    write_workbook(source, target, result.changes, config)
    t3 = time.process_time()
    return {"lecture": t1 - t0, "calcul": t2 - t1, "écriture": t3 - t2}


ACTIONS = {"openpyxl": openpyxl_load_save, "recalculer": recalculer}


def cpu(action: str, source: Path, target: Path) -> tuple[float, dict[str, float]]:
    start = time.process_time()
    phases = ACTIONS[action](source, target)
    return time.process_time() - start, phases


# ---------------------------------------------------------------------------------------------
# memory, in a fresh interpreter


def _rss_now() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * resource.getpagesize()
    except OSError:  # not Linux: the peak so far is the best estimate of "now"
        return _peak()


def _peak() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def child(action: str, source: Path, target: Path) -> None:
    """Run one action after importing what it needs; print its peak memory as JSON."""
    import openpyxl  # noqa: F401 - both actions import it: not counted as work

    if action == "recalculer":
        import ortkpi_xl.workbook.recalc  # noqa: F401

        try:
            import ortkpi_xl.workbook.patch  # noqa: F401
        except ImportError:
            import ortkpi_xl.xlsx.package  # noqa: F401
    base = _rss_now()
    ACTIONS[action](source, target)
    peak = _peak()
    print(json.dumps({"base": base, "peak": peak, "delta": max(peak - base, 0)}))


def memory(action: str, source: Path, target: Path) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", action, str(source), str(target)],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE.parent,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# the table


def measure_run(source: Path, target: Path, floor_target: Path, pairs: int) -> dict:
    tool_times, floor_times, phases = [], [], []
    for _ in range(pairs):
        floor_times.append(cpu("openpyxl", source, floor_target)[0])
        total, parts = cpu("recalculer", source, target)
        tool_times.append(total)
        phases.append(parts)
    return {
        "tool": statistics.median(tool_times),
        "floor": statistics.median(floor_times),
        "phases": {k: statistics.median(p[k] for p in phases) for k in phases[0]},
        "mem_tool": memory("recalculer", source, target)["delta"],
        "mem_floor": memory("openpyxl", source, floor_target)["delta"],
        "size_in": source.stat().st_size,
        "size_out": target.stat().st_size,
        "size_floor": floor_target.stat().st_size,
    }


def show(rows: int, label: str, m: dict) -> None:
    phases = ", ".join(f"{k} {v:.2f}" for k, v in m["phases"].items())
    print(
        f"{rows:>6} {label:<8} {m['tool']:>7.2f} s {m['floor']:>7.2f} s "
        f"{m['tool'] / m['floor']:>5.2f}  "
        f"{m['mem_tool'] / MiB:>6.0f} {m['mem_floor'] / MiB:>6.0f} "
        f"{m['mem_tool'] / max(m['mem_floor'], 1):>5.2f}  "
        f"{m['size_in'] / 1e6:>6.2f} {m['size_out'] / 1e6:>6.2f} {m['size_floor'] / 1e6:>6.2f}  "
        f"{phases}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Recalculer contre openpyxl load_workbook + save (CPU, mémoire, taille)."
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[50, 5_000, 20_000])
    parser.add_argument("--pairs", type=int, default=5, help="paires de mesures (médiane)")
    parser.add_argument("--keep", type=Path, help="dossier où garder les classeurs produits")
    parser.add_argument("--child", nargs=3, metavar=("ACTION", "SOURCE", "CIBLE"), help=None)
    args = parser.parse_args()
    if args.child:
        action, source, target = args.child
        child(action, Path(source), Path(target))
        return
    sys.path.insert(0, str(HERE))
    from _workbooks import make_workbook

    folder = Path(tempfile.mkdtemp(prefix="bench-ortkpi-"))
    try:
        print(
            f"CPU : médiane de {args.pairs} paires ; mémoire : pic RSS au-delà des imports, "
            "processus neuf."
        )
        print(
            f"{'lignes':>6} {'passage':<8} {'outil':>9} {'openpyxl':>9} {'ratio':>5}  "
            f"{'Mo out':>6} {'Mo opx':>6} {'ratio':>5}  "
            f"{'Mo src':>6} {'Mo dst':>6} {'Mo opx':>6}  détail outil (s CPU)"
        )
        for rows in args.rows:
            source = make_workbook(folder / f"w{rows}.xlsx", rows)
            out1, out2 = folder / f"w{rows}-1.xlsx", folder / f"w{rows}-2.xlsx"
            first = measure_run(source, out1, folder / "floor1.xlsx", args.pairs)
            show(rows, "1er", first)
            second = measure_run(out1, out2, folder / "floor2.xlsx", args.pairs)
            show(rows, "2e", second)
            print(
                f"{'':>6} 2e / 1er : CPU {second['tool'] / first['tool']:.2f}, "
                f"mémoire {second['mem_tool'] / max(first['mem_tool'], 1):.2f}, "
                f"taille {second['size_out'] / first['size_out']:.2f}"
            )
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                for path in (source, out1, out2):
                    shutil.copy(path, args.keep / path.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
