"""Build ``ortkpi.xlam`` from text sources, byte for byte the same on every run.

What goes in, and where it comes from:

- ``ORT`` (ribbon callbacks and macros) and the code of ``ThisWorkbook``: ``vba/*.bas`` here;
- ``xlwings`` and ``Dictionary``: the VBA that the installed xlwings ships as source
  (``xlwings_custom_addin.bas``, the variant xlwings' own ``quickstart --addin`` uses, with its
  ``PROJECT_NAME`` set to ``ortkpi``), so the add-in always matches the xlwings of the Python
  that built it;
- ``xlwings_udfs``: the wrappers xlwings' "Import Functions" writes (``udf_vba.py``);
- ``OrtBuild``: generated here, the version stamp, ``SelfTest`` (for the Excel check) and
  ``RegisterFunctions``, which replays on
  opening the ``Application.MacroOptions`` calls of "Import Functions" (category and French
  wizard texts), since no Excel runs during the build;
- ``customUI.xml``: the ribbon.

The VBA project is written by pyOpenVBA (MIT, pure Python) into the Excel-authored empty add-in
it ships; ``_VBA_PROJECT`` is then set to the 7 bytes MS-OVBA requires of a writer that is not
Office (version 0xFFFF, no performance cache: Office compiles from source), the shape of the
add-ins xlwings ships. Two details are brought to Office's own form, as in the add-in xlwings
ships (tests/addin/test_addin_office_form.py compares them): the ``dir`` stream ends with its
terminator record (pyOpenVBA adds four zero bytes after it), and the class module carries the
attribute lines the VBE writes in a module stream (``VB_Base`` … ``VB_Customizable``). The
package is rewritten with fixed timestamps and order.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from .. import __version__
from ..errors import system_reason
from ..xlsx.guard import check_can_write
from .errors import AddinError
from .udf_vba import UDF_MODULE, UdfModule, crlf, generate_udf_module

ADDIN_NAME = "ortkpi.xlam"
PROJECT_NAME = "ortkpi"  # xlwings' PROJECT_NAME: config sheet/file "ortkpi.conf"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
CONFIG = (("UDF Modules", UDF_MODULE),)  # read by xlwings' ImportPythonUDFsToAddin
CATEGORY_LIMIT = 255
VBA_PROJECT_SOURCE_ONLY = bytes.fromhex("cc61ffff000100")  # MS-OVBA 2.3.4.1 / 3.1.1
DIR_TERMINATOR = bytes.fromhex("100000000000")  # MS-OVBA 2.3.4.2: 0x0010, Reserved u32 0
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"  # VB_Base of a plain class module
# The attribute lines of a class module stream, in the order the VBE writes them.
CLASS_ATTRIBUTES = (
    "VB_Name",
    "VB_Base",
    "VB_GlobalNameSpace",
    "VB_Creatable",
    "VB_PredeclaredId",
    "VB_Exposed",
    "VB_TemplateDerived",
    "VB_Customizable",
)
CLASS_DEFAULTS = {
    "VB_Base": f'"{CLASS_BASE}"',
    "VB_TemplateDerived": "False",
    "VB_Customizable": "False",
}
CUSTOM_UI_PART = "customUI/customUI.xml"
CUSTOM_UI_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_XLWINGS_PROJECT_LINE = 'Public Const PROJECT_NAME As String = "{}"'


@dataclass(frozen=True)
class VbaModule:
    """One module of the add-in's VBA project and where its text comes from."""

    name: str
    kind: str  # "standard", "class" or "document"
    source: str  # CRLF line ends; for "document", the code only (the template has the header)
    origin: str


@dataclass(frozen=True)
class AddinSources:
    """Everything the add-in is made of, before packaging."""

    modules: tuple[VbaModule, ...]
    custom_ui: bytes
    udfs: UdfModule
    xlwings_version: str

    def module(self, name: str) -> VbaModule:
        return next(m for m in self.modules if m.name == name)


def _package_text(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).parent


def xlwings_module_source() -> str:
    """xlwings' custom add-in VBA module, renamed to our project (config ``ortkpi.conf``)."""
    path = _xlwings_dir() / "xlwings_custom_addin.bas"
    try:
        text = path.read_text(encoding="cp1252")
    except OSError as exc:
        raise AddinError(
            f"Le module VBA de xlwings est introuvable ({path}) : réinstallez "
            "xlwings (pip install --force-reinstall xlwings)."
        ) from exc
    original = _XLWINGS_PROJECT_LINE.format("myaddin")
    if text.count(original) != 1:
        raise AddinError(
            f"{path} ne contient plus la ligne « {original} » : cette version de "
            "xlwings n'est pas prise en charge par ortkpi-xl."
        )
    return crlf(text.replace(original, _XLWINGS_PROJECT_LINE.format(PROJECT_NAME)))


