"""Owned sheets written by the patch writer: formats, header styles, native charts.

The corpus workbook ``chart`` already has a person's chart on the site sheet and a chart sheet;
the tool adds an owned sheet with number formats and two charts, then runs again. Oracles:
plain zipfile and ElementTree for the package, openpyxl for the cells and charts.
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
from corpus.build import SITE
from corpus.changes import computed_changes

from ortkpi_xl.config import default_config
from ortkpi_xl.workbook.changes import ChangeSet, ChartSpec, OwnedSheet
from ortkpi_xl.workbook.patch import write_workbook
from ortkpi_xl.xlsx.plan import Plan
from ortkpi_xl.xlsx.verify import Mismatch, check_removed_are_owned

pytestmark = pytest.mark.filterwarnings("ignore:.*(extension|default style).*:UserWarning")
OWNED = "Synthèse"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_CHARTS = re.compile(r"xl/(charts/|drawings/(_rels/)?drawing|chartsheets/)")


def synthesis(charts: bool = True) -> OwnedSheet:
    rows: list[list[object]] = [
        ["Synthèse des indicateurs"],
        ["Réseau test"],
        [],
        ["Site", "Taux de présentation", "Satisfaction", "Texte"],
        ["Site A", 0.8286, 4.4, "=1+1"],
        ["Site B", 0.5, 3.9, "NC"],
        ["Réseau", 0.7, None, ""],
    ]
    formats = {(r, 2): "0.0%" for r in range(5, 8)} | {(r, 3): "0.0" for r in range(5, 8)}
    specs = [
        ChartSpec("Présentation par site", "F4", categories=(1, 5, 7), series=((2, 4, 7),)),
        ChartSpec(
            "Deux séries",
            "F20",
            categories=(1, 5, 7),
            series=((2, 4, 7), (3, 4, 7)),
            percent=False,
            y_max=5,
        ),
    ]
    return OwnedSheet(
        OWNED,
        rows,
        widths=[20, 14, 14, 10],
        header_row=4,
        links={(5, 1): f"'{SITE}'!A1"},
        number_formats=formats,
        charts=specs if charts else [],
        title_rows=(1,),
    )


def changes(charts: bool = True) -> ChangeSet:
    out = computed_changes()
    out.owned_sheets.append(synthesis(charts))
    return out


@pytest.fixture(scope="module")
def runs(corpus, tmp_path_factory):
    """source, first run, second run, third run without charts."""
    folder = tmp_path_factory.mktemp("owned")
    config = default_config()
    source = corpus["chart"]
    first, second, third = (folder / f"{n}.xlsx" for n in ("first", "second", "third"))
    write_workbook(source, first, changes(), config)
    write_workbook(first, second, changes(), config)
    write_workbook(second, third, changes(charts=False), config)
    return source, first, second, third


def _rels(z: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in z.namelist():
        return []
    return [
        (
            n.get("Type", "").rsplit("/", 1)[-1],
            posixpath.normpath(posixpath.join(folder, n.get("Target"))),
        )
        for n in ET.fromstring(z.read(rels)).iter(_PR)
        if n.get("TargetMode") != "External"
    ]


def _sheet_part(z: zipfile.ZipFile, name: str) -> str:
    rels = dict(
        (n.get("Id"), posixpath.normpath(posixpath.join("xl", n.get("Target"))))
        for n in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")).iter(_PR)
    )
    for node in ET.fromstring(z.read("xl/workbook.xml")).iter():
        if node.tag.endswith("}sheet") and node.get("name") == name:
            return rels[
                node.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            ]
    raise AssertionError(name)


def _our_charts(z: zipfile.ZipFile) -> list[str]:
    drawings = [t for kind, t in _rels(z, _sheet_part(z, OWNED)) if kind == "drawing"]
    return sorted(t for d in drawings for kind, t in _rels(z, d) if kind == "chart")


def _no_dangling(z: zipfile.ZipFile) -> None:
    names = set(z.namelist())
    for name in names:
        if name.endswith(".rels"):
            folder = posixpath.dirname(posixpath.dirname(name))
            source = posixpath.join(folder, posixpath.basename(name)[: -len(".rels")])
            assert source in names or name == "_rels/.rels", f"{name} without its part"
            for _, target in _rels(z, source):
                assert target in names, f"{name} → {target} missing"
    types = ET.fromstring(z.read("[Content_Types].xml"))
    for node in types.iter(_CT + "Override"):
        assert node.get("PartName").lstrip("/") in names, node.get("PartName")
    overridden = {n.get("PartName").lstrip("/") for n in types.iter(_CT + "Override")}
    for name in names:
        if re.match(r"xl/(charts/chart|drawings/drawing)\d+\.xml$", name):
            assert name in overridden, f"{name} has no content type"


def test_persons_charts_are_byte_identical(runs):
    source, first, second, third = runs
    with zipfile.ZipFile(source) as before:
        mine = {n: before.read(n) for n in before.namelist() if _CHARTS.match(n)}
    assert any(n.startswith("xl/charts/") for n in mine)
    for path in (first, second, third):
        with zipfile.ZipFile(path) as after:
            for name, data in mine.items():
                assert after.read(name) == data, (path.name, name)


def test_our_charts_are_native_and_read_the_owned_sheet(runs):
    _, first, *_ = runs
    wb = openpyxl.load_workbook(first)
    charts = wb[OWNED]._charts
    assert [c.title.tx.rich.p[0].r[0].t for c in charts] == [
        "Présentation par site",
        "Deux séries",
    ]
    assert [len(c.series) for c in charts] == [1, 2]
    assert charts[0].series[0].val.numRef.f == "'Synthèse'!$B$5:$B$7"
    assert charts[1].y_axis.scaling.max == 5
    assert len(wb[SITE]._charts) == 1  # the person's, still there
    with zipfile.ZipFile(first) as z:
        ours = _our_charts(z)
        assert len(ours) == 2
        with zipfile.ZipFile(runs[0]) as before:
            assert not set(ours) & set(before.namelist())  # no collision with a person's part
        sheet = z.read(_sheet_part(z, OWNED))
        assert re.search(rb'<pageMargins [^>]*/><drawing r:id="rId1"/></worksheet>$', sheet)
        _no_dangling(z)


def test_cells_have_their_formats_styles_and_links(runs):
    _, first, *_ = runs
    ws = openpyxl.load_workbook(first)[OWNED]
    assert ws["B5"].number_format == "0.0%"
    assert ws["C6"].number_format == "0.0"
    assert ws["A5"].number_format == "General"
    header = ws["B4"]
    assert header.font.b and header.font.color.rgb == "FFFFFFFF"
    assert header.fill.fgColor.rgb == "FF" + default_config().couleur_entete
    assert header.alignment.wrap_text
    assert ws["A1"].font.b and ws["A1"].font.sz == 12  # a block title
    assert ws["A5"].hyperlink.location == f"'{SITE}'!A1"
    assert ws["A5"].font.u == "single"
    assert ws["D5"].value == "=1+1" and ws["D5"].data_type == "s"  # text, never a formula
    assert ws["D7"].value is None
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:D7"
    assert ws.column_dimensions["A"].width == 20


def test_second_run_rebuilds_the_charts_in_place(runs):
    _, first, second, _ = runs
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        charts_a = sorted(n for n in a.namelist() if n.startswith("xl/charts/"))
        charts_b = sorted(n for n in b.namelist() if n.startswith("xl/charts/"))
        assert charts_a == charts_b
        assert _our_charts(a) == _our_charts(b)
        for name in charts_a:
            assert a.read(name) == b.read(name)
        _no_dangling(b)
    wb = openpyxl.load_workbook(second)
    assert len(wb[OWNED]._charts) == 2
    assert sum(len(ws._charts) for ws in wb.worksheets) == 3


def test_charts_gone_from_the_sheet_leave_nothing_behind(runs):
    source, _, _, third = runs
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(third) as after:
        drawn = sorted(n for n in after.namelist() if _CHARTS.match(n))
        assert drawn == sorted(n for n in before.namelist() if _CHARTS.match(n))
        assert not _rels(after, _sheet_part(after, OWNED))
        assert b"<drawing" not in after.read(_sheet_part(after, OWNED))
        _no_dangling(after)


def test_a_part_shared_with_a_persons_sheet_is_kept(runs, tmp_path):
    """The owned sheet's relationships also point at the person's drawing: rewriting the owned
    sheet drops its own drawing and charts, never the person's."""
    _, first, *_ = runs
    crafted = tmp_path / "shared.xlsx"
    with zipfile.ZipFile(first) as z, zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as out:
        part = _sheet_part(z, OWNED)
        rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        persons = next(t for kind, t in _rels(z, _sheet_part(z, SITE)) if kind == "drawing")
        extra = (
            '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/drawing" Target="../drawings/{posixpath.basename(persons)}"/>'
        ).encode()
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == rels:
                data = data.replace(b"</Relationships>", extra + b"</Relationships>")
            out.writestr(info, data)
    again = tmp_path / "again.xlsx"
    write_workbook(crafted, again, changes(), default_config())
    with zipfile.ZipFile(crafted) as before, zipfile.ZipFile(again) as after:
        for _kind, target in _rels(before, persons) + [("drawing", persons)]:
            assert after.read(target) == before.read(target), target
        assert len(_our_charts(after)) == 2
        _no_dangling(after)


