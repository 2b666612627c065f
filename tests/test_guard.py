"""The entry guard: every bad file gets one French sentence naming it, never a traceback."""

from __future__ import annotations

import os
import stat
import zipfile

import pytest
from corpus.hostile import encrypted, excel_owner_file, patched, xls, zip_of
from openpyxl.utils import get_column_letter

from ortkpi_xl.errors import WorkbookError
from ortkpi_xl.fields import FIELDS
from ortkpi_xl.xlsx.guard import Limits, check_can_write, check_workbook_file, holder_of

SHEET = "xl/worksheets/sheet1.xml"


def refused(path, **kwargs) -> str:
    with pytest.raises(WorkbookError) as error:
        check_workbook_file(path, **kwargs)
    message = str(error.value)
    assert path.name in message, message
    assert "Traceback" not in message and "\n" not in message
    return message


def test_a_good_workbook_passes(corpus):
    info = check_workbook_file(corpus["macros"])
    assert info.kind == "xlsm" and info.has_macros
    assert [(s.name, s.rows, s.columns) for s in info.sheets] == [
        ("Ecole de Travail", 15, len(FIELDS))
    ]
    assert check_workbook_file(corpus["excel_style"]).kind == "xlsx"


def test_a_file_changed_since_it_was_accepted_is_checked_again(corpus, tmp_path):
    """Recalculer asks the guard twice (read, then write); the second answer is reused only
    for the very same bytes and limits, even when size and modification time are the same."""
    path = tmp_path / "classeur.xlsx"
    original = corpus["plain"].read_bytes()
    path.write_bytes(original)
    first = check_workbook_file(path)
    assert check_workbook_file(path) == first
    assert "au-delà des limites" in refused(path, limits=Limits(max_rows=5))
    stamp = path.stat()
    path.write_bytes(original[:100] + b"\x00" * (len(original) - 100))  # same size, broken
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert "endommagé" in refused(path)


def test_missing_file_and_directory(tmp_path):
    assert "introuvable" in refused(tmp_path / "absent.xlsx")
    folder = tmp_path / "dossier.xlsx"
    folder.mkdir()
    assert "dossier" in refused(folder)


def test_empty_file(tmp_path):
    empty = tmp_path / "vide.xlsx"
    empty.write_bytes(b"")
    assert "vide (0 octet)" in refused(empty)


def test_old_xls_and_encrypted_workbook(tmp_path):
    assert "Excel 97-2003 (.xls)" in refused(xls(tmp_path / "ancien.xlsx"))
    message = refused(encrypted(tmp_path / "secret.xlsx"))
    assert "mot de passe" in message and "Chiffrer" in message


def test_text_renamed_xlsx(tmp_path):
    csv = tmp_path / "export.xlsx"
    csv.write_text("Formation;Inscrits\nBTS SIO;12\n", encoding="utf-8")
    assert "fichier texte (un CSV ?)" in refused(csv)
    html = tmp_path / "page.xlsx"
    html.write_text("<html><body>Indicateurs</body></html>")
    assert "page web" in refused(html)
    noise = tmp_path / "bruit.xlsx"
    noise.write_bytes(bytes(range(256)) * 4)
    assert "contenu n'est pas reconnu" in refused(noise)


def test_truncated_and_corrupt_zip(tmp_path, corpus):
    data = corpus["plain"].read_bytes()
    cut = tmp_path / "coupe.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert "endommagé" in refused(cut)
    broken = bytearray(data)
    with zipfile.ZipFile(corpus["plain"]) as z:
        info = z.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + 10
    broken[start : start + 40] = b"\xff" * 40
    damaged = tmp_path / "abime.xlsx"
    damaged.write_bytes(bytes(broken))
    assert "endommagé" in refused(damaged)


def test_zip_bomb_is_refused_before_parsing(tmp_path, corpus):
    bomb = patched(
        corpus["plain"],
        tmp_path / "bombe.xlsx",
        SHEET,
        extra={"xl/media/image1.bin": b"\0" * (30 * 2**20)},
    )
    assert "se décompresse" in refused(bomb)
    assert "Mo une fois décompressé" in refused(corpus["plain"], limits=Limits(max_total_bytes=10))
    assert "éléments" in refused(corpus["plain"], limits=Limits(max_members=3))


@pytest.mark.parametrize("kind", ["laughs", "xxe"])
def test_entity_tricks_in_a_sheet(tmp_path, corpus, kind):
    entity = (
        b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        if kind == "laughs"
        else b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    )
    path = patched(
        corpus["plain"],
        tmp_path / f"{kind}.xlsx",
        SHEET,
        replace=(b"<worksheet ", entity + b"<worksheet "),
    )
    assert "piégée" in refused(path)


