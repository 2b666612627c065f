"""The patch writer on the corpus: nothing it does not own changes, what it owns is right.

Each corpus workbook gets a realistic change set (rates and VA as values with formats, "En
attente" highlighted with a tool note, a ``Contrôles`` sheet), then the next year's change set
(figures arrived: highlight and notes off). The checks use openpyxl and plain zipfile as
independent oracles, not the writer's own scanner.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from corpus.build import BUILDERS, COL, DATA_ROWS, SITE
from corpus.changes import NOTE, WAITING, computed_changes, target_cells, undo_changes

from ortkpi_xl.config import default_config
from ortkpi_xl.workbook.changes import NOTE_AUTHOR, UNSET
from ortkpi_xl.workbook.marks import HEADER
from ortkpi_xl.workbook.patch import write_workbook

NAMES = list(BUILDERS)
# openpyxl (the oracle) warns about the extensions it cannot read: they are the point here.
pytestmark = pytest.mark.filterwarnings("ignore:.*(extension|default style).*:UserWarning")
OWNED_SHEETS = {"Contrôles", "ortkpi_etat"}
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


@pytest.fixture(scope="module")
def outputs(corpus, tmp_path_factory):
    """name → (source, after first run, after a second identical run, after the undo run)."""
    folder = tmp_path_factory.mktemp("written")
    config = default_config()
    cache = {}

    def get(name: str):
        if name not in cache:
            source = corpus[name]
            first = folder / f"first_{source.name}"
            second = folder / f"second_{source.name}"
            undone = folder / f"undone_{source.name}"
            reports = (
                write_workbook(source, first, computed_changes(), config),
                write_workbook(first, second, computed_changes(), config),
                write_workbook(first, undone, undo_changes(), config),
            )
            cache[name] = (source, first, second, undone, reports)
        return cache[name]

    return get


# ---------------------------------------------------------------------------------------------
# independent package helpers


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    out = {}
    for node in ET.fromstring(archive.read(rels)).iter(_PR):
        target = node.get("Target", "")
        resolved = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        out[node.get("Id")] = (node.get("Type", "").rsplit("/", 1)[-1], resolved)
    return out


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    rels = _rels(archive, "xl/workbook.xml")
    out = {}
    for node in ET.fromstring(archive.read("xl/workbook.xml")).iter():
        if node.tag.endswith("}sheet"):
            out[node.get("name")] = rels[node.get(_R)][1]
    return out


def _owned_parts(before: zipfile.ZipFile, after: zipfile.ZipFile) -> set[str]:
    """What the writer may change: the site sheet and its notes, workbook-level lists, styles,
    calcChain, and its own sheets."""
    owned = {
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/calcChain.xml",
    }
    for archive in (before, after):
        sheets = _sheet_parts(archive)
        for name, part in sheets.items():
            if name == SITE or name in OWNED_SHEETS:
                owned.add(part)
                owned.add(
                    posixpath.join(
                        posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels"
                    )
                )
        for kind, target in _rels(archive, sheets[SITE]).values():
            if kind in ("comments", "vmlDrawing"):
                owned.add(target)
        # an owned sheet is rewritten whole: what hangs from it (notes, drawing, charts) goes
        todo = [part for name, part in sheets.items() if name in OWNED_SHEETS]
        while todo:
            part = todo.pop()
            for _, target in _rels(archive, part).values():
                if target not in owned:
                    owned |= {target, _rels_name(target)}
                    todo.append(target)
    return owned


def _rels_name(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


# ---------------------------------------------------------------------------------------------
# nothing lost


@pytest.mark.parametrize("name", NAMES)
def test_every_part_not_owned_is_byte_identical(outputs, name):
    source, first, *_ = outputs(name)
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(first) as after:
        owned = _owned_parts(before, after)
        after_infos = {i.filename: i for i in after.infolist()}
        for info in before.infolist():
            if info.filename in owned:
                continue
            assert info.filename in after_infos, f"{info.filename} lost"
            copy = after_infos[info.filename]
            assert after.read(info.filename) == before.read(info.filename), info.filename
            assert (copy.CRC, copy.compress_size, copy.compress_type) == (
                info.CRC,
                info.compress_size,
                info.compress_type,
            ), f"{info.filename} recompressed"
        new = set(after_infos) - {i.filename for i in before.infolist()}
        assert new <= owned | {
            n
            for n in new
            if re.match(
                r"xl/(worksheets/sheet\d+\.xml|comments\d+\.xml|drawings/vmlDrawing\d+\.vml|"
                r"worksheets/_rels/sheet\d+\.xml\.rels)$",
                n,
            )
        }, new
        assert after.testzip() is None


def _cells(path: Path, data_only: bool) -> dict[tuple[str, int, int], tuple]:
    wb = openpyxl.load_workbook(path, data_only=data_only)
    out = {}
    for ws in wb.worksheets:
        if ws.title in OWNED_SHEETS:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                value = cell.value
                if hasattr(value, "ref") and hasattr(value, "text"):  # ArrayFormula
                    value = ("array", value.ref, value.text)
                out[ws.title, cell.row, cell.column] = (
                    value,
                    cell.number_format,
                    cell.fill.fgColor.rgb,
                    cell.fill.patternType,
                    cell.font.b,
                    (cell.comment.text, cell.comment.author) if cell.comment else None,
                )
    return out


@pytest.mark.parametrize("name", NAMES)
def test_no_cell_changes_outside_the_targets(outputs, name):
    """Values, formulas, cached results, formats, fills and notes of every other cell."""
    source, first, *_ = outputs(name)
    targets = {(SITE, r, c) for r, c in target_cells(computed_changes())}
    for data_only in (False, True):
        before, after = _cells(source, data_only), _cells(first, data_only)
        for key in (set(before) | set(after)) - targets:
            if name == "excel_style" and not data_only and key[1:] == (14, COL["obtention"]):
                # the shared formula lost its master: the same formula, written plain
                assert before[key][0] is None or before[key][0].startswith("=")
                assert after[key][0] == '=IF(H14=0,"",K14/H14)'
                continue
            assert before.get(key) == after.get(key), key


@pytest.mark.parametrize("name", NAMES)
def test_writes_the_intended_cells(outputs, name):
    source, first, _, _, reports = outputs(name)
    wb = openpyxl.load_workbook(first)
    ws = wb[SITE]
    person_notes = {(r.split("!")[1]) for r in reports[0].notes_kept}
    for change in computed_changes().cells[SITE]:
        cell = ws.cell(change.row, change.column)
        if change.value is not UNSET:
            assert cell.value == change.value, cell.coordinate
            assert cell.data_type == ("s" if isinstance(change.value, str) else "n")
        if change.number_format:
            assert cell.number_format == change.number_format, cell.coordinate
        if change.highlight:
            assert cell.fill.patternType == "solid"
            assert cell.fill.fgColor.rgb == "FFFFFF00", cell.coordinate
        if change.note:
            if cell.coordinate in person_notes:
                assert cell.comment.author != NOTE_AUTHOR
            else:
                assert (cell.comment.text, cell.comment.author) == (NOTE, NOTE_AUTHOR)
    controls = wb["Contrôles"]
    assert controls["A1"].value == "Feuille" and controls["C2"].value == "=1+1 (texte)"
    assert controls["C2"].data_type == "s"
    assert controls["B2"].hyperlink.location == f"'{SITE}'!Q4"
    assert controls.freeze_panes == "A2" and controls.auto_filter.ref == "A1:D5"
    with zipfile.ZipFile(first) as z:
        workbook = z.read("xl/workbook.xml").decode()
    index = wb.sheetnames.index("Contrôles")
    assert re.search(
        f'<(x:)?definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
        r"'Contrôles'!\$A\$1:\$D\$5</(x:)?definedName>",
        workbook,
    )
    assert wb["ortkpi_etat"].sheet_state == "veryHidden"


@pytest.mark.parametrize("name", NAMES)
def test_applying_twice_gives_the_same_bytes(outputs, name):
    _, first, second, *_ = outputs(name)
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_undoing_twice_gives_the_same_bytes(outputs, name, tmp_path):
    *_, undone, _ = outputs(name)
    again = tmp_path / undone.name
    write_workbook(undone, again, undo_changes(), default_config())
    assert again.read_bytes() == undone.read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_undo_restores_fills_and_removes_only_the_tool_notes(outputs, name):
    source, first, _, undone, reports = outputs(name)
    before = openpyxl.load_workbook(source)[SITE]
    after_wb = openpyxl.load_workbook(undone)
    after = after_wb[SITE]
    for i, row in enumerate(DATA_ROWS):
        if i % 2:
            continue
        existed = (row, WAITING) in before._cells
        old, new = before.cell(row, WAITING), after.cell(row, WAITING)
        assert new.value == 0.83
        if existed:
            shown = old.fill
        else:  # an empty cell shows its column's style (openpyxl does not apply it)
            shown = before.column_dimensions[new.column_letter].fill
        assert (new.fill.patternType, new.fill.fgColor.rgb) == (
            shown.patternType,
            shown.fgColor.rgb,
        ), new.coordinate
        if old.comment is None:
            assert new.comment is None, new.coordinate
        else:
            assert (new.comment.text, new.comment.author) == (old.comment.text, old.comment.author)
    registry = list(after_wb["ortkpi_etat"].iter_rows(values_only=True))
    assert registry == [tuple(HEADER)]
    assert reports[2].fills_kept == []


def test_a_recoloured_cell_keeps_the_persons_colour(outputs, tmp_path):
    """Highlight off only removes the tool's own fill: a person's new colour stays."""
    _, first, *_ = outputs("plain")
    recoloured = tmp_path / "recoloured.xlsx"
    wb = openpyxl.load_workbook(first)
    cell = wb[SITE].cell(DATA_ROWS[0], WAITING)
    cell.fill = openpyxl.styles.PatternFill("solid", fgColor="FF00B050")
    wb.save(recoloured)  # a person's edit (openpyxl stands in for Excel here)
    out = tmp_path / "out.xlsx"
    report = write_workbook(recoloured, out, undo_changes(), default_config())
    assert report.fills_kept == [f"« {SITE} »!{cell.coordinate}"]
    assert openpyxl.load_workbook(out)[SITE][cell.coordinate].fill.fgColor.rgb == "FF00B050"


def test_person_note_shapes_keep_size_and_visibility(outputs):
    """The VML shape of every person's note is the same bytes after both runs."""
    shape = re.compile(rb"<v:shape[\s>].*?</v:shape>", re.S)
    for name in ("notes", "excel_style", "macros", "rich"):
        source, first, _, undone, _ = outputs(name)
        with zipfile.ZipFile(source) as z:
            vml = [n for n in z.namelist() if n.endswith(".vml")]
            shapes = {s for n in vml for s in shape.findall(z.read(n))}
        for path in (first, undone):
            with zipfile.ZipFile(path) as z:
                kept = {
                    s for n in z.namelist() if n.endswith(".vml") for s in shape.findall(z.read(n))
                }
            assert shapes <= kept, name