def test_verification_refuses_to_remove_a_persons_part():
    plan = Plan()
    plan.owned_parts = {"xl/drawings/drawing2.xml", "xl/worksheets/sheet3.xml"}
    plan.removed = {"xl/drawings/drawing2.xml", "xl/worksheets/_rels/sheet3.xml.rels"}
    check_removed_are_owned(plan)
    plan.removed.add("xl/charts/chart1.xml")
    with pytest.raises(Mismatch):
        check_removed_are_owned(plan)


@pytest.mark.libreoffice
def test_libreoffice_opens_the_written_files_without_error_cells(runs, lo_check):
    paths = list(runs[1:3])

    def run(path: Path) -> tuple[Path, int, str]:
        done = subprocess.run(
            [str(lo_check), str(path)], capture_output=True, text=True, timeout=180
        )
        return path, done.returncode, done.stdout + done.stderr

    with ThreadPoolExecutor(max_workers=2) as pool:
        for path, code, output in pool.map(run, paths):
            assert code == 0, f"{path.name}: {output}"
            assert output.strip().endswith("0 error cells"), output


def test_an_identical_run_in_place_writes_nothing(runs, tmp_path):
    """Charts rebuilt under their old names with the same bytes are no change at all."""
    _, _, second, _ = runs
    path = tmp_path / "in_place.xlsx"
    path.write_bytes(second.read_bytes())
    report = write_workbook(path, path, changes(), default_config(), backup_suffix="")
    assert not report.written, (report.changed_parts, report.added_parts, report.removed_parts)
    assert path.read_bytes() == second.read_bytes()
