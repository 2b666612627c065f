"""Awaited figures marked in one stroke: the tool's conditional format (``PendingRule``).

Both writers — the patch writer on people's workbooks, openpyxl on the template — put one
expression rule per sheet, replace exactly the tool's previous one (recorded in the registry of
marks), never a person's rule, and store what the tool wrote (``ChangeSet.written``). Oracles:
openpyxl and plain ElementTree for what is in the file; LibreOffice for what a person sees.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from corpus.build import COL, DATA_ROWS, SITE, col_letter

from ortkpi_xl.config import default_config
from ortkpi_xl.errors import WorkbookError
from ortkpi_xl.workbook.changes import CellChange, ChangeSet, PendingRule
from ortkpi_xl.workbook.marks import REGISTRY_SHEET, Marks
from ortkpi_xl.workbook.writer import apply_changes
from ortkpi_xl.xlsx import WriteOptions, write_changes
from ortkpi_xl.xlsx.plan import RuleEdit
from ortkpi_xl.xlsx.verify import Mismatch, diff_sheet

pytestmark = pytest.mark.filterwarnings("ignore:.*(extension|default style).*:UserWarning")
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
WAIT = col_letter(COL["insertion_emploi"])
TRADE = col_letter(COL["insertion_metier"])
REF = col_letter(COL["insertion_reference"])
FIRST, LAST = DATA_ROWS[0], DATA_ROWS[-1]
AWAITED = {(row, COL["insertion_emploi"]) for row in DATA_ROWS[::2]}
# the children of <worksheet> in the schema's order (CT_Worksheet)
SHEET_ORDER = (
    "sheetPr dimension sheetViews sheetFormatPr cols sheetData sheetCalcPr sheetProtection "
    "protectedRanges scenarios autoFilter sortState dataConsolidate customSheetViews mergeCells "
    "phoneticPr conditionalFormatting dataValidations hyperlinks printOptions pageMargins "
    "pageSetup headerFooter rowBreaks colBreaks customProperties cellWatches ignoredErrors "
    "smartTags drawing legacyDrawing legacyDrawingHF drawingHF picture oleObjects controls "
    "webPublishItems tableParts extLst"
).split()
STYLES_ORDER = (
    "numFmts fonts fills borders cellStyleXfs cellXfs cellStyles dxfs tableStyles colors extLst"
).split()


def rule(*ranges: str) -> PendingRule:
    return PendingRule(ranges, "En attente", "FFFF00")


def pending(ranges: tuple[str, ...] = (f"{WAIT}{FIRST}:{TRADE}{LAST}",)) -> ChangeSet:
    """Recalculer's way: the awaited word in some cells, figures in others, one rule."""
    changes = ChangeSet()
    written: dict[str, str] = {}
    for row in DATA_ROWS:
        awaited = (row, COL["insertion_emploi"]) in AWAITED
        value: object = "En attente" if awaited else 0.8
        changes.add(SITE, CellChange(row, COL["insertion_emploi"], value=value))
        written[f"{WAIT}{row}"] = "En attente" if awaited else "80,0 %"
    changes.pending_rules[SITE] = rule(*ranges)
    changes.written = {SITE: written}
    return changes


def sheet_xml(path: Path, name: str = SITE) -> bytes:
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        rid = next(s for s in wb.iter(f"{NS}sheet") if s.get("name") == name).get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        )
        target = next(r for r in rels if r.get("Id") == rid).get("Target")
        return z.read("xl/" + target.removeprefix("/xl/"))


def rules_in(path: Path) -> list[tuple[str, str, str | None, list[str]]]:
    """(sqref, type, dxfId, formulas) of every rule of the site sheet, in document order."""
    root = ET.fromstring(sheet_xml(path))
    out = []
    for cf in root.iter(f"{NS}conditionalFormatting"):
        for r in cf.iter(f"{NS}cfRule"):
            formulas = [f.text or "" for f in r.iter(f"{NS}formula")]
            out.append((cf.get("sqref"), r.get("type"), r.get("dxfId"), formulas))
    return out


def tool_rules(path: Path) -> list[tuple[str, str, str | None, list[str]]]:
    return [r for r in rules_in(path) if r[1] == "expression" and "En attente" in r[3][0]]


def registry(path: Path) -> Marks:
    wb = openpyxl.load_workbook(path)
    if REGISTRY_SHEET not in wb.sheetnames:
        return Marks()
    return Marks.from_rows(wb[REGISTRY_SHEET].iter_rows(min_row=2, values_only=True))


def order_ok(children: list[str], order: list[str]) -> bool:
    known = [order.index(c) for c in children if c in order]
    return known == sorted(known)


def dxf_fill(path: Path, index: int) -> str | None:
    with zipfile.ZipFile(path) as z:
        styles = ET.fromstring(z.read("xl/styles.xml"))
    dxfs = styles.find(f"{NS}dxfs")
    assert dxfs is not None
    colour = list(dxfs)[index].find(f".//{NS}bgColor")
    return None if colour is None else colour.get("rgb")


