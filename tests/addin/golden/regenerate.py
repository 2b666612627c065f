"""Rewrite ``xlwings_udfs.bas`` from the current ``ortkpi_xl.udfs``: a deliberate act after a
signature change (then staff reinstall the add-in), never something a test does by itself.

    python tests/addin/golden/regenerate.py
"""

from pathlib import Path

from ortkpi_xl.addin.udf_vba import generate_udf_module

GOLDEN = Path(__file__).resolve().parent / "xlwings_udfs.bas"

if __name__ == "__main__":
    GOLDEN.write_text(generate_udf_module().vba.replace("\r\n", "\n"), encoding="utf-8")
    print(f"Écrit : {GOLDEN}")