def class_stream_source(exported: str) -> str:
    """A class module as the VBE stores it in its stream, from its ``.cls`` export form.

    The export has a ``VERSION 1.0 CLASS`` / ``BEGIN`` … ``END`` block and fewer attributes; the
    stream has no such block and the attribute lines ``VB_Name``, ``VB_Base``,
    ``VB_GlobalNameSpace``, ``VB_Creatable``, ``VB_PredeclaredId``, ``VB_Exposed``,
    ``VB_TemplateDerived``, ``VB_Customizable`` in that order, then any other (``VB_Description``).
    """
    lines = exported.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION ") and "END" in lines:
        lines = lines[lines.index("END") + 1 :]
    attributes: dict[str, str] = {}
    others: list[str] = []
    body_start = 0
    for i, line in enumerate(lines):
        if not line.startswith("Attribute VB_"):
            body_start = i
            break
        key, _, value = line[len("Attribute ") :].partition(" = ")
        if key in CLASS_ATTRIBUTES:
            attributes[key] = value
        else:
            others.append(line)
    else:
        body_start = len(lines)
    if "VB_Name" not in attributes:
        raise AddinError("Module de classe sans « Attribute VB_Name » : fichier .cls abîmé.")
    header = [
        f"Attribute {key} = {attributes.get(key, CLASS_DEFAULTS.get(key, 'False'))}"
        for key in CLASS_ATTRIBUTES
    ]
    return crlf("\n".join(header + others + lines[body_start:]))


def _vba_string(text: str) -> str:
    """A VBA expression for ``text``: quotes doubled, line breaks as vbLf."""
    lines = text.replace("\r\n", "\n").split("\n")
    return " & vbLf & ".join('"' + line.replace('"', '""') + '"' for line in lines)


def self_test_answer(xlwings_version: str) -> str:
    """What ``OrtBuild.SelfTest`` returns in Excel."""
    return f"ortkpi-xl {__version__} / xlwings {xlwings_version}"


def registration_module(udfs: UdfModule) -> str:
    """``OrtBuild``: version stamp, self-test, and the MacroOptions of Import Functions."""
    out = [
        'Attribute VB_Name = "OrtBuild"',
        '\' Generated by "ortkpi-xl complement": do not edit, rebuild the add-in instead.',
        "' RegisterFunctions replays the Application.MacroOptions calls that xlwings'",
        f'\' "Import Functions" makes for {udfs.module_name} (ortkpi_xl/addin/udf_vba.py).',
        "Option Explicit",
        "",
        f'Public Const ORTKPI_VERSION As String = "{__version__}"',
        "",
        "Public Function SelfTest() As String",
        "    ' Run by ortkpi_xl/addin/excel_check.py: proves that Excel compiled and runs this",
        "    ' source-only project, across modules (XLWINGS_VERSION lives in module xlwings).",
        '    SelfTest = "ortkpi-xl " & ORTKPI_VERSION & " / xlwings " & XLWINGS_VERSION',
        "End Function",
        "",
        "Public Sub RegisterFunctions()",
        "    ' xlwings functions exist on Windows only: on macOS, register none.",
        "    #If Mac Then",
        "        Exit Sub",
        "    #Else",
        "        Dim book As String",
        '        book = "\'" & ThisWorkbook.Name & "\'!"',
        "        On Error Resume Next",
    ]
    for function in udfs.functions:
        if len(function.arguments) > 20:  # VBA allows 24 line continuations
            raise AddinError(f"{function.name} a trop d'arguments pour l'assistant Excel.")
        out.append(f'        Application.MacroOptions Macro:=book & "{function.name}", _')
        out.append(f"            Description:={_vba_string(function.description)}, _")
        if function.arguments:
            out.append(f"            Category:={_vba_string(function.category)}, _")
            docs = [_vba_string(doc) for doc in function.argument_descriptions]
            joined = ", _\n                ".join(docs)
            out.append(f"            ArgumentDescriptions:=Array({joined})")
        else:
            out.append(f"            Category:={_vba_string(function.category)}")
    out += [
        '        If Err.Number <> 0 Then Debug.Print "Indicateurs ORT : " & Err.Description',
        "        On Error GoTo 0",
        "        ThisWorkbook.Saved = True",
        "    #End If",
        "End Sub",
        "",
    ]
    return crlf("\n".join(out))