def test_absurd_extent_declared_or_real(tmp_path, corpus):
    declared = patched(
        corpus["plain"],
        tmp_path / "dimension.xlsx",
        SHEET,
        replace=(
            f'<dimension ref="A1:{get_column_letter(len(FIELDS))}15"/>'.encode(),
            b'<dimension ref="A1:XFD1048576"/>',
        ),
    )
    message = refused(declared)
    assert "1048576 lignes et 16384 colonnes" in message and "Ctrl+Fin" in message
    lying = patched(
        corpus["plain"],
        tmp_path / "menteur.xlsx",
        SHEET,
        replace=(
            b"</sheetData>",
            b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>',
        ),
    )
    assert "1048576 lignes" in refused(lying)


def test_other_packages(tmp_path, corpus):
    ods = zip_of(
        tmp_path / "calc.xlsx",
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<a/>"},
    )
    assert "LibreOffice (.ods)" in refused(ods)
    ct = (
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    docx = zip_of(
        tmp_path / "lettre.xlsx",
        {"[Content_Types].xml": ct, "_rels/.rels": rels, "word/document.xml": b"<w/>"},
    )
    assert "document Word" in refused(docx)
    xlsb = patched(
        corpus["plain"],
        tmp_path / "binaire.xlsx",
        "[Content_Types].xml",
        replace=(b"spreadsheetml.sheet.main+xml", b"spreadsheetml.sheet.binary.macroEnabled.main"),
    )
    xlsb = patched(
        xlsb,
        tmp_path / "binaire2.xlsx",
        "[Content_Types].xml",
        replace=(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.binary",
            b"application/vnd.ms-excel.sheet.binary",
        ),
    )
    assert ".xlsb" in refused(xlsb)
    strict = patched(
        corpus["plain"],
        tmp_path / "strict.xlsx",
        "xl/workbook.xml",
        replace=(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        ),
    )
    assert "Open XML stricte" in refused(strict)
    no_workbook = zip_of(tmp_path / "archive.xlsx", {"a.txt": b"x"})
    assert "pas un classeur" in refused(no_workbook)


def test_lock_files_are_not_workbooks(tmp_path):
    owner = excel_owner_file(tmp_path / "~$indicateurs.xlsx", "Marie Curie")
    assert "fichier de verrouillage" in refused(owner)


def test_excel_owner_file_names_who_holds_the_workbook(tmp_path, corpus):
    target = tmp_path / "indicateurs.xlsx"
    target.write_bytes(corpus["plain"].read_bytes())
    excel_owner_file(tmp_path / "~$indicateurs.xlsx", "Élodie Müller")
    holder = holder_of(target)
    assert holder is not None and holder.person == "Élodie Müller"
    with pytest.raises(WorkbookError, match="ouvert dans Excel par Élodie Müller"):
        check_can_write(target, replacing=True)


def test_unreadable_owner_file_and_libreoffice_lock(tmp_path, corpus):
    target = tmp_path / "bilan.xlsx"
    target.write_bytes(corpus["plain"].read_bytes())
    (tmp_path / "~$bilan.xlsx").write_bytes(b"\0\0")
    with pytest.raises(WorkbookError, match="semble ouvert dans Excel .*~\\$bilan.xlsx"):
        check_can_write(target, replacing=True)
    (tmp_path / "~$bilan.xlsx").unlink()
    (tmp_path / ".~lock.bilan.xlsx#").write_text(",Jean Dupont,poste,01.12.2026 10:00,file:///x;")
    with pytest.raises(WorkbookError, match="ouvert dans LibreOffice par Jean Dupont"):
        check_can_write(target, replacing=True)


def test_read_only_file_and_folder(tmp_path, corpus):
    target = tmp_path / "lecture.xlsx"
    target.write_bytes(corpus["plain"].read_bytes())
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        with pytest.raises(WorkbookError, match="lecture seule.*-o"):
            check_can_write(target, replacing=True)
    finally:
        target.chmod(stat.S_IRUSR | stat.S_IWUSR)
    with pytest.raises(WorkbookError, match="n'existe pas"):
        check_can_write(tmp_path / "absent" / "x.xlsx", replacing=False)
    if os.geteuid() != 0:  # root may write anywhere
        folder = tmp_path / "verrou"
        folder.mkdir()
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        try:
            with pytest.raises(WorkbookError, match="pas accessible en écriture"):
                check_can_write(folder / "x.xlsx", replacing=False)
        finally:
            folder.chmod(stat.S_IRWXU)
