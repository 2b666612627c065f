"""The patch writer: apply a ``ChangeSet`` to a person's workbook without losing anything.

openpyxl rebuilds a workbook from what it understands and drops the rest (buttons, shapes,
sparklines, cross-sheet dropdowns, note sizes, cached values…). This writer instead edits only
the parts the tool owns: the changed cells of the named sheets, appended styles, the tool's own
notes, its own sheets, and the few workbook-level entries that go with them. Every other member
of the zip is copied as its original compressed bytes.

Order of work: guard the source, plan every edit and collect everything that cannot be done
safely (refused together, in French, before anything is written), write a temporary file beside
the target, verify it against the source (``verify.py``), then move it into place atomically,
keeping the previous version as a backup when writing in place.
"""

from __future__ import annotations

import contextlib
import gc
import os
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils.cell import coordinate_to_tuple

from ..config import Config
from ..errors import WorkbookError
from ..workbook.changes import UNSET, CellChange, ChangeSet, OwnedSheet
from ..workbook.marks import NO_FILL, Marks
from .atomic import replace_atomically
from .charts import CT_CHART, CT_DRAWING, REL_DRAWING, render_charts
from .guard import DEFAULT_LIMITS, Limits, check_can_write, check_workbook_file
from .notes import SheetNotes, vml_block_numbers
from .opc import (
    CT_COMMENTS,
    CT_VML,
    CT_WORKSHEET,
    NS_R,
    NS_STRICT_MAIN,
    REL_CALC_CHAIN,
    REL_COMMENTS,
    REL_SHARED_STRINGS,
    REL_STYLES,
    REL_VML,
    REL_WORKSHEET,
    ChildEditor,
    Package,
    Rel,
    empty_rels,
    new_rel_id,
    relationship_xml,
    relative,
    rels_name,
)
from .ownedsheet import OwnedStyles, print_names, render_owned_sheet
from .registry import REGISTRY_SHEET, read_registry, registry_sheet, shared_strings
from .registry import strip_prefixes as _strip
from .sheetxml import (
    Cell,
    CellEdit,
    SharedGroup,
    SheetPart,
    SheetPatcher,
    Value,
    cell_ref,
    in_range,
    insert_before,
    parse_range,
    range_text,
    value_for,
)
from .styles import Styles, is_solid, solid_fill
from .xmlscan import (
    Span,
    XmlProblem,
    check_part,
    children,
    escape_attr,
    escape_text,
    namespace_of,
    prefix_of,
    root_children,
    set_attr,
    splice,
)
from .zipio import ZipWriter

