"""The built add-in next to an add-in Office saved: xlwings' ``quickstart_addin_ribbon.xlam``.

xlwings ships that add-in in the very wheel ortkpi-xl pins; its VBA project is Office's own
form. Compared part by part: the package (content types, the add-in's main part, the ribbon
relationship, the VBA project part), then inside the VBA project the streams, the ``dir``
stream record by record down to its last byte, ``_VBA_PROJECT``, the ``PROJECT`` stream's
keys, and the one module both carry, the ``Dictionary`` class, attribute line by line.
What stays different is the project's own content: its modules, references and names, and
the optional records Office 2010 and later add (PROJECTCOMPATVERSION).
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import olefile
import pytest
import xlwings

from ortkpi_xl.addin.build import DIR_TERMINATOR

REFERENCE = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
NS_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
VBA_CT = "application/vnd.ms-office.vbaProject"
ADDIN_CT = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
RIBBON_RELS = {
    "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
    "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
}


def _decompress(data: bytes) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import decompress_stream
    return bytes(decompress_stream(bytearray(data)))


def dir_records(data: bytes) -> list[tuple[int, bytes]]:
    """The records of a decompressed ``dir`` stream (MS-OVBA 2.3.4.2); raises on any byte
    after the terminator."""
    out: list[tuple[int, bytes]] = []
    i = 0
    while i < len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        if rid == 0x0009:  # PROJECTVERSION: Reserved u32 (size field) = 4, then 6 bytes
            out.append((rid, data[i + 6 : i + 12]))
            i += 12
            continue
        if rid == 0x0010:  # terminator: id, Reserved u32 = 0, and nothing after
            assert data[i:] == DIR_TERMINATOR, f"{len(data) - i - 6} byte(s) after the end"
            out.append((rid, b""))
            return out
        out.append((rid, data[i + 6 : i + 6 + size]))
        i += 6 + size
    raise AssertionError("dir stream without its terminator")


class Project:
    """A package and its VBA project, read for comparison."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.ole = olefile.OleFileIO(self.zip.read("xl/vbaProject.bin"))

    def streams(self) -> list[str]:
        return sorted("/".join(e) for e in self.ole.listdir())

    def stream(self, name: str) -> bytes:
        return self.ole.openstream(name).read()

    def dir(self) -> list[tuple[int, bytes]]:
        return dir_records(_decompress(self.stream("VBA/dir")))

    def module(self, name: str) -> str:
        """A module's source, from its offset in the dir stream (source-only or cached)."""
        records = self.dir()
        for i, (rid, payload) in enumerate(records):
            if rid == 0x0019 and payload.decode("latin-1") == name:  # MODULENAME
                offset = next(
                    struct.unpack("<I", p)[0] for r, p in records[i:] if r == 0x0031
                )  # MODULEOFFSET
                return _decompress(self.stream(f"VBA/{name}")[offset:]).decode("cp1252")
        raise KeyError(name)

    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        root = ElementTree.fromstring(self.zip.read("[Content_Types].xml"))
        defaults = {d.get("Extension"): d.get("ContentType") for d in root.iter(f"{NS_CT}Default")}
        overrides = {o.get("PartName"): o.get("ContentType") for o in root.iter(f"{NS_CT}Override")}
        return defaults, overrides

    def root_rels(self) -> dict[str, str]:
        root = ElementTree.fromstring(self.zip.read("_rels/.rels"))
        return {r.get("Type"): r.get("Target") for r in root.iter(f"{NS_REL}Relationship")}


@pytest.fixture(scope="module")
def ours(addin_bytes: bytes) -> Project:
    return Project(addin_bytes)


@pytest.fixture(scope="module")
def office() -> Project:
    return Project(REFERENCE.read_bytes())