def test_shared_formula_and_calc_chain(outputs):
    """Excel's filled-down formulas: the survivors are written plain; the stale chain goes."""
    _, first, _, _, reports = outputs("excel_style")
    with zipfile.ZipFile(first) as z:
        assert "xl/calcChain.xml" not in z.namelist()
        assert b"calcChain" not in z.read("[Content_Types].xml")
        assert b"calcChain" not in z.read("xl/_rels/workbook.xml.rels")
        assert b'fullCalcOnLoad="1"' in z.read("xl/workbook.xml")
        sheet = z.read("xl/worksheets/sheet1.xml")
        assert b'<f t="shared" ref="AB4:AB14" si="1">G4+H4</f>' in sheet  # a person's own group
        assert b'cm="1"><f t="array" ref="AC4:AC8">' in sheet  # dynamic array untouched
    assert len(reports[0].formulas_replaced) == len(DATA_ROWS)


@pytest.mark.parametrize("name", NAMES)
def test_defined_names_are_kept(outputs, name):
    source, first, *_ = outputs(name)
    pattern = re.compile(rb"<(?:x:)?definedName\b.*?</(?:x:)?definedName>", re.S)
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(first) as after:
        old = set(pattern.findall(before.read("xl/workbook.xml")))
        new = set(pattern.findall(after.read("xl/workbook.xml")))
    assert old <= new


