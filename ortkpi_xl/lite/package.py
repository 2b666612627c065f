"""Put the tool into a workbook for xlwings Lite, keeping every other part byte for byte.

xlwings Lite (store add-in ``WA200008175``) keeps a workbook's code in the Office.js settings of
its web extension: ``xl/webextensions/webextensionN.xml`` holds one ``<we:property>`` per setting
(``main.py``, ``requirements.txt``), each value the JSON text of the setting; the part is reached
from the package's root through ``xl/webextensions/taskpanes.xml``, whose task pane is visible
(``visibility="1"``: Excel opens the pane, and offers to install the add-in to a person who
lacks it). A workbook that already carries Lite gets its settings replaced in place; one that
carries other add-ins keeps them and gets Lite beside them.

Every other part is copied as its compressed bytes (the package patch writer's zip writer);
the root relationships, the content types and, when it exists, the task panes part are edited
child by child. The result is checked (every part of the source there, unchanged but those
edited; ``main.py`` decoded back equal to the one given) before it replaces the target
atomically.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkbookError
from ..xlsx.atomic import replace_atomically
from ..xlsx.guard import check_workbook_file
from ..xlsx.opc import ChildEditor, Package, new_rel_id, relationship_xml, relative, rels_name
from ..xlsx.xmlscan import escape_attr, parse_tree
from ..xlsx.zipio import ZipWriter

STORE_ID = "WA200008175"  # xlwings Lite in the Office add-in store
NS_WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
NS_WETP = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_TASKPANES = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
REL_WEBEXTENSION = "http://schemas.microsoft.com/office/2011/relationships/webextension"
CT_TASKPANES = "application/vnd.ms-office.webextensiontaskpanes+xml"
CT_WEBEXTENSION = "application/vnd.ms-office.webextension+xml"
TASKPANES_PART = "xl/webextensions/taskpanes.xml"
INSTANCE_ID = (
    "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "https://ort.fr/ortkpi-xl/lite")).upper() + "}"
)
PANE_WIDTH = 438  # points: room for the editor and the buttons
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def webextension_xml(settings: Mapping[str, object], store: str = "fr-FR") -> bytes:
    """The web extension part of xlwings Lite with these settings (JSON values)."""
    properties = "".join(
        f'<we:property name="{escape_attr(name)}" '
        f'value="{escape_attr(json.dumps(value, ensure_ascii=False))}"/>'
        for name, value in settings.items()
    )
    return (
        f'{_HEAD}<we:webextension xmlns:we="{NS_WE}" id="{INSTANCE_ID}">'
        f'<we:reference id="{STORE_ID.lower()}" version="1.0.0.0" store="{store}" '
        'storeType="OMEX"/>'
        "<we:alternateReferences>"
        f'<we:reference id="{STORE_ID}" version="1.0.0.0" store="{STORE_ID}" storeType="OMEX"/>'
        "</we:alternateReferences>"
        f"<we:properties>{properties}</we:properties>"
        "<we:bindings/>"
        f'<we:snapshot xmlns:r="{NS_R}"/>'
        "</we:webextension>"
    ).encode()


def _taskpane(rel_id: str, prefix: str = "wetp:") -> bytes:
    """One task pane, visible, in the namespace prefix of the part it goes into."""
    return (
        f'<{prefix}taskpane dockstate="right" visibility="1" width="{PANE_WIDTH}" row="4">'
        f'<{prefix}webextensionref xmlns:r="{NS_R}" r:id="{rel_id}"/></{prefix}taskpane>'
    ).encode()


def taskpanes_xml(rel_id: str) -> bytes:
    return (
        f'{_HEAD}<wetp:taskpanes xmlns:wetp="{NS_WETP}">'.encode()
        + _taskpane(rel_id)
        + b"</wetp:taskpanes>"
    )


def read_settings(data: bytes) -> dict[str, object]:
    """The settings a web extension part holds (each value decoded from its JSON)."""
    out: dict[str, object] = {}
    for node in parse_tree(data).iter(f"{{{NS_WE}}}property"):
        out[node.get("name", "")] = json.loads(node.get("value", "null"))
    return out


def is_lite(data: bytes) -> bool:
    """Whether a web extension part is xlwings Lite's (by its store reference)."""
    return any(
        node.get("id", "").upper() == STORE_ID
        for node in parse_tree(data).iter(f"{{{NS_WE}}}reference")
    )