def test_the_package_has_the_parts_of_an_office_add_in(ours, office):
    for project in (ours, office):
        defaults, overrides = project.content_types()
        assert overrides["/xl/workbook.xml"] == ADDIN_CT
        assert VBA_CT in (defaults.get("bin"), overrides.get("/xl/vbaProject.bin"))
        rels = project.root_rels()
        assert (
            rels[
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
            ]
            == "xl/workbook.xml"
        )
        assert RIBBON_RELS & set(rels)
    # every part of Office's add-in but those of its content: a second sheet, its printer
    # settings, its shared strings (our one settings sheet holds its two texts inline)
    theirs = {
        name
        for name in office.zip.namelist()
        if "sheet2" not in name and "printerSettings" not in name and "sharedStrings" not in name
    }
    assert theirs <= set(ours.zip.namelist())


def test_the_vba_project_has_the_streams_office_writes(ours, office):
    def kinds(project: Project) -> set[str]:
        modules = {
            n
            for n in project.streams()
            if n.startswith("VBA/")
            and n[4:] not in ("dir", "_VBA_PROJECT", "__SRP_0", "__SRP_1", "__SRP_2", "__SRP_3")
        }
        return set(project.streams()) - modules

    assert kinds(ours) == kinds(office) == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"}
    assert ours.stream("VBA/_VBA_PROJECT") == office.stream("VBA/_VBA_PROJECT")


def test_the_dir_stream_ends_where_office_ends_it(ours, office):
    raw_ours = _decompress(ours.stream("VBA/dir"))
    raw_office = _decompress(office.stream("VBA/dir"))
    assert raw_ours.endswith(DIR_TERMINATOR) and raw_office.endswith(DIR_TERMINATOR)
    assert ours.dir()[-3:] == office.dir()[-3:]  # MODULE …, module terminator, dir terminator


def test_the_dir_stream_has_office_s_record_sequence(ours, office):
    """The project information records, then each module's records, as Office orders them
    (one sequence for standard modules, one for class and document modules)."""

    def info(records):
        ids = [rid for rid, _ in records if rid != 0x004A]  # PROJECTCOMPATVERSION: optional
        return ids[: ids.index(0x000C) + 1]  # SYSKIND … CONSTANTS, before the references

    def modules(records) -> dict[str, tuple[int, ...]]:
        out, name = {}, None
        for rid, payload in records:
            if rid == 0x0019:  # MODULENAME
                name = payload.decode("latin-1")
                out[name] = ()
            elif name is not None and rid != 0x0010:
                out[name] += (rid,)
        return out

    assert info(ours.dir()) == info(office.dir())
    by_kind = {}
    for sequence in modules(office.dir()).values():
        by_kind[0x21 in sequence] = sequence
    mine = modules(ours.dir())
    assert set(by_kind) == {True, False}
    for name, sequence in mine.items():
        assert sequence == by_kind[0x21 in sequence], name


def test_the_dictionary_class_is_what_office_stores(ours, office):
    mine, theirs = ours.module("Dictionary"), office.module("Dictionary")
    header = [line for line in mine.splitlines() if line.startswith("Attribute ")]
    reference = [line for line in theirs.splitlines() if line.startswith("Attribute ")]
    assert header == reference
    body = [line for line in mine.splitlines() if not line.startswith("Attribute ")]
    office_body = [line for line in theirs.splitlines() if not line.startswith("Attribute ")]
    # the VBE writes identifiers in the case it knows (``Err.Raise``): the only difference
    different = [(a, b) for a, b in zip(body, office_body, strict=True) if a != b]
    assert different and all(a.lower() == b.lower() for a, b in different)


def test_the_project_stream_has_office_s_keys_in_order(ours, office):
    """ID, Name, HelpContextID, VersionCompatible32, CMG, DPB, GC, then the sections."""

    def keys(project: Project) -> list[str]:
        out, section = [], ""
        for line in project.stream("PROJECT").decode("latin-1").splitlines():
            if line.startswith("["):
                section = line
                out.append(line)
            elif "=" in line and not section:
                key = line.split("=", 1)[0]
                if key not in ("Document", "Module", "Class"):
                    out.append(key)
        return out

    assert keys(ours) == keys(office)