def test_existing_controls_sheet_is_replaced_in_place(outputs):
    source, first, *_ = outputs("existing_owned")
    wb = openpyxl.load_workbook(first)
    assert wb.sheetnames == [SITE, "Contrôles", "Annexe", "ortkpi_etat"]
    assert wb["Contrôles"]["A1"].value == "Feuille"
    assert wb["Contrôles"]["A1"].comment is None
    assert wb["Annexe"]["A1"].value == "après Contrôles"


@pytest.mark.libreoffice
def test_libreoffice_opens_the_written_files_without_error_cells(outputs, lo_check):
    """A representative subset (lo-check costs ~3 s a file): Excel-style, .xlsm, prefixes,
    table, protected sheet."""
    names = ["excel_style", "rich", "prefixed", "table", "protected", "notes"]
    paths = [outputs(n)[1] for n in names] + [outputs("excel_style")[3]]

    def run(path: Path) -> tuple[Path, int, str]:
        done = subprocess.run(
            [str(lo_check), str(path)], capture_output=True, text=True, timeout=180
        )
        return path, done.returncode, done.stdout + done.stderr

    with ThreadPoolExecutor(max_workers=2) as pool:
        for path, code, output in pool.map(run, paths):
            assert code == 0, f"{path.name}: {output}"
            assert output.strip().endswith("0 error cells"), output