@dataclass(frozen=True)
class LiteParts:
    """Where Lite's settings went, for the report."""

    webextension: str  # part name
    replaced: bool  # an earlier Lite setting replaced (else added)


def _free_part(package: Package, pattern: str) -> str:
    n = 1
    while package.has(pattern.format(n)):
        n += 1
    return pattern.format(n)


def _content_types(package: Package, parts: dict[str, str]) -> bytes | None:
    """[Content_Types].xml with an override for each new part (None: nothing to add)."""
    editor = ChildEditor(package.read("[Content_Types].xml"))
    _, overrides = package.content_types()
    for part, content_type in parts.items():
        if part.lower() in overrides:
            if overrides[part.lower()] != content_type:
                raise WorkbookError(
                    f"La partie {part} du classeur a un autre type que celui d'une extension "
                    "web : le classeur n'a pas été modifié."
                )
            continue
        p = editor.p.decode()
        editor.append(
            f'<{p}Override PartName="/{escape_attr(part)}" '
            f'ContentType="{escape_attr(content_type)}"/>'.encode()
        )
    return editor.render() if editor.changed else None


def _lite_in(package: Package) -> tuple[str | None, str | None, str | None]:
    """(task panes part, Lite's web extension part, its relationship id) when present."""
    panes = next((r for r in package.rels("") if r.type == REL_TASKPANES and r.part), None)
    if panes is None:
        return None, None, None
    for rel in package.rels(panes.part):
        if rel.type == REL_WEBEXTENSION and rel.part and package.has(rel.part):
            if is_lite(package.read(rel.part)):
                return panes.part, rel.part, rel.id
    return panes.part, None, None


def _visible(taskpanes: bytes, rel_id: str) -> bytes:
    """``taskpanes.xml`` with the pane of ``rel_id`` visible."""
    text = taskpanes.decode("utf-8")
    for match in re.finditer(r"<(\w+:)?taskpane\b[^>]*>.*?</(\w+:)?taskpane>", text, re.S):
        if re.search(r'\bid="' + re.escape(rel_id) + '"', match.group(0)):
            start = match.group(0)
            head_end = start.index(">") + 1
            head = start[:head_end]
            if re.search(r'\bvisibility="[^"]*"', head):
                head = re.sub(r'\bvisibility="[^"]*"', 'visibility="1"', head)
            else:
                head = head[:-1] + ' visibility="1">'
            new = head + start[head_end:]
            return (text[: match.start()] + new + text[match.end() :]).encode("utf-8")
    return taskpanes