_MAX_LISTED = 12
_BAD_SHEET_CHARS = set("[]:*?/\\")
_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_AFTER_LEGACY_DRAWING = (
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
    "AlternateContent",
)
_AFTER_CALC_PR = (
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


@dataclass
class WriteReport:
    """What the writer did, for the command's summary and for tests."""

    source: Path
    target: Path
    written: bool = False  # False: nothing to change, the file was left as it was
    backup: Path | None = None
    cells_written: int = 0
    changed_parts: list[str] = field(default_factory=list)
    added_parts: list[str] = field(default_factory=list)
    removed_parts: list[str] = field(default_factory=list)
    notes_kept: list[str] = field(default_factory=list)  # a person's note where the tool had one
    fills_kept: list[str] = field(default_factory=list)  # recoloured by a person: left alone
    formulas_replaced: list[str] = field(default_factory=list)  # a formula the tool overwrote

    def messages(self) -> list[str]:
        """French lines for the person who ran the command."""
        out = []
        if self.notes_kept:
            out.append(
                "Note d'une personne conservée (la note de l'outil n'a pas été posée) : "
                + _listing(self.notes_kept)
                + "."
            )
        if self.fills_kept:
            out.append(
                "Couleur changée à la main depuis le dernier passage, laissée telle quelle : "
                + _listing(self.fills_kept)
                + "."
            )
        if self.formulas_replaced:
            out.append(
                "Formules remplacées par la valeur calculée : "
                + _listing(self.formulas_replaced)
                + "."
            )
        return out


@dataclass
class Plan:
    """Everything the writer will change, decided before a byte is written."""

    parts: dict[str, bytes] = field(default_factory=dict)  # changed and added members
    added: list[str] = field(default_factory=list)  # new members, in writing order
    removed: set[str] = field(default_factory=set)
    sheet_targets: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    sheets_before: dict[str, SheetPart] = field(default_factory=dict)  # parsed once, reused
    owned_parts: set[str] = field(default_factory=set)
    comments_parts: set[str] = field(default_factory=set)
    owned_sheet_indices: set[str] = field(default_factory=set)  # localSheetId of owned sheets
    vml_parts: set[str] = field(default_factory=set)
    styles_part: str | None = None
    workbook_part: str = ""
    report: WriteReport | None = None

    @property
    def changed(self) -> bool:
        return bool(self.parts or self.removed)


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    if len(items) > _MAX_LISTED:
        shown += f" et {len(items) - _MAX_LISTED} autres"
    return shown


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------
# public entry point


def write_changes(
    source: str | Path,
    target: str | Path,
    changes: ChangeSet,
    config: Config,
    *,
    backup_suffix: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> WriteReport:
    """Apply ``changes`` to ``source`` and write the result to ``target`` (may be ``source``).

    In place, the previous version is kept as ``<stem><backup_suffix><extension>`` (suffix
    from the configuration unless given; "" keeps none). Raises ``WorkbookError`` (French) when the
    file is unreadable, held open, read-only, or when an edit could not be made without damage;
    in every such case nothing has been written.
    """
    from .verify import verify_written

    source, target = Path(source), Path(target)
    if source.suffix.lower() != target.suffix.lower():
        raise WorkbookError(
            f"Le classeur écrit doit garder l'extension de « {source.name} » "
            f"({source.suffix or 'aucune'}) : « {target.name} » ne s'ouvrirait pas dans Excel "
            "(un classeur à macros ne peut pas s'appeler .xlsx, ni un classeur .csv)."
        )
    in_place = _same_file(source, target)
    check_workbook_file(source, limits=limits)
    check_can_write(target, replacing=in_place)
    if backup_suffix is None:
        backup_suffix = config.suffixe_sauvegarde
    with Package(source) as package, _gc_paused():
        plan = _Planner(package, changes, config, source).build()
        report = plan.report
        assert report is not None
        report.target = target
        if in_place and not plan.changed:
            return report
        report.backup = replace_atomically(
            target,
            lambda tmp: write_package(package, plan, tmp),
            lambda tmp: verify_written(package, plan, tmp),
            backup_suffix if in_place else None,
        )
        report.written = True
        return report


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The scan allocates a few objects per cell and no cycles: the cycle collector would only
    rescan them again and again (a third of the time on a 10,000-row sheet)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write_package(package: Package, plan: Plan, out: Path) -> None:
    """The new zip: planned parts compressed, every other member copied raw."""
    with open(out, "wb") as handle:
        writer = ZipWriter(handle)
        for info in package.infos:
            name = info.filename
            if name in plan.removed:
                continue
            if name in plan.parts:
                writer.add(name, plan.parts[name], info)
            else:
                writer.copy_raw(info, package.raw(name))
        template = package.info("[Content_Types].xml")
        for name in plan.added:
            writer.add(name, plan.parts[name], _new_member_template(template))
        writer.close()


def _new_member_template(template: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """New members take the date and attributes of ``[Content_Types].xml`` (deterministic)."""
    info = zipfile.ZipInfo("new", date_time=template.date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = template.create_system
    info.create_version = template.create_version
    info.external_attr = template.external_attr
    return info


# ---------------------------------------------------------------------------------------------
# planning


@dataclass
class _SheetEntry:
    name: str
    sheet_id: int
    rid: str
    state: str
    span: Span


class _Planner:
    def __init__(self, package: Package, changes: ChangeSet, config: Config, source: Path):
        self.pkg = package
        self.changes = changes
        self.config = config
        self.source = source
        self.refusals: list[str] = []
        self.plan = Plan()
        self.report = WriteReport(source=source, target=source)
        self.plan.report = self.report
        self.content_types = ChildEditor(package.read("[Content_Types].xml"))
        self.rels_editors: dict[str, ChildEditor | None] = {}
        self.new_sheet_entries: list[bytes] = []
        self._shared: list[str] | None = None
        self._vml_blocks: list[int] | None = None
        self.values_written = False
        self.formula_removed = False
        self.workbook_has_formulas = False
        self._derived: dict[tuple[int, str | None, bytes | None], int] = {}
        # owned sheet index → (sheet name, its local names: filter, print titles, print area)
        self.filters: dict[str, tuple[str, dict[str, str]]] = {}
        self._codes: dict[int, str | None] = {}

    # -- helpers --------------------------------------------------------------------------------

    def refuse(self, text: str) -> None:
        self.refusals.append(text)

    def shared(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            for rel in self.pkg.rels(self.plan.workbook_part):
                if rel.type == REL_SHARED_STRINGS and rel.part and self.pkg.has(rel.part):
                    self._shared = shared_strings(self.pkg.read(rel.part))
        return self._shared

    def exists(self, name: str) -> bool:
        lowered, stored = name.lower(), self.pkg.name(name)
        return (stored is not None and stored not in self.plan.removed) or any(
            a.lower() == lowered for a in self.plan.added
        )

    def free_name(self, pattern: str) -> str:
        n = 1
        while self.exists(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def set_part(self, name: str, data: bytes) -> None:
        stored = self.pkg.name(name)
        if stored in self.plan.removed and not self.exists(name):
            self.plan.removed.discard(stored)  # rebuilt under its old name: an edit, or nothing
        if stored is not None and stored not in self.plan.removed:
            if self.pkg.read(stored) != data:
                self.plan.parts[stored] = data
            else:
                self.plan.parts.pop(stored, None)
        else:
            if name not in self.plan.added:
                self.plan.added.append(name)
            self.plan.parts[name] = data

    def remove_part(self, name: str) -> None:
        stored = self.pkg.name(name)
        if stored is not None:
            self.plan.removed.add(stored)
            self.plan.parts.pop(stored, None)
        elif name in self.plan.added:
            self.plan.added.remove(name)
            self.plan.parts.pop(name, None)
        self.content_types.remove_where("Override", "PartName", "/" + name, fold=True)

    def rels(self, part: str) -> ChildEditor:
        name = rels_name(part)
        editor = self.rels_editors.get(name)
        if editor is None:
            data = self.pkg.read(name) if self.pkg.has(name) else empty_rels()
            editor = ChildEditor(data)
            self.rels_editors[name] = editor
        return editor

    def add_rel(self, part: str, rel_type: str, target_part: str) -> str:
        editor = self.rels(part)
        ids = {attrs.get("Id", "") for _, _, attrs in editor.attrs()}
        ids |= {m.decode() for x in editor.appended for m in re.findall(rb'Id="([^"]+)"', x)}
        rid = new_rel_id(ids)
        editor.append(relationship_xml(rid, rel_type, relative(part, target_part)))
        return rid

    def add_override(self, part: str, content_type: str) -> None:
        if self.content_types.restore_where("Override", "PartName", "/" + part, content_type):
            return  # the entry removed with the part's previous version, as it was
        self.content_types.append(
            f'<Override PartName="/{escape_attr(part)}" ContentType="{content_type}"/>'.encode()
        )

    # -- the plan -------------------------------------------------------------------------------

    def build(self) -> Plan:
        main = self.pkg.main_part()
        assert main is not None  # the guard checked it
        self.plan.workbook_part = main
        self.workbook = self.pkg.read(main)
        try:
            check_part(self.workbook)
            self.wb_root, self.wb_kids = root_children(self.workbook)
        except XmlProblem as exc:
            raise WorkbookError(self._refusal_message([f"classeur ({exc.reason})"])) from None
        if namespace_of(self.wb_root) == NS_STRICT_MAIN:
            raise WorkbookError(self._refusal_message(["format « Open XML strict »"]))
        self.wb_rels = {r.id: r for r in self.pkg.rels(main)}
        self.sheets = self._sheet_entries()
        styles_rel = next((r for r in self.wb_rels.values() if r.type == REL_STYLES), None)
        if styles_rel is None or styles_rel.part is None or not self.pkg.has(styles_rel.part):
            raise WorkbookError(self._refusal_message(["feuille de styles absente"]))
        self.plan.styles_part = styles_rel.part
        try:
            self.styles = Styles(self.pkg.read(styles_rel.part))
        except XmlProblem as exc:
            raise WorkbookError(
                self._refusal_message([f"feuille de styles ({exc.reason})"])
            ) from None
        self.registry = self._load_registry()
        owned_names = {o.name.casefold() for o in self.changes.owned_sheets}
        for name in self.changes.cells:
            if name.casefold() in owned_names or name.casefold() == REGISTRY_SHEET:
                raise ValueError(f"sheet {name!r} is both changed cell by cell and owned")
        for name, cell_changes in self.changes.cells.items():
            self._plan_sheet(name, cell_changes)
        if self.refusals:
            raise WorkbookError(self._refusal_message(self.refusals))
        owned = list(self.changes.owned_sheets)
        if self.changes.written is not None:  # what the tool wrote: proof of ownership next run
            self.registry.values = self.changes.written
        if (
            self.registry.marks
            or self.registry.values
            or self.registry.rules
            or (self.registry_existed)
        ):
            owned.append(registry_sheet(self.registry))
        if owned:
            self._plan_owned(owned)
        if self.refusals:
            raise WorkbookError(self._refusal_message(self.refusals))
        self._plan_workbook()
        self._finish()
        return self.plan

    def _refusal_message(self, items: list[str]) -> str:
        return (
            f"Le classeur « {self.source.name} » n'a pas été modifié, car l'écriture ne serait "
            f"pas sûre : {_listing(items)}. Corrigez ces points dans Excel (ou enregistrez le "
            "résultat ailleurs avec -o sur une copie corrigée), puis relancez."
        )

    def _sheet_entries(self) -> list[_SheetEntry]:
        out = []
        sheets = next((k for k in self.wb_kids if k.tag.local == b"sheets"), None)
        if sheets is None:
            return out
        for span in children(self.workbook, sheets.tag, sheets.end):
            attrs = span.tag.attrs
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            out.append(
                _SheetEntry(
                    attrs.get("name", ""),
                    int(attrs.get("sheetId", "0") or 0),
                    rid,
                    attrs.get("state", "visible"),
                    span,
                )
            )
        self.sheets_span = sheets
        return out

    def _find_sheet(self, name: str) -> _SheetEntry | None:
        for entry in self.sheets:
            if entry.name == name:
                return entry
        for entry in self.sheets:
            if entry.name.casefold() == name.casefold():
                return entry
        return None

    def _sheet_part(self, entry: _SheetEntry) -> tuple[Rel | None, str | None]:
        rel = self.wb_rels.get(entry.rid)
        if rel is None or rel.part is None or not self.pkg.has(rel.part):
            return rel, None
        return rel, rel.part

    def _load_registry(self) -> Marks:
        entry = self._find_sheet(REGISTRY_SHEET)
        self.registry_existed = entry is not None
        if entry is None:
            return Marks()
        rel, part = self._sheet_part(entry)
        if part is None or rel is None or rel.type != REL_WORKSHEET:
            return Marks()
        try:
            return read_registry(SheetPart(self.pkg.read(part)), self.shared)
        except XmlProblem:
            return Marks()

    # -- one sheet, cell by cell ------------------------------------------------------------------

    def _plan_sheet(self, name: str, cell_changes: list[CellChange]) -> None:
        entry = self._find_sheet(name)
        if entry is None:
            self.refuse(f"la feuille « {name} » n'existe pas dans le classeur")
            return
        rel, part = self._sheet_part(entry)
        if rel is None or part is None:
            self.refuse(f"la feuille « {name} » est introuvable dans le fichier")
            return
        if rel.type != REL_WORKSHEET:
            self.refuse(f"« {name} » n'est pas une feuille de calcul (graphique ou macro)")
            return
        try:
            sheet = SheetPart(self.pkg.read(part))
            formula_cells = sheet.formulas()
            groups = sheet.shared_groups(formula_cells)
            arrays = sheet.array_ranges(formula_cells)
            merged = sheet.merged_ranges()
            tables = self._table_rows(part, sheet)
        except XmlProblem as exc:
            self.refuse(f"la feuille « {name} » a une structure inhabituelle ({exc.reason})")
            return
        if formula_cells:
            self.workbook_has_formulas = True
        protected = sheet.protected()
        patcher = SheetPatcher(sheet)
        targets: set[tuple[int, int]] = set()
        value_cells: set[tuple[int, int]] = set()
        notes_changes: list[CellChange] = []
        merged_changes = _merge_changes(cell_changes)
        row_cache: dict[int, dict[int, Cell]] = {}
        xf_count = len(self.styles.all("cellXfs"))
        ok = True
        for change in merged_changes:
            row, col = change.row, change.column
            if not (1 <= row <= 1_048_576 and 1 <= col <= 16_384):
                self.refuse(f"cellule hors de la feuille ({row}, {col}) dans « {name} »")
                ok = False
                continue
            where = _Where(name, row, col)
            if row not in row_cache:
                try:
                    row_cache[row] = sheet.cells(row)
                except XmlProblem as exc:
                    self.refuse(f"{where} : ligne illisible ({exc.reason})")
                    ok = False
                    continue
            cell = row_cache[row].get(col)
            writes = change.value is not UNSET
            if writes:
                for rng in merged:
                    if in_range(row, col, rng) and (row, col) != rng[:2]:
                        self.refuse(
                            f"{where} est dans la plage fusionnée {range_text(rng)} sans en "
                            "être la première cellule"
                        )
                        ok = False
                for rng in arrays:
                    if in_range(row, col, rng) and rng[:2] != rng[2:]:
                        self.refuse(f"{where} est dans la formule matricielle {range_text(rng)}")
                        ok = False
                for table, kind, rng in tables:
                    if in_range(row, col, rng):
                        self.refuse(f"{where} est dans {kind} du tableau « {table} »")
                        ok = False
            current = cell.style if cell is not None else sheet.base_style(row, col)
            if not 0 <= current < xf_count:
                self.refuse(f"{where} : style de cellule {current} absent de la feuille de styles")
                ok = False
                continue
            touches = writes or change.number_format is not None or change.highlight is not None
            if protected and (touches or change.note is not None) and self.styles.locked(current):
                self.refuse(
                    f"{where} est une cellule verrouillée d'une feuille protégée (ôtez la "
                    "protection de la feuille ou déverrouillez la colonne)"
                )
                ok = False
                continue
            value = None
            if writes:
                try:
                    value = value_for(change.value)
                except ValueError as exc:
                    self.refuse(f"la valeur prévue pour {where} ne peut pas être écrite ({exc})")
                    ok = False
                    continue
            if value is not None and isinstance(change.value, float) and cell is not None:
                value = _kept_number(cell, change.value, value)
            new_style = self._new_style(name, row, col, current, change)
            if value is not None and value.kind == "empty" and cell is None:
                value = None
            if value is not None or new_style is not None:
                edit = CellEdit(row, col, value, new_style)
                patcher.set(edit)
                targets.add((row, col))
                if cell is not None and patcher.cell_bytes(edit, cell) == cell.bytes():
                    value = None  # already so (a second run): not a change of value
                elif cell is None and value is not None and value.kind == "empty":
                    value = None
            if value is not None:
                value_cells.add((row, col))
                if cell is not None and cell.formula is not None:
                    self.formula_removed = True
                    self.report.formulas_replaced.append(str(where))
            if change.note is not None:
                notes_changes.append(change)
        if sheet.implicit:  # rows seen so far, and the cells of every target row
            self.refuse(
                f"la feuille « {name} » a des lignes ou cellules sans référence (format "
                "inhabituel : enregistrez le classeur dans Excel)"
            )
            return
        if not ok:
            return
        self._expand_shared(name, sheet, patcher, groups, value_cells)
        if notes_changes:
            self._plan_notes(name, part, sheet, patcher, notes_changes)
        if patcher.edits or patcher.formula_rewrites or patcher.extra:
            self.values_written |= bool(value_cells)
            new = patcher.render()
            self.set_part(part, new)
            self.plan.sheet_targets[self.pkg.name(part) or part] = targets
            self.plan.sheets_before[self.pkg.name(part) or part] = sheet
            self.report.cells_written += len(value_cells)

    def _table_rows(self, part: str, sheet: SheetPart) -> list[tuple[str, str, tuple]]:
        """(table name, "l'en-tête"/"la ligne de total", range) of every table on the sheet."""
        out = []
        rels = {r.id: r for r in self.pkg.rels(part)}
        for rid in sheet.table_rids():
            rel = rels.get(rid)
            if rel is None or rel.part is None or not self.pkg.has(rel.part):
                continue
            data = self.pkg.read(rel.part)
            check_part(data)
            root, _ = root_children(data)
            attrs = root.attrs
            r1, c1, r2, c2 = parse_range(attrs.get("ref", "A1"))
            name = attrs.get("displayName") or attrs.get("name") or "?"
            headers = int(attrs.get("headerRowCount", "1") or 0)
            totals = int(attrs.get("totalsRowCount", "0") or 0)
            if headers:
                out.append((name, "l'en-tête", (r1, c1, r1 + headers - 1, c2)))
            if totals:
                out.append((name, "la ligne de total", (r2 - totals + 1, c1, r2, c2)))
        return out

    def _new_style(
        self, sheet_name: str, row: int, col: int, current: int, change: CellChange
    ) -> int | None:
        number_format = change.number_format
        if number_format is not None and self._format_code(current) == number_format:
            number_format = None
        fill = self._fill_change(sheet_name, row, col, current, change.highlight)
        if number_format is None and fill is None:
            return None
        key = (current, number_format, fill)
        if key not in self._derived:
            self._derived[key] = self.styles.derive(current, number_format=number_format, fill=fill)
        new = self._derived[key]
        return None if new == current else new

    def _format_code(self, xf: int) -> str | None:
        if xf not in self._codes:
            self._codes[xf] = self.styles.number_format_code(xf)
        return self._codes[xf]

    def _fill_change(
        self, sheet_name: str, row: int, col: int, current: int, highlight: bool | None
    ) -> bytes | None:
        """The fill to put on the cell, updating the registry (see ``registry.py``)."""
        if highlight is None:
            return None
        colour = self.config.couleur_en_attente
        ref = cell_ref(row, col)
        mark = self.registry.get(sheet_name, ref)
        fill = self.styles.fill_of_xf(current)
        where = f"« {sheet_name} »!{ref}"
        if highlight:
            if mark.fill_before is not None and is_solid(fill, mark.tool_colour):
                if mark.tool_colour == colour:
                    return None
                mark.tool_colour = colour
                self.registry.set(sheet_name, ref, mark)
                return solid_fill(self.styles.p, colour)
            if is_solid(fill, colour):
                return None  # already this colour, put by a person: not the tool's to record
            mark.fill_before, mark.tool_colour = _strip(fill), colour
            self.registry.set(sheet_name, ref, mark)
            return solid_fill(self.styles.p, colour)
        if mark.fill_before is None:
            return None
        before, tool_colour = mark.fill_before, mark.tool_colour
        mark.fill_before = None
        self.registry.set(sheet_name, ref, mark)
        if not is_solid(fill, tool_colour) and not is_solid(fill, colour):
            self.report.fills_kept.append(where)
            return None
        return self.styles._prefixed(before or NO_FILL)

    def _expand_shared(
        self,
        name: str,
        sheet: SheetPart,
        patcher: SheetPatcher,
        groups: dict[str, SharedGroup],
        value_cells: set[tuple[int, int]],
    ) -> None:
        from openpyxl.formula.translate import Translator

        for group in groups.values():
            if group.master not in value_cells or not group.ref:
                continue
            origin = cell_ref(*group.master)
            for member in group.members:
                if member in value_cells or member == group.master:
                    continue
                try:
                    text = Translator("=" + group.text, origin=origin).translate_formula(
                        cell_ref(*member)
                    )[1:]
                except Exception as exc:  # noqa: BLE001
                    self.refuse(
                        f"la formule partagée de « {name} »!{origin} ne peut pas être recopiée "
                        f"en {cell_ref(*member)} ({exc})"
                    )
                    continue
                patcher.formula_rewrites[member] = text

    # -- notes ----------------------------------------------------------------------------------

    def _vml_block(self) -> int:
        if self._vml_blocks is None:
            blocks = [0]
            for info in self.pkg.infos:
                if info.filename.lower().endswith(".vml"):
                    blocks += vml_block_numbers(self.pkg.read(info.filename))
            self._vml_blocks = blocks
        block = max(self._vml_blocks) + 1
        self._vml_blocks.append(block)
        return block

    def _plan_notes(
        self,
        name: str,
        part: str,
        sheet: SheetPart,
        patcher: SheetPatcher,
        notes_changes: list[CellChange],
    ) -> None:
        rels = self.pkg.rels(part)
        comments_rel = next((r for r in rels if r.type == REL_COMMENTS and r.part), None)
        vml_rid = sheet.rid("legacyDrawing")
        vml_rel = next((r for r in rels if r.id == vml_rid and r.part), None) if vml_rid else None
        comments_part = comments_rel.part if comments_rel else None
        vml_part = vml_rel.part if vml_rel else None
        if comments_part and not self.pkg.has(comments_part):
            comments_part = None
        if vml_part and not self.pkg.has(vml_part):
            vml_part = None
        try:
            notes = SheetNotes(
                self.pkg.read(comments_part) if comments_part else None,
                self.pkg.read(vml_part) if vml_part else None,
                self._vml_block() if vml_part is None else 0,
                {
                    coordinate_to_tuple(ref): mark.note
                    for (sheet_name, ref), mark in self.registry.marks.items()
                    if sheet_name == name and mark.note
                },
            )
        except XmlProblem as exc:
            self.refuse(
                f"les notes de la feuille « {name} » sont dans un format inattendu ({exc.reason})"
            )
            return
        for change in notes_changes:
            ref = cell_ref(change.row, change.column)
            mark = self.registry.get(name, ref)
            if change.note:
                if notes.set_tool_note(change.row, change.column, change.note) == "person":
                    self.report.notes_kept.append(f"« {name} »!{ref}")
                    continue
                mark.note = change.note
            else:
                notes.remove_tool_note(change.row, change.column)
                mark.note = None
            self.registry.set(name, ref, mark)
        if not notes.changed:
            return
        comments_out, vml_out = notes.render()
        if comments_part:
            self.plan.comments_parts.add(comments_part)
            if comments_out is None:
                self.remove_part(comments_part)
                assert comments_rel is not None
                self.rels(part).remove_where("Relationship", "Id", comments_rel.id)
            else:
                self.set_part(comments_part, comments_out)
        elif comments_out is not None:
            new = self.free_name("xl/comments{}.xml")
            self.set_part(new, comments_out)
            self.plan.comments_parts.add(new)
            self.add_rel(part, REL_COMMENTS, new)
            self.add_override(new, CT_COMMENTS)
        drawing = sheet.kid("legacyDrawing")
        if vml_part:
            self.plan.vml_parts.add(vml_part)
            if vml_out is None:
                self.remove_part(vml_part)
                assert vml_rel is not None
                self.rels(part).remove_where("Relationship", "Id", vml_rel.id)
                if drawing is not None:
                    patcher.extra.append((drawing.start, drawing.end, b""))
            else:
                self.set_part(vml_part, vml_out)
        elif vml_out is not None:
            new = self.free_name("xl/drawings/vmlDrawing{}.vml")
            self.set_part(new, vml_out)
            self.plan.vml_parts.add(new)
            rid = self.add_rel(part, REL_VML, new)
            defaults, _ = self.pkg.content_types()
            if "vml" not in defaults and not any(
                b'Extension="vml"' in x for x in self.content_types.appended
            ):
                self.content_types.append(
                    f'<Default Extension="vml" ContentType="{CT_VML}"/>'.encode()
                )
            p = sheet.p
            r_prefix = _prefix_for(sheet.root.attrs, NS_R)
            attr = (
                f'{r_prefix}:id="{rid}"' if r_prefix else f'xmlns:r="{NS_R}" r:id="{rid}"'
            ).encode()
            element = b"<" + p + b"legacyDrawing " + attr + b"/>"
            if drawing is not None:
                patcher.extra.append((drawing.start, drawing.end, element))
            else:
                pos = insert_before(sheet, _AFTER_LEGACY_DRAWING)
                patcher.extra.append((pos, pos, element))

    # -- owned sheets ---------------------------------------------------------------------------

    def _plan_owned(self, owned: list[OwnedSheet]) -> None:
        """Rewrite each owned sheet whole; everything hanging from the old one goes first."""
        styles = OwnedStyles(self.styles, self.config)
        locked = self._structure_locked()
        next_id = max([e.sheet_id for e in self.sheets] + [0])
        parts: list[tuple[OwnedSheet, _SheetEntry | None, str | None]] = []
        for sheet in owned:
            if not sheet.name or len(sheet.name) > 31 or set(sheet.name) & _BAD_SHEET_CHARS:
                raise ValueError(f"invalid owned sheet name {sheet.name!r}")
            entry = self._find_sheet(sheet.name)
            part = None
            if entry is not None:
                rel, part = self._sheet_part(entry)
                if rel is None or part is None or rel.type != REL_WORKSHEET:
                    self.refuse(
                        f"« {entry.name} » existe déjà mais n'est pas une feuille de calcul : "
                        "renommez-la pour que l'outil puisse écrire la sienne"
                    )
                    continue
                part = self.pkg.name(part) or part
                self._drop_dependents(part)  # before naming new parts: names are reused
            parts.append((sheet, entry, part))
        for sheet, entry, part in parts:
            index = (
                self.sheets.index(entry)
                if entry
                else len(self.sheets) + len(self.new_sheet_entries)
            )
            self.filters[str(index)] = (entry.name if entry else sheet.name, print_names(sheet))
            if part is None:
                if locked:
                    self.refuse(
                        f"la structure du classeur est protégée : impossible d'ajouter la "
                        f"feuille « {sheet.name} » (Révision > Protéger le classeur pour l'ôter)"
                    )
                    continue
                part = self.free_name("xl/worksheets/sheet{}.xml")
                self.add_override(part, CT_WORKSHEET)
                rid = self.add_rel(self.plan.workbook_part, REL_WORKSHEET, part)
                next_id += 1
                p = prefix_of(self.wb_root)
                r_prefix = _prefix_for(self.wb_root.attrs, NS_R)
                rid_attr = (
                    f'{r_prefix}:id="{rid}"' if r_prefix else f'xmlns:r="{NS_R}" r:id="{rid}"'
                )
                state = ' state="veryHidden"' if sheet.name == REGISTRY_SHEET else ""
                self.new_sheet_entries.append(
                    b"<"
                    + p
                    + f'sheet name="{escape_attr(sheet.name)}" sheetId="{next_id}"{state} '
                    f"{rid_attr}/>".encode()
                )
            drawing_rid = self._plan_charts(sheet, part) if sheet.charts else None
            self.set_part(part, render_owned_sheet(sheet, styles, drawing_rid))
            self.plan.owned_parts.add(part)

    def _drop_dependents(self, part: str) -> None:
        """Remove what an owned sheet's relationships lead to (its drawing, charts, notes…),
        except a part that something else still refers to, then its relationships."""
        found: list[str] = []
        todo = [part]
        while todo:
            for rel in self.pkg.rels(todo.pop()):
                target = rel.part
                if rel.external or target is None or not self.pkg.has(target):
                    continue
                if target != part and target not in found:
                    found.append(target)
                    todo.append(target)
        inside = {part, *found}
        kept: set[str] = set()
        for info in self.pkg.infos:
            source = _rels_source(info.filename)
            if source is None or source in inside:
                continue
            kept |= {r.part for r in self.pkg.rels(source) if r.part in inside}
        todo = [k for k in kept if k != part]
        while todo:  # what a kept part refers to is kept too
            for rel in self.pkg.rels(todo.pop()):
                if rel.part in inside and rel.part not in kept:
                    kept.add(rel.part)
                    todo.append(rel.part)
        for name in [part, *found]:
            if name not in kept or name == part:
                rels = self.pkg.name(rels_name(name))
                if rels is not None:
                    self.remove_part(rels)
                    self.plan.owned_parts.add(rels)
            if name != part and name not in kept:
                self.remove_part(name)
                self.plan.owned_parts.add(name)

    def _plan_charts(self, sheet: OwnedSheet, part: str) -> str:
        """Drawing and chart parts for an owned sheet's charts; the sheet's drawing r:id."""
        drawing = self.free_name("xl/drawings/drawing{}.xml")
        chart_names: list[str] = []
        n = 1
        while len(chart_names) < len(sheet.charts):
            name = f"xl/charts/chart{n}.xml"
            if not self.exists(name):
                chart_names.append(name)
            n += 1
        rendered = render_charts(sheet, self.config, drawing, chart_names)
        self.set_part(drawing, rendered.drawing)
        self.add_override(drawing, CT_DRAWING)
        self.set_part(rels_name(drawing), rendered.drawing_rels)
        for name, xml in zip(chart_names, rendered.charts, strict=True):
            self.set_part(name, xml)
            self.add_override(name, CT_CHART)
        rid = "rId1"  # the sheet's only relationship: its relationships part is rewritten
        sheet_rels = empty_rels().replace(
            b"</Relationships>",
            relationship_xml(rid, REL_DRAWING, relative(part, drawing)) + b"</Relationships>",
        )
        self.set_part(rels_name(part), sheet_rels)
        self.plan.owned_parts |= {drawing, rels_name(drawing), rels_name(part), *chart_names}
        return rid

    def _structure_locked(self) -> bool:
        for span in self.wb_kids:
            if span.tag.local == b"workbookProtection":
                value = span.tag.attrs.get("lockStructure", "0").lower()
                return value in ("1", "true")
        return False

    # -- workbook-level entries -----------------------------------------------------------------

    def _plan_workbook(self) -> None:
        data = self.workbook
        edits: list[tuple[int, int, bytes]] = []
        if self.new_sheet_entries:
            span = self.sheets_span
            pos = span.inner_end(data)
            if span.tag.kind == "empty":
                raise WorkbookError(self._refusal_message(["classeur sans feuille"]))
            edits.append((pos, pos, b"".join(self.new_sheet_entries)))
        self._filter_names(edits)
        if self.values_written and (self.workbook_has_formulas or self._other_formulas()):
            calc = next((k for k in self.wb_kids if k.tag.local == b"calcPr"), None)
            if calc is None:
                p = prefix_of(self.wb_root)
                pos = _insert_position(self.wb_kids, _AFTER_CALC_PR, data)
                edits.append((pos, pos, b"<" + p + b'calcPr fullCalcOnLoad="1"/>'))
            elif calc.tag.attrs.get("fullCalcOnLoad", "0").lower() not in ("1", "true"):
                head = data[calc.tag.start : calc.tag.end]
                edits.append((calc.tag.start, calc.tag.end, set_attr(head, "fullCalcOnLoad", "1")))
        if self.formula_removed:
            for rel in self.wb_rels.values():
                if rel.type == REL_CALC_CHAIN and rel.part:
                    self.remove_part(rel.part)
                    self.plan.owned_parts.add(self.pkg.name(rel.part) or rel.part)
                    self.rels(self.plan.workbook_part).remove_where("Relationship", "Id", rel.id)
        if edits:
            self.set_part(self.plan.workbook_part, splice(data, edits))

    def _filter_names(self, edits: list[tuple[int, int, bytes]]) -> None:
        """The hidden ``_xlnm._FilterDatabase`` name Excel keeps for each filtered sheet."""
        if not self.filters:
            return
        self.plan.owned_sheet_indices = set(self.filters)
        data, p = self.workbook, prefix_of(self.wb_root)
        names = next((k for k in self.wb_kids if k.tag.local == b"definedNames"), None)
        wanted: dict[tuple[str, str], bytes] = {}
        for index, (sheet_name, local) in sorted(self.filters.items(), key=lambda i: int(i[0])):
            quoted = "'" + sheet_name.replace("'", "''") + "'"
            for name, rng in local.items():
                hidden = b' hidden="1"' if name == "_xlnm._FilterDatabase" else b""
                wanted[(name, index)] = (
                    b"<"
                    + p
                    + f'definedName name="{name}" localSheetId="{index}"'.encode()
                    + hidden
                    + b">"
                    + escape_text(f"{quoted}!{rng}").encode()
                    + b"</"
                    + p
                    + b"definedName>"
                )
        if names is None:
            if wanted:
                pos = _insert_position(self.wb_kids, ("calcPr",) + _AFTER_CALC_PR, data)
                element = (
                    b"<"
                    + p
                    + b"definedNames>"
                    + b"".join(wanted.values())
                    + b"</"
                    + p
                    + b"definedNames>"
                )
                edits.append((pos, pos, element))
            return
        for child in children(data, names.tag, names.end):
            attrs = child.tag.attrs
            index = attrs.get("localSheetId")
            name = attrs.get("name") or ""
            if name in _OWNED_LOCAL_NAMES and index in self.filters:
                new = wanted.pop((name, index), b"")
                if child.bytes(data) != new:
                    edits.append((child.start, child.end, new))
        if wanted:
            if names.tag.kind == "empty":
                head = data[names.tag.start : names.tag.end][:-2].rstrip() + b">"
                edits.append(
                    (
                        names.start,
                        names.end,
                        head + b"".join(wanted.values()) + b"</" + names.tag.name + b">",
                    )
                )
            else:
                pos = names.inner_end(data)
                edits.append((pos, pos, b"".join(wanted.values())))

    def _other_formulas(self) -> bool:
        for rel in self.wb_rels.values():
            if rel.type == REL_WORKSHEET and rel.part and self.pkg.has(rel.part):
                if _FORMULA_TAG.search(self.pkg.read(rel.part)):
                    return True
        return False

    def _finish(self) -> None:
        if self.styles.changed and self.plan.styles_part:
            self.set_part(self.plan.styles_part, self.styles.render())
        for name, editor in self.rels_editors.items():
            if editor is None or not editor.changed:
                continue
            if editor.remaining == 0 and self.pkg.has(name):
                self.remove_part(name)
            elif editor.remaining:
                self.set_part(name, editor.render())
        if self.content_types.changed:
            self.set_part("[Content_Types].xml", self.content_types.render())
        report = self.report
        report.changed_parts = sorted(n for n in self.plan.parts if n not in self.plan.added)
        report.added_parts = list(self.plan.added)
        report.removed_parts = sorted(self.plan.removed)


# the sheet-local names the tool sets on the sheets it owns (``ownedsheet.print_names``)
_OWNED_LOCAL_NAMES = ("_xlnm._FilterDatabase", "_xlnm.Print_Titles", "_xlnm.Print_Area")


class _Where:
    """« Sheet »!A1, formatted only when a message needs it (most changes never do)."""

    __slots__ = ("sheet", "row", "col")

    def __init__(self, sheet: str, row: int, col: int) -> None:
        self.sheet, self.row, self.col = sheet, row, col

    def __str__(self) -> str:
        return f"« {self.sheet} »!{cell_ref(self.row, self.col)}"

    __format__ = lambda self, spec: str(self)  # noqa: E731


def _merge_changes(changes: Iterable[CellChange]) -> list[CellChange]:
    """One change per cell: later fields override earlier ones, in first-seen order."""
    merged: dict[tuple[int, int], CellChange] = {}
    for change in changes:
        key = (change.row, change.column)
        old = merged.get(key)
        if old is None:
            merged[key] = change
            continue
        merged[key] = CellChange(
            row=change.row,
            column=change.column,
            value=change.value if change.value is not UNSET else old.value,
            number_format=change.number_format
            if change.number_format is not None
            else old.number_format,
            highlight=change.highlight if change.highlight is not None else old.highlight,
            note=change.note if change.note is not None else old.note,
        )
    return list(merged.values())


_NUMBER_V = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")


def _kept_number(cell: Cell, number: float, value: Value) -> Value:
    """The cell's own text when it already holds ``number`` to 16 significant digits.

    openpyxl (the template, older versions of the tool) stores numbers with 16 digits: that is
    the same result, and rewriting it with 17 would be a change of value for nothing.
    """
    if cell.formula is not None or cell.attrs.get("t", "n") != "n":
        return value
    match = _NUMBER_V.search(cell.bytes())
    if match is None:
        return value
    stored = match.group(1).decode("ascii", "replace").strip()
    try:
        same = stored != value.text and float(stored) == float(f"{number:.16g}")
    except ValueError:
        return value
    return Value("n", stored) if same else value


def _rels_source(name: str) -> str | None:
    """``a/_rels/b.xml.rels`` → ``a/b.xml`` (``""`` for the package); None for other names."""
    folder, base = posixpath.split(name)
    if posixpath.basename(folder) != "_rels" or not base.endswith(".rels"):
        return None
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def _prefix_for(attrs: dict[str, str], uri: str) -> str | None:
    for key, value in attrs.items():
        if key.startswith("xmlns:") and value == uri:
            return key[6:]
    return None


def _insert_position(kids: list[Span], before: tuple[str, ...], data: bytes) -> int:
    for span in kids:
        if span.tag.local.decode() in before:
            return span.start
    return data.rfind(b"</")