def addin_sources() -> AddinSources:
    """Collect and generate every source of the add-in (no file is written)."""
    import xlwings

    udfs = generate_udf_module(UDF_MODULE, ADDIN_NAME)
    dictionary = _xlwings_dir() / "addin" / "Dictionary.cls"
    modules = (
        VbaModule(
            "ThisWorkbook",
            "document",
            crlf(_package_text("vba/ThisWorkbook.bas")),
            "ortkpi_xl/addin/vba/ThisWorkbook.bas",
        ),
        VbaModule(
            "xlwings",
            "standard",
            xlwings_module_source(),
            f"xlwings {xlwings.__version__}: xlwings_custom_addin.bas",
        ),
        VbaModule(
            "Dictionary",
            "class",
            class_stream_source(dictionary.read_text(encoding="cp1252")),
            f"xlwings {xlwings.__version__}: addin/Dictionary.cls, in module stream form",
        ),
        VbaModule(
            "ORT", "standard", crlf(_package_text("vba/ORT.bas")), "ortkpi_xl/addin/vba/ORT.bas"
        ),
        VbaModule("OrtBuild", "standard", registration_module(udfs), "generated"),
        VbaModule(
            "xlwings_udfs",
            "standard",
            udfs.vba,
            f"generated by xlwings {xlwings.__version__} (udfs.import_udfs)",
        ),
    )
    custom_ui = resources.files(__package__).joinpath("customUI.xml").read_bytes()
    return AddinSources(modules, custom_ui, udfs, xlwings.__version__)


def _vba_project(sources: AddinSources) -> bytes:
    """The pyOpenVBA template add-in with our modules; returns the whole .xlam package."""
    from pyopenvba import ExcelFile, VBAModuleKind

    with tempfile.TemporaryDirectory(prefix="ortkpi-xlam-") as tmp:
        path = Path(tmp) / ADDIN_NAME
        with ExcelFile.create_new(path) as book:
            project = book.vba_project()
            project.delete_module("Module1")
            for module in sources.modules:
                try:
                    source = module.source.encode("cp1252").decode("cp1252")
                except UnicodeEncodeError as exc:
                    raise AddinError(
                        f"Le module VBA {module.name} contient un caractère que VBA "
                        f"ne sait pas stocker ({exc.object[exc.start]!r})."
                    ) from exc
                if module.kind == "document":
                    book.set_module(module.name, source)
                else:
                    kind = VBAModuleKind.other if module.kind == "class" else VBAModuleKind.standard
                    project.add_module(module.name, source, kind=kind)
            problems = book.validate()
            # Streams of added modules are created by save(): only other problems count.
            problems = [p for p in problems if "references missing stream" not in p]
            if problems:
                raise AddinError("Projet VBA incohérent : " + " ; ".join(problems))
            book.save()
        return path.read_bytes()


def _source_only(vba_project_bin: bytes) -> bytes:
    """Set ``_VBA_PROJECT`` to version 0xFFFF without cache, as MS-OVBA asks of non-Office
    writers: Office then ignores every cached p-code and compiles the modules' source. The
    ``dir`` stream ends where Office ends it: at its terminator record."""
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    cfb = CFB.from_bytes(vba_project_bin)
    cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", VBA_PROJECT_SOURCE_ONLY)
    directory = decompress(cfb.get_stream_in_storage("VBA", "dir"), stream_name="VBA/dir")
    if directory.endswith(DIR_TERMINATOR + b"\x00\x00\x00\x00"):
        directory = directory[:-4]
    if not directory.endswith(DIR_TERMINATOR):
        raise AddinError("Le flux « dir » du projet VBA ne finit pas par son terminateur.")
    cfb.write_stream_in_storage("VBA", "dir", compress(directory))
    return cfb.to_bytes()


def _replace_once(text: str, old: str, new: str, part: str) -> str:
    if text.count(old) != 1:
        raise AddinError(
            f"Le modèle de pyOpenVBA a changé ({part} : « {old} ») : cette version "
            "de pyOpenVBA n'est pas prise en charge."
        )
    return text.replace(old, new)