@pytest.mark.parametrize("name", ["plain", "condfmt", "prefixed", "excel_style", "notes"])
def test_one_rule_in_schema_order_next_to_a_persons_rules(corpus, tmp_path, name):
    source = corpus[name]
    out = tmp_path / f"out{source.suffix}"
    write_changes(source, out, pending(), WriteOptions())
    before = rules_in(source)
    after = rules_in(out)
    assert after[: len(before)] == before  # a person's rules, untouched and first
    [(sqref, kind, dxf, formulas)] = tool_rules(out)
    assert (sqref, kind, formulas) == (
        f"{WAIT}{FIRST}:{TRADE}{LAST}",
        "expression",
        [f'{WAIT}{FIRST}="En attente"'],
    )
    assert dxf is not None and dxf_fill(out, int(dxf)) == "FFFFFF00"
    kids = [re.sub(r"\{.*\}", "", k.tag) for k in ET.fromstring(sheet_xml(out))]
    assert order_ok(kids, SHEET_ORDER), kids
    with zipfile.ZipFile(out) as z:
        styles = [re.sub(r"\{.*\}", "", k.tag) for k in ET.fromstring(z.read("xl/styles.xml"))]
    assert order_ok(styles, STYLES_ORDER), styles
    # openpyxl, an independent reader, sees the rule and its yellow
    ws = openpyxl.load_workbook(out)[SITE]
    found = [
        r
        for cf in ws.conditional_formatting
        for r in cf.rules
        if r.type == "expression" and r.formula == [f'{WAIT}{FIRST}="En attente"']
    ]
    assert len(found) == 1 and found[0].dxf.fill.bgColor.rgb == "FFFFFF00"


def test_the_registry_records_the_rule_and_what_the_tool_wrote(corpus, tmp_path):
    out = tmp_path / "out.xlsx"
    changes = pending()
    write_changes(corpus["plain"], out, changes, WriteOptions())
    marks = registry(out)
    assert marks.rules == {SITE: (f"{WAIT}{FIRST}:{TRADE}{LAST}", f'{WAIT}{FIRST}="En attente"')}
    assert marks.values == changes.written


