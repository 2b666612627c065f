"""The Excel check script: only its Excel-free parts can run here.

What this proves: the script imports without pywin32, refuses to run without Excel (exit 2,
French message), and its helpers compare what Excel shows with our sources. The checks
themselves run only on Windows or macOS with Excel (docs/installation.md).
"""

from __future__ import annotations

from pathlib import Path

from ortkpi_xl.addin import excel_check
from ortkpi_xl.addin.build import AddinSources


def test_without_excel_it_says_so(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(excel_check.sys, "platform", "linux")
    book = tmp_path / "modele.xlsx"
    book.write_bytes(b"PK")
    assert excel_check.main([str(book)]) == 2
    assert "Windows ou macOS" in capsys.readouterr().err


def test_missing_workbook(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(excel_check.sys, "platform", "win32")
    assert excel_check.main([str(tmp_path / "absent.xlsx")]) == 2
    assert "introuvable" in capsys.readouterr().err


def test_code_lines_match_what_the_vba_editor_shows(sources: AddinSources) -> None:
    for module in sources.modules:
        lines = excel_check.code_lines(module.source)
        assert lines and not any(line.startswith("Attribute ") for line in lines)
    as_editor = "Option Explicit\r\nSub A()\r\nEnd Sub\r\n\r\n"
    assert excel_check.code_lines('Attribute VB_Name = "X"\r\n' + as_editor) == [
        "Option Explicit",
        "Sub A()",
        "End Sub",
    ]


def test_changes_name_each_cell() -> None:
    before = {("S", 2, 3): 0.5, ("S", 2, 4): "x"}
    after = {("S", 2, 3): 0.75, ("S", 2, 4): "x", ("S", 3, 1): "NC"}
    assert excel_check._changes(before, after) == ["S!R2C3 : 0.5 → 0.75", "S!R3C1 : None → 'NC'"]