def _config_sheet(xml: str) -> str:
    cells = "".join(
        f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
        f'<c r="B{row}" t="inlineStr"><is><t>{escape(value)}</t></is></c></row>'
        for row, (key, value) in enumerate(CONFIG, start=1)
    )
    xml = _replace_once(
        xml, '<dimension ref="A1"/>', f'<dimension ref="A1:B{len(CONFIG)}"/>', "sheet1.xml"
    )
    return _replace_once(xml, "<sheetData/>", f"<sheetData>{cells}</sheetData>", "sheet1.xml")


def _core_properties(xlwings_version: str) -> str:
    description = (
        f"Ruban Indicateurs ORT (Recalculer, Valider, Importer InserJeunes) et "
        f"fonctions ORT_* — ortkpi-xl {__version__}, xlwings {xlwings_version}."
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>Indicateurs ORT</dc:title><dc:description>{escape(description)}"
        "</dc:description><dc:creator>ortkpi-xl</dc:creator></cp:coreProperties>"
    )


def _package(template: bytes, sources: AddinSources) -> bytes:
    """Rewrite the package: config sheet, properties, ribbon; fixed dates, order, method."""
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        parts = {name: package.read(name) for name in package.namelist()}
        order = package.namelist()
    text = {name: parts[name].decode("utf-8") for name in order if name.endswith((".xml", ".rels"))}
    parts["xl/vbaProject.bin"] = _source_only(parts["xl/vbaProject.bin"])
    parts["xl/workbook.xml"] = _replace_once(
        text["xl/workbook.xml"],
        '<sheet name="Sheet1"',
        f'<sheet name="{CONFIG_SHEET}"',
        "workbook.xml",
    ).encode("utf-8")
    parts["xl/worksheets/sheet1.xml"] = _config_sheet(text["xl/worksheets/sheet1.xml"]).encode(
        "utf-8"
    )
    parts["docProps/app.xml"] = _replace_once(
        text["docProps/app.xml"],
        "<vt:lpstr>Sheet1</vt:lpstr>",
        f"<vt:lpstr>{CONFIG_SHEET}</vt:lpstr>",
        "app.xml",
    ).encode("utf-8")
    parts["docProps/core.xml"] = _core_properties(sources.xlwings_version).encode("utf-8")
    parts["_rels/.rels"] = _replace_once(
        text["_rels/.rels"],
        "</Relationships>",
        f'<Relationship Id="ortkpiRibbon" Type="{CUSTOM_UI_REL}" Target="{CUSTOM_UI_PART}"/>'
        "</Relationships>",
        ".rels",
    ).encode("utf-8")
    parts[CUSTOM_UI_PART] = sources.custom_ui
    order.append(CUSTOM_UI_PART)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the same bytes whichever system builds
            info.external_attr = 0
            package.writestr(info, parts[name], compresslevel=6)
    return out.getvalue()


def build_addin(sources: AddinSources | None = None) -> bytes:
    """The bytes of ``ortkpi.xlam``; two calls with the same sources give the same bytes."""
    sources = sources or addin_sources()
    return _package(_vba_project(sources), sources)


def replace_file(target: Path, data: bytes, locked: str) -> None:
    """Write ``data`` beside ``target`` then move it into place; ``locked``: the French
    sentence when Excel (or the file system) holds the target."""
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    except PermissionError as exc:
        temporary.unlink(missing_ok=True)
        raise AddinError(locked) from exc
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise AddinError(f"Impossible d'écrire {target} : {system_reason(exc)}.") from exc


def write_addin(path: str | os.PathLike[str], data: bytes | None = None) -> Path:
    """Write the add-in to ``path`` (``.xlam``) in one step: never a half-written file."""
    target = Path(path)
    if target.suffix.lower() != ".xlam":
        raise AddinError(
            f"{target} : un complément Excel doit porter l'extension .xlam "
            "(Excel ne charge pas un complément sous un autre nom)."
        )
    if not target.parent.is_dir():
        raise AddinError(
            f"Le dossier {target.parent} n'existe pas : créez-le ou choisissez "
            "un autre emplacement avec -o."
        )
    check_can_write(target, replacing=True)  # open in Excel or read-only: said before writing
    data = build_addin() if data is None else data
    replace_file(
        target,
        data,
        f"Impossible d'écrire {target} : le fichier est ouvert dans Excel ou protégé en "
        "écriture. Fermez Excel, puis relancez la commande.",
    )
    return target