def test_a_second_run_changes_nothing(corpus, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_changes(corpus["condfmt"], first, pending(), WriteOptions())
    report = write_changes(first, second, pending(), WriteOptions())
    assert report.changed_parts == [] and report.added_parts == []
    assert first.read_bytes() == second.read_bytes()
    again = write_changes(second, second, pending(), WriteOptions(backup_suffix=""))
    assert not again.written


def test_the_tools_old_rule_is_replaced_never_a_persons(corpus, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_changes(corpus["condfmt"], first, pending(), WriteOptions())
    wider = (f"{WAIT}{FIRST}:{TRADE}{LAST}", f"{REF}{FIRST}:{REF}{LAST}")
    write_changes(first, second, pending(wider), WriteOptions())
    [(sqref, *_)] = tool_rules(second)
    assert sqref == " ".join(wider)
    assert rules_in(second)[:4] == rules_in(corpus["condfmt"])
    assert registry(second).rules[SITE][0] == " ".join(wider)
    # no rule any more (every figure arrived): the tool's goes, the person's stay
    gone = tmp_path / "gone.xlsx"
    write_changes(second, gone, pending(()), WriteOptions())
    assert tool_rules(gone) == [] and rules_in(gone) == rules_in(corpus["condfmt"])
    assert SITE not in registry(gone).rules


def test_a_persons_identical_rule_is_not_the_tools(corpus, tmp_path):
    """Same cells, same formula, but not recorded in the registry: a person's, kept."""
    first = tmp_path / "first.xlsx"
    write_changes(corpus["plain"], first, pending(), WriteOptions())
    person = tmp_path / "person.xlsx"  # the registry gone: nothing proves the rule is the tool's
    wb = openpyxl.load_workbook(first)
    del wb[REGISTRY_SHEET]
    wb.save(person)
    out = tmp_path / "out.xlsx"
    write_changes(person, out, pending(), WriteOptions())
    assert len(tool_rules(out)) == 2  # the person's copy and the tool's


def test_a_rule_sharing_its_element_with_a_persons_loses_only_the_tools(corpus, tmp_path):
    """Excel saves the rules of the same cells in one element: only the tool's cfRule goes."""
    first = tmp_path / "first.xlsx"
    write_changes(corpus["plain"], first, pending(), WriteOptions())
    person = (
        b'<cfRule type="containsBlanks" dxfId="0" priority="7">'
        b"<formula>LEN(TRIM(W4))=0</formula></cfRule>"
    )
    merged = tmp_path / "merged.xlsx"
    with zipfile.ZipFile(first) as z, zipfile.ZipFile(merged, "w") as out:
        for info in z.infolist():
            data = z.read(info)
            if b'<formula>W4="En attente"</formula></cfRule>' in data:
                data = data.replace(
                    b"</cfRule></conditionalFormatting>",
                    b"</cfRule>" + person + b"</conditionalFormatting>",
                    1,
                )
            out.writestr(info, data)
    out = tmp_path / "out.xlsx"
    write_changes(merged, out, pending((f"{WAIT}{FIRST}:{WAIT}{LAST}",)), WriteOptions())
    assert person in sheet_xml(out)
    assert [r[0] for r in tool_rules(out)] == [f"{WAIT}{FIRST}:{WAIT}{LAST}"]


def test_verification_refuses_a_persons_rule_removed(corpus, tmp_path):
    source = sheet_xml(corpus["condfmt"])
    person = re.search(rb"<conditionalFormatting.*?</conditionalFormatting>", source).group()
    cf_rule = re.search(rb"<cfRule.*?</cfRule>", person).group()
    after = source.replace(person, b"")
    edit = RuleEdit(recorded=None, removed=(cf_rule,), added=None)
    with pytest.raises(Mismatch, match="personne"):
        diff_sheet(source, after, set(), edit)
    with pytest.raises(Mismatch):
        diff_sheet(source, after, set(), None)


def test_a_missing_sheet_is_refused_before_writing(corpus, tmp_path):
    changes = ChangeSet(pending_rules={"Nulle part": rule("A1:A3")})
    out = tmp_path / "out.xlsx"
    with pytest.raises(WorkbookError, match="Nulle part"):
        write_changes(corpus["plain"], out, changes, WriteOptions())
    assert not out.exists()


# ---------------------------------------------------------------------------------------------
# the openpyxl writer (the template)


def test_openpyxl_writer_puts_and_replaces_the_same_rule(corpus, tmp_path):
    config = default_config()
    wb = openpyxl.load_workbook(corpus["condfmt"])
    apply_changes(wb, pending(), config)
    path = tmp_path / "template.xlsx"
    wb.save(path)
    wb = openpyxl.load_workbook(path)
    apply_changes(wb, pending((f"{WAIT}{FIRST}:{WAIT}{LAST}",)), config)
    wb.save(path)
    [(sqref, kind, dxf, formulas)] = tool_rules(path)
    assert sqref == f"{WAIT}{FIRST}:{WAIT}{LAST}" and dxf_fill(path, int(dxf)) == "FFFFFF00"
    assert len(rules_in(path)) == len(rules_in(corpus["condfmt"])) + 1
    marks = registry(path)
    assert marks.rules[SITE] == (f"{WAIT}{FIRST}:{WAIT}{LAST}", f'{WAIT}{FIRST}="En attente"')
    assert marks.values == pending().written
    # the patch writer recognises the template writer's rule as the tool's
    out = tmp_path / "patched.xlsx"
    write_changes(path, out, pending(), WriteOptions())
    assert [r[0] for r in tool_rules(out)] == [f"{WAIT}{FIRST}:{TRADE}{LAST}"]


# ---------------------------------------------------------------------------------------------
# what a person sees (LibreOffice)


def _yellow_pixels(ppm: Path) -> int:
    """How many pixels of the tool's yellow a page rendered by pdftoppm (binary PPM) shows."""
    data = ppm.read_bytes()
    fields = data.split(maxsplit=4)  # P6, width, height, maximum, pixels
    assert fields[0] == b"P6" and fields[3] == b"255"
    width, height = int(fields[1]), int(fields[2])
    pixels = data[len(data) - 3 * width * height :]
    return sum(
        1
        for i in range(0, len(pixels), 3)
        if pixels[i] > 230 and pixels[i + 1] > 230 and pixels[i + 2] < 60
    )


@pytest.mark.libreoffice
def test_libreoffice_shows_yellow_only_while_the_word_is_there(corpus, tmp_path, lo_check):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) absent")
    first = tmp_path / "first.xlsx"
    write_changes(corpus["plain"], first, pending((f"{WAIT}{FIRST}:{WAIT}{LAST}",)), WriteOptions())
    typed = tmp_path / "typed.xlsx"  # a person types the awaited figures
    changes = ChangeSet()
    for row, col in AWAITED:
        changes.add(SITE, CellChange(row, col, value=0.66))
    write_changes(first, typed, changes, WriteOptions())
    counts = []
    for path in (first, typed):
        pdf = path.with_suffix(".pdf")
        done = subprocess.run(
            [str(lo_check), "--pdf", str(pdf), str(path)], capture_output=True, timeout=180
        )
        assert done.returncode == 0, done.stdout + done.stderr
        subprocess.run(["pdftoppm", "-r", "40", str(pdf), str(path.with_suffix(""))], check=True)
        pages = sorted(path.parent.glob(path.stem + "-*.ppm"))
        assert pages
        counts.append(sum(_yellow_pixels(p) for p in pages))
    assert counts[0] > 0 and counts[1] == 0
