"""The entry guard: one check before any parser sees a file, one French sentence per problem.

A workbook comes from a shared drive or an e-mail. Before openpyxl, pandas or the patch writer
open it, the guard decides by content (never by extension) what the file is: a zip package of
the right kind, an encrypted workbook or an old ``.xls`` (both OLE2 containers), a text file
renamed ``.xlsx``… It bounds the zip (member count, total size, compression ratio: zip bombs),
refuses any XML part that declares a document type (entity tricks: billion laughs, XXE) and
measures each sheet's extent from its ``<dimension>`` and its cell references before pandas
allocates a grid for it. ``check_can_write`` adds what matters before writing: who holds the
file open (Excel's ``~$`` owner file names the person), read-only files and folders.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkbookError, system_reason
from .opc import NS_MAIN, NS_STRICT_MAIN, Package
from .xmlscan import XmlProblem, check_well_formed, iter_tags, namespace_of, root_tag

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MB = 2**20

_KINDS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "xlsm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xltx",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": "xltm",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": "xlam",
}
_OTHER_PACKAGES = {
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": (
        "est au format binaire .xlsb, que l'outil ne lit pas : enregistrez-le dans Excel au "
        "format « Classeur Excel (.xlsx) » (ou .xlsm s'il contient des macros) puis relancez"
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "est un document Word et non un classeur Excel : indiquez le classeur .xlsx"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "est une présentation PowerPoint et non un classeur Excel : indiquez le classeur .xlsx"
    ),
}
_ROW_R = re.compile(rb"<(?:[\w.-]+:)?row\b[^>]*?\sr\s*=\s*[\"'](\d+)")
_ROW_ANY = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
_CELL_R = re.compile(rb"<(?:[\w.-]+:)?c\b[^>]*?\sr\s*=\s*[\"']([A-Z]{1,3})(\d+)")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\sref\s*=\s*[\"']([^\"']*)")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


@dataclass(frozen=True)
class Limits:
    """What a workbook may weigh before the tool refuses to open it (zip bomb, sparse bomb)."""

    max_members: int = 10_000
    max_total_bytes: int = 256 * _MB  # uncompressed, all members
    max_ratio: int = 100  # uncompressed / compressed, for members above ratio_floor
    ratio_floor: int = 1 * _MB
    max_rows: int = 100_000  # per sheet
    max_columns: int = 500  # per sheet


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class SheetExtent:
    name: str
    part: str
    rows: int
    columns: int


@dataclass(frozen=True)
class WorkbookFile:
    """What the guard learnt about an accepted workbook."""

    path: Path
    kind: str  # "xlsx", "xlsm", "xltx", "xltm", "xlam"
    has_macros: bool
    size: int
    sheets: tuple[SheetExtent, ...]


def _q(path: Path) -> str:
    return f"« {path.name or path} »"


def _fail(message: str) -> WorkbookError:
    return WorkbookError(message)


# ---------------------------------------------------------------------------------------------
# the file itself


def check_workbook_file(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> WorkbookFile:
    """Accept a readable .xlsx/.xlsm package or raise ``WorkbookError`` with one sentence."""
    path = Path(path)
    name = _q(path)
    if path.name.startswith("~$") or (path.name.startswith(".~lock.") and path.name.endswith("#")):
        raise _fail(
            f"{name} est le fichier de verrouillage qu'Excel ou LibreOffice crée pendant qu'un "
            "classeur est ouvert, pas un classeur : indiquez le classeur lui-même."
        )
    try:
        st = path.stat()
    except FileNotFoundError:
        raise _fail(
            f"Le fichier {name} est introuvable dans le dossier {path.parent.resolve()} : "
            "vérifiez le nom et le dossier."
        ) from None
    except OSError as exc:
        raise _fail(f"Le fichier {name} est inaccessible ({system_reason(exc)}).") from None
    if stat.S_ISDIR(st.st_mode):
        raise _fail(f"{name} est un dossier et non un classeur : indiquez le fichier .xlsx.")
    if st.st_size == 0:
        raise _fail(
            f"Le fichier {name} est vide (0 octet) : il a sans doute été mal copié ou mal "
            "téléchargé ; reprenez l'original."
        )
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except PermissionError:
        raise _fail(
            f"Le fichier {name} ne peut pas être lu (accès refusé) : vérifiez vos droits sur ce "
            "fichier ou copiez-le dans un dossier à vous."
        ) from None
    except OSError as exc:
        raise _fail(f"Le fichier {name} ne peut pas être lu ({system_reason(exc)}).") from None
    if head.startswith(OLE2_SIGNATURE):
        raise _fail(_ole2_message(path))
    if not head.startswith(ZIP_SIGNATURES):
        raise _fail(_not_a_zip_message(path))
    key = _fingerprint(path, st)
    accepted = _ACCEPTED.get(key)
    if accepted is not None and accepted[0] == limits:
        return accepted[1]  # the same bytes, accepted a moment ago (read, then written)
    found = _check_package(path, st.st_size, limits)
    if path.suffix.lower() not in _OPENABLE:
        raise _fail(_extension_message(path, found.kind))
    if key is not None:
        _ACCEPTED.clear()
        _ACCEPTED[key] = (limits, found)
    return found


# The last file accepted, by its exact bytes: Recalculer reads a workbook then writes it, and
# both ask the guard; the second answer is the first one when nothing changed in between.
_ACCEPTED: dict[tuple[str, int, bytes], tuple[Limits, WorkbookFile]] = {}


def _fingerprint(path: Path, st: os.stat_result) -> tuple[str, int, bytes] | None:
    digest = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_MB):
                digest.update(chunk)
    except OSError:
        return None
    return (str(path.resolve()), st.st_size, digest.digest())


_OPENABLE = (".xlsx", ".xlsm", ".xltx", ".xltm")


def _extension_message(path: Path, kind: str) -> str:
    """A workbook under another name (an old ``.xlsx.bak`` backup, a name without extension)."""
    extension = f".{kind}" if f".{kind}" in _OPENABLE else ".xlsx"
    copy = f"{path.name.split('.')[0] or 'classeur'}-copie{extension}"
    return (
        f"{_q(path)} est bien un classeur Excel, mais son nom ne finit pas par {extension} "
        "(une ancienne copie de sauvegarde ?) : ni un double-clic ni l'outil ne l'ouvrent sous "
        f"ce nom. Copiez-le sous un nom comme « {copy} », puis relancez sur cette copie."
    )


def _ole2_message(path: Path) -> str:
    name = _q(path)
    streams = _ole2_streams(path)
    if {"encryptioninfo", "encryptedpackage"} <= streams:
        return (
            f"Le classeur {name} est protégé par un mot de passe à l'ouverture, que l'outil ne "
            "peut pas lire : dans Excel, ôtez le mot de passe (Fichier > Informations > "
            "Protéger le classeur > Chiffrer avec mot de passe, champ vide), enregistrez, "
            "puis relancez."
        )
    if streams & {"workbook", "book"}:
        return (
            f"Le classeur {name} est à l'ancien format Excel 97-2003 (.xls), que l'outil ne lit "
            "pas : ouvrez-le dans Excel et enregistrez-le au format « Classeur Excel (.xlsx) »."
        )
    return (
        f"{name} est un ancien document Office (Word, PowerPoint…) et non un classeur Excel "
        ".xlsx : indiquez le bon fichier."
    )


def _ole2_streams(path: Path) -> set[str]:
    """Top-level stream names of an OLE2 container, lower-cased (empty if unreadable)."""
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            return {entry[0].lower() for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # noqa: BLE001 - a damaged container is reported as "old Office file"
        return set()


def _not_a_zip_message(path: Path) -> str:
    name = _q(path)
    try:
        with open(path, "rb") as handle:
            sample = handle.read(4096)
    except OSError:
        sample = b""
    text = None
    for encoding in ("utf-8-sig", "utf-16", "cp1252"):
        try:
            text = sample.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is not None and "\x00" not in text and text.strip():
        lowered = text.lstrip().lower()
        if lowered.startswith(("<html", "<!doctype html", "<?xml")):
            kind = "une page web ou un fichier XML"
        else:
            kind = "un fichier texte (un CSV ?)"
        return (
            f"{name} n'est pas un classeur Excel mais {kind} renommé : ouvrez-le dans Excel et "
            "enregistrez-le au format « Classeur Excel (.xlsx) »."
        )
    return (
        f"{name} n'est pas un classeur Excel (.xlsx ou .xlsm) : son contenu n'est pas reconnu ; "
        "vérifiez que c'est le bon fichier."
    )


def _corrupt(path: Path, detail: str = "") -> WorkbookError:
    where = f" ({detail})" if detail else ""
    return _fail(
        f"Le classeur {_q(path)} est endommagé{where} : ouvrez-le dans Excel, acceptez la "
        "réparation proposée, enregistrez-le puis relancez."
    )


def _check_package(path: Path, size: int, limits: Limits) -> WorkbookFile:
    name = _q(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _corrupt(path, "archive illisible") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise _fail(
                f"Le classeur {name} contient {len(infos)} éléments (limite "
                f"{limits.max_members}) : il n'est pas traité par sécurité ; vérifiez sa "
                "provenance."
            )
        total = 0
        seen: set[str] = set()
        for info in infos:
            lowered = info.filename.lower()
            if lowered in seen:
                raise _corrupt(path, f"élément « {info.filename} » en double")
            seen.add(lowered)
            if info.flag_bits & 0x1:
                raise _fail(
                    f"Le classeur {name} est une archive chiffrée, que l'outil ne lit pas : "
                    "enregistrez-le à nouveau dans Excel sans mot de passe."
                )
            parts = info.filename.replace("\\", "/").split("/")
            if info.filename.startswith("/") or ".." in parts:
                raise _corrupt(path, f"nom d'élément suspect « {info.filename} »")
            total += info.file_size
            if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                ratio = info.file_size // max(info.compress_size, 1)
                raise _fail(
                    f"Le classeur {name} est suspect : son élément « {info.filename} » se "
                    f"décompresse {ratio} fois plus gros que sa taille dans le fichier (limite "
                    f"{limits.max_ratio}) ; il n'est pas traité par sécurité, vérifiez sa "
                    "provenance."
                )
        if total > limits.max_total_bytes:
            raise _fail(
                f"Le classeur {name} fait {total // _MB} Mo une fois décompressé (limite "
                f"{limits.max_total_bytes // _MB} Mo) : il n'est pas traité par sécurité ; "
                "vérifiez sa provenance ou allégez-le."
            )
        if "mimetype" in seen:
            try:
                mimetype = archive.read("mimetype")[:100]
            except Exception:  # noqa: BLE001
                mimetype = b""
            if b"opendocument.spreadsheet" in mimetype:
                raise _fail(
                    f"{name} est un classeur LibreOffice (.ods) : enregistrez-le au format "
                    "« Classeur Excel (.xlsx) » puis relancez."
                )
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                try:
                    with archive.open(info) as member:
                        head = member.read(65536)
                except Exception:  # noqa: BLE001 - zlib.error, BadZipFile, CRC…
                    raise _corrupt(path, f"élément « {info.filename} » illisible") from None
                if _declares_doctype(head):
                    raise _fail(
                        f"Le classeur {name} contient une partie XML piégée (« {info.filename} » "
                        "déclare des entités) : il n'est pas traité par sécurité ; demandez le "
                        "fichier d'origine ou enregistrez-le à nouveau dans Excel."
                    )
    try:
        package = Package(path)
    except Exception:  # noqa: BLE001
        raise _corrupt(path, "archive illisible") from None
    with package:
        return _check_workbook(path, size, package, limits)


def _declares_doctype(head: bytes) -> bool:
    """Does the prolog of an XML part hold a ``<!DOCTYPE`` (where entities are declared)?"""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head.decode("utf-16", errors="ignore").encode("utf-8")
        except Exception:  # noqa: BLE001
            return True
    else:
        text = head.removeprefix(b"\xef\xbb\xbf")
    pos = 0
    while pos < len(text):
        while pos < len(text) and text[pos : pos + 1].isspace():
            pos += 1
        if text.startswith(b"<?", pos):
            end = text.find(b"?>", pos)
            if end < 0:
                return False
            pos = end + 2
        elif text.startswith(b"<!--", pos):
            end = text.find(b"-->", pos)
            if end < 0:
                return False
            pos = end + 3
        else:
            return text.startswith(b"<!", pos)
    return False


def _check_workbook(path: Path, size: int, package: Package, limits: Limits) -> WorkbookFile:
    name = _q(path)
    try:
        if not package.has("[Content_Types].xml"):
            raise _fail(
                f"{name} est une archive zip mais pas un classeur Excel : indiquez le classeur "
                ".xlsx."
            )
        main = package.main_part()
        content_type = package.content_type(main) if main else None
    except WorkbookError:
        raise
    except XmlProblem as exc:
        raise _corrupt(path, exc.reason) from None
    except Exception:  # noqa: BLE001
        raise _corrupt(path, "structure du paquet illisible") from None
    if content_type in _OTHER_PACKAGES:
        raise _fail(f"{name} {_OTHER_PACKAGES[content_type]}.")
    if main is None or not package.has(main) or content_type not in _KINDS:
        raise _fail(
            f"{name} est une archive mais pas un classeur Excel (.xlsx ou .xlsm) : indiquez le "
            "classeur lui-même."
        )
    try:
        data = package.read(main)
        check_well_formed(data)
        ns = namespace_of(root_tag(data))
        rels = package.rels(main)
    except XmlProblem as exc:
        raise _corrupt(path, f"partie {main} : {exc.reason}") from None
    except Exception:  # noqa: BLE001
        raise _corrupt(path, f"partie {main} illisible") from None
    if ns == NS_STRICT_MAIN:
        raise _fail(
            f"Le classeur {name} est enregistré au format « Feuille de calcul Open XML stricte », "
            "que l'outil ne sait pas modifier sans perte : enregistrez-le dans Excel au format "
            "« Classeur Excel (.xlsx) »."
        )
    if ns != NS_MAIN:
        raise _corrupt(path, f"partie {main} inattendue")
    sheets = []
    targets = {r.id: r for r in rels}
    for tag in iter_tags(data):
        if tag.local != b"sheet" or tag.kind not in ("start", "empty"):
            continue
        attrs = tag.attrs
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
        rel = targets.get(rid)
        if rel is None or rel.part is None or not package.has(rel.part):
            continue
        if not rel.type.endswith("/worksheet"):
            continue
        rows, cols = _extent(package, rel.part)
        sheet_name = attrs.get("name", "?")
        if rows > limits.max_rows or cols > limits.max_columns:
            raise _fail(
                f"La feuille « {sheet_name} » du classeur {name} s'étend sur {rows} lignes et "
                f"{cols} colonnes, au-delà des limites de l'outil ({limits.max_rows} lignes, "
                f"{limits.max_columns} colonnes) : supprimez les lignes et colonnes vides en trop "
                "(Ctrl+Fin montre la dernière cellule utilisée), enregistrez, puis relancez."
            )
        sheets.append(SheetExtent(sheet_name, rel.part, rows, cols))
    kind = _KINDS[content_type]
    return WorkbookFile(
        path=path,
        kind=kind,
        has_macros=any(i.filename.lower().endswith("vbaproject.bin") for i in package.infos),
        size=size,
        sheets=tuple(sheets),
    )


def _col(letters: bytes | str) -> int:
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        n = n * 26 + ord(ch) - 64
    return n


def _extent(package: Package, part: str) -> tuple[int, int]:
    """(rows, columns) a sheet spans: its ``<dimension>`` and its real cell references."""
    rows = cols = 0
    row_count = 0
    tail = b""
    first = True
    with package.zip.open(package.info(part)) as member:
        while True:
            chunk = member.read(_MB)
            if not chunk:
                break
            block = tail + chunk
            if first:
                first = False
                dim = _DIMENSION.search(block[:8192])
                if dim:
                    for letters, digits in _REF.findall(dim.group(1).decode("ascii", "replace")):
                        rows = max(rows, int(digits))
                        cols = max(cols, _col(letters))
            for match in _ROW_R.finditer(block):
                rows = max(rows, int(match.group(1)))
            row_count += len(_ROW_ANY.findall(chunk))
            letters = _CELL_R.findall(block)
            if letters:
                widest = max(letters, key=lambda m: (len(m[0]), m[0]))
                cols = max(cols, _col(widest[0]))
            tail = block[-256:]
    return max(rows, row_count), cols


# ---------------------------------------------------------------------------------------------
# before writing


@dataclass(frozen=True)
class Holder:
    application: str  # "Excel" or "LibreOffice"
    person: str | None
    lock_file: Path


def holder_of(path: str | Path) -> Holder | None:
    """Who has ``path`` open, from the owner file Excel or LibreOffice leaves next to it."""
    path = Path(path)
    excel = path.with_name("~$" + path.name)
    if excel.is_file():
        return Holder("Excel", _excel_owner(excel), excel)
    office = path.with_name(f".~lock.{path.name}#")
    if office.is_file():
        return Holder("LibreOffice", _libreoffice_owner(office), office)
    return None


def _excel_owner(lock: Path) -> str | None:
    """The user name in an Excel owner file: UTF-16 copy at offset 57, else the 8-bit one."""
    try:
        data = lock.read_bytes()[:512]
    except OSError:
        return None
    if len(data) >= 57 + 2:
        length = int.from_bytes(data[55:57], "little")
        if 0 < length <= 54 and len(data) >= 57 + 2 * length:
            try:
                name = data[57 : 57 + 2 * length].decode("utf-16-le").strip()
                if name and name.isprintable():
                    return name
            except UnicodeDecodeError:
                pass
    if data and 0 < data[0] <= 54 and len(data) > data[0]:
        name = data[1 : 1 + data[0]].decode("cp1252", errors="replace").strip()
        if name and name.isprintable():
            return name
    return None


def _libreoffice_owner(lock: Path) -> str | None:
    try:
        text = lock.read_text("utf-8", errors="replace")
    except OSError:
        return None
    fields = [f.strip() for f in text.split(";")[0].split(",")]
    for value in fields[:2]:
        if value and value.isprintable():
            return value
    return None


def check_can_write(path: str | Path, *, replacing: bool) -> None:
    """Refuse before anything is written: file held open, read-only file or folder."""
    path = Path(path)
    name = _q(path)
    holder = holder_of(path)
    if holder is not None:
        who = f" par {holder.person}" if holder.person else ""
        if holder.person:
            raise _fail(
                f"Le classeur {name} est ouvert dans {holder.application}{who} : demandez que "
                "le classeur soit fermé, puis relancez ; rien n'a été écrit."
            )
        raise _fail(
            f"Le classeur {name} semble ouvert dans {holder.application} (fichier "
            f"« {holder.lock_file.name} » présent) : fermez-le puis relancez ; si personne ne "
            f"l'a ouvert, supprimez « {holder.lock_file.name} »."
        )
    folder = path.parent
    if not folder.is_dir():
        raise _fail(f"Le dossier {folder} n'existe pas : indiquez un dossier existant.")
    if path.exists():
        if path.is_dir():
            raise _fail(f"{name} est un dossier : indiquez un nom de fichier .xlsx.")
        mode = path.stat().st_mode
        if not mode & stat.S_IWUSR or not os.access(path, os.W_OK):
            hint = " ou enregistrez le résultat ailleurs avec -o" if replacing else ""
            raise _fail(
                f"Le classeur {name} est en lecture seule : ôtez l'attribut « Lecture seule » "
                f"(clic droit > Propriétés){hint}, puis relancez ; rien n'a été écrit."
            )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _fail(
            f"Le dossier {folder} n'est pas accessible en écriture : choisissez un autre dossier "
            "avec -o ; rien n'a été écrit."
        )