def test_values_are_never_formulas(tmp_path, corpus):
    from ortkpi_xl.workbook.changes import CellChange, ChangeSet

    changes = ChangeSet()
    changes.add(SITE, CellChange(DATA_ROWS[0], COL["statut"], value='=HYPERLINK("http://x")'))
    changes.add(SITE, CellChange(DATA_ROWS[1], COL["statut"], value="#DIV/0!"))
    changes.add(SITE, CellChange(DATA_ROWS[2], COL["statut"], value="a_x0041_b\x07"))
    out = tmp_path / "out.xlsx"
    write_workbook(corpus["plain"], out, changes, default_config())
    ws = openpyxl.load_workbook(out)[SITE]
    cells = [ws.cell(r, COL["statut"]) for r in DATA_ROWS[:3]]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert cells[0].value == '=HYPERLINK("http://x")' and cells[1].value == "#DIV/0!"
    # Excel reads _xHHHH_ as an escape (openpyxl does not decode it): a literal "_x0041_" is
    # itself escaped, and a control character XML cannot hold is written as _x0007_.
    with zipfile.ZipFile(out) as z:
        assert b"<t>a_x005F_x0041_b_x0007_</t>" in z.read("xl/worksheets/sheet1.xml")


@pytest.mark.libreoffice
def test_workbooks_saved_by_libreoffice(corpus, lo_check, tmp_path):
    """LibreOffice writes its own XML (every attribute spelled out, its own VML): the same
    guarantees hold on three corpus files it re-saved."""
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice is not None
    names = ["notes", "dropdowns", "merged"]
    profile = tmp_path / "profil"
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "xlsx:Calc Office Open XML",
            "--outdir",
            str(tmp_path / "lo"),
            *(str(corpus[n]) for n in names),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    targets = {(SITE, r, c) for r, c in target_cells(computed_changes())}
    config = default_config()
    for name in names:
        source = tmp_path / "lo" / f"{name}.xlsx"
        first, second = tmp_path / f"first_{name}.xlsx", tmp_path / f"second_{name}.xlsx"
        write_workbook(source, first, computed_changes(), config)
        write_workbook(first, second, computed_changes(), config)
        assert first.read_bytes() == second.read_bytes(), name
        with zipfile.ZipFile(source) as before, zipfile.ZipFile(first) as after:
            owned = _owned_parts(before, after)
            for info in before.infolist():
                if info.filename not in owned:
                    assert after.read(info.filename) == before.read(info.filename), name
        for data_only in (False, True):
            old, new = _cells(source, data_only), _cells(first, data_only)
            for key in (set(old) | set(new)) - targets:
                assert old.get(key) == new.get(key), (name, key)
    done = subprocess.run(
        [str(lo_check), str(tmp_path / "first_notes.xlsx")],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