def plan_parts(
    package: Package, settings: Mapping[str, object]
) -> tuple[dict[str, bytes], LiteParts]:
    """Every part to write (new or edited) so that the package carries Lite's settings."""
    edits: dict[str, bytes] = {}
    panes, lite, rel_id = _lite_in(package)
    if lite is not None:  # Lite already there: its settings replaced, its pane made visible
        old = read_settings(package.read(lite))
        kept = {
            k: v for k, v in old.items() if k not in settings and k != "requirements-pinned.txt"
        }
        edits[lite] = webextension_xml({**settings, **kept})
        visible = _visible(package.read(panes), rel_id)
        if visible != package.read(panes):
            edits[panes] = visible
        return edits, LiteParts(lite, True)
    new_types: dict[str, str] = {}
    if panes is None:
        panes = TASKPANES_PART
        if package.has(panes):
            raise WorkbookError(
                f"Le classeur contient une partie {panes} qu'aucune relation n'atteint : il est "
                "abîmé. Ouvrez-le dans Excel et enregistrez-le, puis relancez."
            )
        rel_id = "rId1"
        edits[panes] = taskpanes_xml(rel_id)
        new_types[panes] = CT_TASKPANES
        root = ChildEditor(package.read("_rels/.rels"))
        root_id = new_rel_id({r.id for r in package.rels("")})
        root.append(relationship_xml(root_id, REL_TASKPANES, panes))
        edits["_rels/.rels"] = root.render()
        pane_rels = None
    else:
        pane_rels = rels_name(panes)
        rel_id = new_rel_id({r.id for r in package.rels(panes)})
        editor = ChildEditor(package.read(panes))
        editor.append(_taskpane(rel_id, editor.p.decode()))
        edits[panes] = editor.render()
    folder = posixpath.dirname(panes)
    webextension = _free_part(package, posixpath.join(folder, "webextension{}.xml"))
    edits[webextension] = webextension_xml(settings)
    new_types[webextension] = CT_WEBEXTENSION
    link = relationship_xml(rel_id, REL_WEBEXTENSION, relative(panes, webextension))
    if pane_rels is not None and package.has(pane_rels):
        rels = ChildEditor(package.read(pane_rels))
        rels.append(link)
        edits[pane_rels] = rels.render()
    else:
        edits[rels_name(panes)] = (
            f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships">'.encode()
            + link
            + b"</Relationships>"
        )
    types = _content_types(package, new_types)
    if types is not None:
        edits["[Content_Types].xml"] = types
    return edits, LiteParts(webextension, False)


def _write(package: Package, edits: dict[str, bytes], target: Path) -> None:
    with open(target, "wb") as handle:
        writer = ZipWriter(handle)
        names = {info.filename for info in package.infos}
        for info in package.infos:
            if info.filename in edits:
                writer.add(info.filename, edits[info.filename], info)
            else:
                writer.copy_raw(info, package.raw(info.filename))
        for name, data in edits.items():
            if name not in names:
                writer.add(name, data)
        writer.close()


def _check(source: Package, edits: dict[str, bytes], written: Path, settings, part: str) -> None:
    """The written file: every source part there and unchanged but those edited; Lite's
    settings read back equal to those given."""
    with zipfile.ZipFile(written) as out:
        names = set(out.namelist())
        for info in source.infos:
            if info.filename not in names:
                raise WorkbookError(f"Vérification : la partie {info.filename} a disparu.")
            if info.filename not in edits and out.read(info.filename) != source.read(info.filename):
                raise WorkbookError(f"Vérification : la partie {info.filename} a changé.")
        for name, data in edits.items():
            if out.read(name) != data:
                raise WorkbookError(f"Vérification : la partie {name} n'est pas celle écrite.")
        back = read_settings(out.read(part))
    for key, value in settings.items():
        if back.get(key) != value:
            raise WorkbookError(f"Vérification : le réglage {key} relu diffère de celui écrit.")


def write_lite_workbook(
    source: str | Path, target: str | Path, settings: Mapping[str, object], *, backup: str = ".bak"
) -> LiteParts:
    """Write ``target``: ``source`` with xlwings Lite's ``settings`` (``main.py``…) inside."""
    source, target = Path(source), Path(target)
    check_workbook_file(source)
    in_place = target.exists() and target.resolve() == source.resolve()
    with tempfile.TemporaryDirectory(prefix="ortkpi-lite-") as folder:
        if in_place:  # read a copy: the source itself is about to be replaced
            copy = Path(folder) / source.name
            shutil.copyfile(source, copy)
            source = copy
        with Package(source) as package:
            try:
                edits, where = plan_parts(package, settings)
            except (ValueError, KeyError) as exc:
                raise WorkbookError(
                    f"{source.name} : les parties des compléments web du classeur sont "
                    f"illisibles ({exc}) ; le classeur n'a pas été modifié."
                ) from exc
            replace_atomically(
                target,
                lambda tmp: _write(package, edits, tmp),
                lambda tmp: _check(package, edits, tmp, settings, where.webextension),
                backup if in_place else None,
            )
    return where
