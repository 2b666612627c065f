"""The low-level pieces of the patch writer: safe XML scanning, byte edits, the raw zip copy."""

from __future__ import annotations

import io
import zipfile

import pytest

from ortkpi_xl.xlsx.opc import ChildEditor, Package, relative, rels_name, resolve
from ortkpi_xl.xlsx.xmlscan import (
    XmlProblem,
    check_part,
    check_well_formed,
    children,
    parse_tree,
    root_children,
    set_attr,
    splice,
)
from ortkpi_xl.xlsx.xmlwrite import escape_text
from ortkpi_xl.xlsx.zipio import ZipWriter

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><a>&lol2;</a>'
)
XXE = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/hostname">]><a>&x;</a>'


@pytest.mark.parametrize("data", [LAUGHS, XXE, b"<!DOCTYPE a><a/>"])
def test_any_document_type_is_refused(data):
    with pytest.raises(XmlProblem) as error:
        check_well_formed(data)
    assert error.value.unsafe
    with pytest.raises(XmlProblem):
        parse_tree(data)


@pytest.mark.parametrize(
    "data",
    [b"<a><!-- x --></a>", b"<a><![CDATA[<b>]]></a>", "<a/>".encode("utf-16"), b"<a><b></a>"],
)
def test_parts_the_writer_edits_must_be_plain(data):
    with pytest.raises(XmlProblem):
        check_part(data)


def test_set_attr_replaces_appends_and_removes():
    tag = b'<c r="A1" s="3" t="s">'
    assert set_attr(tag, "s", "7") == b'<c r="A1" s="7" t="s">'
    assert set_attr(tag, "t", None) == b'<c r="A1" s="3">'
    assert set_attr(b'<c r="A1"/>', "s", "2") == b'<c r="A1" s="2"/>'
    assert set_attr(b"<c r='A1' >", "s", 'a"b') == b"<c r='A1' s=\"a&quot;b\" >"
    assert set_attr(b'<row spans="1:3" r="2">', "r", "5") == b'<row spans="1:3" r="5">'


def test_children_and_nesting():
    data = b'<r xmlns="u"><a><a x=">"/><b/></a><!-- c --><b>t</b></r>'
    root, kids = root_children(data)
    assert [k.tag.local for k in kids] == [b"a", b"b"]
    assert kids[0].bytes(data) == b'<a><a x=">"/><b/></a>'
    assert [c.tag.local for c in children(data, kids[0].tag, kids[0].end)] == [b"a", b"b"]
    assert kids[1].inner_end(data) == data.rfind(b"</b>")


def test_escape_text_keeps_excel_escapes_literal():
    assert escape_text("a<b&c>") == "a&lt;b&amp;c&gt;"
    assert escape_text("_x0041_") == "_x005F_x0041_"
    assert escape_text("a\x01b") == "a_x0001_b"


def test_splice_refuses_overlaps():
    assert splice(b"abcdef", [(1, 2, b"X"), (4, 4, b"Y")]) == b"aXcdYef"
    with pytest.raises(ValueError):
        splice(b"abcdef", [(1, 3, b""), (2, 4, b"")])


def test_child_editor_keeps_other_children_bytes():
    data = b'<Types xmlns="t"><Default Extension="xml"/>\n<Override PartName="/a"/></Types>'
    editor = ChildEditor(data)
    editor.remove_where("Override", "PartName", "/A", fold=True)
    editor.append(b'<Override PartName="/b"/>')
    assert (
        editor.render()
        == b'<Types xmlns="t"><Default Extension="xml"/>\n<Override PartName="/b"/></Types>'
    )


def test_part_names():
    assert rels_name("xl/worksheets/sheet1.xml") == "xl/worksheets/_rels/sheet1.xml.rels"
    assert resolve("xl/worksheets/sheet1.xml", "../comments1.xml") == "xl/comments1.xml"
    assert resolve("xl/workbook.xml", "/xl/styles.xml") == "xl/styles.xml"
    assert relative("xl/worksheets/sheet1.xml", "xl/drawings/vmlDrawing1.vml") == (
        "../drawings/vmlDrawing1.vml"
    )


def _source_zip(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.xml", b"<a>" + b"x" * 5000 + b"</a>", compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("b.bin", bytes(range(256)), compress_type=zipfile.ZIP_STORED)
        z.writestr("dossier/é.xml", b"<e/>", compress_type=zipfile.ZIP_DEFLATED)


def test_zip_writer_copies_raw_and_is_deterministic(tmp_path):
    source = tmp_path / "s.zip"
    _source_zip(source)
    outputs = []
    for _ in range(2):
        buffer = io.BytesIO()
        with Package(source) as package:
            writer = ZipWriter(buffer)
            for info in package.infos:
                if info.filename == "a.xml":
                    writer.add(info.filename, b"<a>changed</a>", info)
                else:
                    writer.copy_raw(info, package.raw(info.filename))
            writer.add("new.xml", b"<n/>")
            writer.close()
        outputs.append(buffer.getvalue())
    assert outputs[0] == outputs[1]
    with zipfile.ZipFile(io.BytesIO(outputs[0])) as out, zipfile.ZipFile(source) as src:
        assert out.testzip() is None
        assert out.namelist() == ["a.xml", "b.bin", "dossier/é.xml", "new.xml"]
        assert out.read("a.xml") == b"<a>changed</a>"
        for name in ("b.bin", "dossier/é.xml"):
            assert out.read(name) == src.read(name)
            assert out.getinfo(name).compress_size == src.getinfo(name).compress_size
            assert out.getinfo(name).compress_type == src.getinfo(name).compress_type
