"""What Recalculer may write in a person's workbook, and what it keeps.

The spec (« The person's workbook: what the tool may overwrite, and what it keeps »), as one
decision per cell, shared by Recalculer and Valider on every path (command line, Excel buttons,
the template), so what Valider announces is exactly what Recalculer does:

- the tool overwrites only what it can prove it wrote: an empty cell, a cell still showing what
  the registry says the tool wrote there last, an error value, or a formula (reported);
- a person's typed figure with counts behind it gives way to the computed figure; if it showed
  something else, the old value is reported and kept in the cell's note;
- a person's typed figure with no counts behind it is kept (a « taux saisi sans effectifs »,
  reported once per row, never pooled);
- a person's status word (``Non requis``, ``en cours``, ``NA``) is kept;
- indicators 10 and 11 and the certificateur's reference are inputs: a person's content there is
  never overwritten; the tool only fills empty cells with its words (``En attente``…).

No Excel and no file: the adapters hand over what the cells hold (``Stored``) and apply the
decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from .cells import EXCEL_ERRORS, CellReader, Reading, State
from .config import Config
from .engine import Computation, Outcome, Result
from .fields import FIELD_BY_KEY, Kind, programme_name
from .findings import Finding, Severity
from .formatting import format_number, format_percent, format_signed_percent
from .indicators import INDICATOR_BY_KEY, INDICATORS, Indicator
from .normalize import clean_spaces, label_key

COMPUTED_KEYS = tuple(i.key for i in INDICATORS if i.computed)  # 1–5 and 9
INPUT_KEYS = ("insertion_emploi", "insertion_metier", "insertion_reference")  # 10, 11, reference
OUTPUT_KEYS = COMPUTED_KEYS + INPUT_KEYS  # every column the tool may write in
AWAITED_KEYS = ("va", *INPUT_KEYS)  # columns whose figure may be awaited (shown in yellow)

Locate = Callable[[int, str], "str | None"]


@dataclass(frozen=True)
class Stored:
    """What a cell the tool may write holds now, and what proves who put it there."""

    raw: object  # the value read (a formula's cached value); a Reading for a formula problem
    formula: str | None = None
    number_format: str | None = None  # None: the engine cannot tell
    tool_text: str | None = None  # the registry: what the tool wrote there last, as shown
    tool_note: bool = False  # the registry holds a note of the tool's on this cell
    person_note: bool = False  # someone's note is on the cell: no room to keep an old value


class Owner(str, Enum):
    EMPTY = "vide"
    TOOL = "outil"  # still what the tool wrote last
    FORMULA = "formule"
    ERROR = "erreur"
    PERSON = "personne"


class Action(str, Enum):
    WRITE = "ecrire"
    KEEP = "garder"


@dataclass(frozen=True)
class Decision:
    key: str
    row: int  # index of the row in the table
    action: Action
    owner: Owner
    value: object = None  # what is written (number, word, or None to empty the cell)
    number_format: str | None = None  # format to set with the value (None: leave the cell's)
    shown: Result | None = None  # what the row shows once Recalculer has run
    before: str = ""  # what the cell showed, as text ("" when empty)
    replaced: bool = False  # a person's different figure gives way (old value kept in note)
    # a person's figure the counts contradict, kept because the cell carries someone's note
    # (where the old value would have gone): an error until the figure or the counts change
    contradicted: bool = False
    doubt: str = ""  # how a person's figure was read, when that reading is open to doubt

    @property
    def changes_display(self) -> bool:
        return self.action is Action.WRITE and shown_text(self.key, self.value) != self.before


def shown_text(key: str, raw: object) -> str:
    """A cell's content as the tool compares it: a number at the tool's display precision
    (the tool writes rates as fractions), a text without odd spaces."""
    if raw is None:
        return ""
    if isinstance(raw, Reading):
        return raw.text or ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, (int, float)):
        kind = FIELD_BY_KEY[key].kind
        try:
            if kind is Kind.POINTS:
                return format_signed_percent(float(raw))
            if kind is Kind.RATE:
                return format_percent(float(raw))
            return format_number(float(raw))
        except ValueError:  # nan, inf
            return str(raw)
    return clean_spaces(str(raw))


def owner_of(key: str, stored: Stored, config: Config) -> Owner:
    raw = stored.raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Owner.FORMULA if stored.formula else Owner.EMPTY
    if stored.formula:
        return Owner.FORMULA
    if _is_error(raw):
        return Owner.ERROR
    text = shown_text(key, raw)
    if stored.tool_text is not None:
        return Owner.TOOL if stored.tool_text == text else Owner.PERSON
    if stored.tool_note and _tool_word(raw, config):
        # an older version kept its notes but not its values: its words under its own note
        # are its own (a figure typed over such a cell is a person's)
        return Owner.TOOL
    return Owner.PERSON


def _tool_word(raw: object, config: Config) -> bool:
    if not isinstance(raw, str) or len(raw) > 40:
        return False
    return _word_key(raw) in {_word_key(w) for w in config.mots.all()}


@lru_cache(maxsize=4096)
def _word_key(text: str) -> str:
    return label_key(text, drop_number=False)


def free_inputs(
    columns: Mapping[str, list[object]],
    stored: Mapping[str, Sequence[Stored]],
    config: Config,
) -> dict[str, list[object]]:
    """The input columns with what the tool itself wrote there removed: the tool's « En
    attente » or a figure it took from the site's own column is not a person's input."""
    out = dict(columns)
    for key in INPUT_KEYS:
        cells = stored.get(key)
        if key not in out or cells is None:
            continue
        values = list(out[key])
        for row, cell in enumerate(cells):
            if _tool_may_write_input(key, cell, config):
                values[row] = None
            elif _tool_word(cell.raw, config):  # a person's own « Non requis »: a status
                text = clean_spaces(str(cell.raw))
                values[row] = Reading(State.STATUS, text=text)
        out[key] = values
    return out


def _is_error(raw: object) -> bool:
    return isinstance(raw, str) and clean_spaces(raw).upper() in EXCEL_ERRORS


def _tool_may_write_input(key: str, cell: Stored, config: Config) -> bool:
    """In 10, 11 and the reference: empty, the tool's own, or an error value (a formula that
    gives an error included): the only cells of an input the tool may fill."""
    who = owner_of(key, cell, config)
    return who in (Owner.EMPTY, Owner.TOOL, Owner.ERROR) or (
        who is Owner.FORMULA and _is_error(cell.raw)
    )


@dataclass
class TablePlan:
    """Every decision for one table, what the rows show afterwards, and the findings."""

    decisions: dict[str, list[Decision]]
    shown: Computation  # the rows as they read once the decisions are applied
    findings: list[Finding] = field(default_factory=list)

    def written(self) -> dict[tuple[str, int], str]:
        """(key, row) → text of every figure or word the tool has in the table afterwards."""
        return {
            (d.key, d.row): shown_text(d.key, d.value)
            for cells in self.decisions.values()
            for d in cells
            if d.action is Action.WRITE and d.value is not None
        }

    def awaited(self, word: str) -> list[tuple[str, int]]:
        """Cells that show the awaited word once Recalculer has run."""
        return [
            (key, d.row)
            for key, cells in self.decisions.items()
            if key in AWAITED_KEYS
            for d in cells
            if _shows(d, key, word)
        ]


def plan_table(
    comp: Computation,
    stored: Mapping[str, Sequence[Stored]],
    sheet: str,
    locate: Locate,
    config: Config,
    *,
    validating: bool = False,
) -> TablePlan:
    """Decide every output cell of one table (``comp`` is computed from the free inputs).

    ``validating``: the findings say what Recalculer would do (Valider); otherwise what it did.
    """
    reader = CellReader(config)
    decisions: dict[str, list[Decision]] = {}
    overrides: dict[str, dict[int, Result]] = {}
    for key in OUTPUT_KEYS:
        cells = stored.get(key)
        if cells is None:
            continue
        column: list[Decision] = []
        for row, cell in enumerate(cells):
            if key in COMPUTED_KEYS:
                decision = _computed(key, row, cell, comp, reader, config)
            elif key == "insertion_reference":
                decision = _reference(row, cell, comp, reader, config)
            else:
                decision = _input(key, row, cell, comp, reader, config)
            column.append(decision)
            if decision.shown is not None and key in comp.columns:
                if decision.shown is not comp.result(row, key):
                    overrides.setdefault(key, {})[row] = decision.shown
        decisions[key] = column
    plan = TablePlan(decisions, comp.with_results(overrides))
    plan.findings = _findings(plan, comp, sheet, locate, config, validating)
    return plan


def _format_for(key: str, cell: Stored, reading: Reading | None, config: Config) -> str | None:
    """The tool's number format for a figure it writes, unless the cell already shows
    percentages its own way (a person's « 0 % » stays)."""
    ind = INDICATOR_BY_KEY.get(key)
    fmt = getattr(config.formats, ind.format_key if ind else "taux")
    if cell.number_format is not None and "%" in cell.number_format:
        return None
    if cell.number_format is None and reading is not None and reading.state is State.NUMBER:
        if not reading.interpreted and isinstance(cell.raw, (int, float)):
            return None  # unknown format, a fraction already there: the cell shows percentages
    return fmt


def _computed(
    key: str, row: int, cell: Stored, comp: Computation, reader: CellReader, config: Config
) -> Decision:
    result = comp.result(row, key)
    who = owner_of(key, cell, config)
    before = "" if who is Owner.EMPTY else shown_text(key, cell.raw)
    kind = FIELD_BY_KEY[key].kind
    if who is not Owner.PERSON:
        if result.outcome is Outcome.VALUE:
            fmt = _format_for(key, cell, None, config)
            return Decision(key, row, Action.WRITE, who, result.value, fmt, result, before)
        return Decision(key, row, Action.WRITE, who, result.text, None, result, before)
    typed = reader.read(cell.raw, kind, cell.number_format)
    before = _typed_text(key, typed, cell)
    if result.outcome is Outcome.VALUE:
        if typed.state in (State.STATUS, State.MARKER):
            shown = Result(Outcome.STATUS, None, typed.text, _kept_status_note(typed))
            return Decision(key, row, Action.KEEP, who, shown=shown, before=before)
        if key == "va" and typed.state is State.NUMBER:
            # 9 typed by a person is an input even when 10 and the certificateur's rate could
            # compute it (spec): kept, and reported when it disagrees (see _findings)
            shown = Result(Outcome.VALUE, typed.number, None, "Valeur ajoutée saisie.")
            return Decision(key, row, Action.KEEP, who, shown=shown, before=before)
        differs = not (
            typed.state is State.NUMBER
            and shown_text(key, typed.number) == shown_text(key, result.value)
        )
        if differs and cell.person_note:
            return Decision(key, row, Action.KEEP, who, before=before, contradicted=True)
        fmt = _format_for(key, cell, typed, config)
        return Decision(
            key, row, Action.WRITE, who, result.value, fmt, result, before, replaced=differs
        )
    # no counts (or inputs) behind this figure: the person's content stays
    if typed.state is State.NUMBER:
        if key == "va":  # 9 typed by a person is an input (the seed types « - 20% »)
            shown = Result(Outcome.VALUE, typed.number, None, "Valeur ajoutée saisie.")
        else:
            shown = Result(
                Outcome.TYPED,
                typed.number,
                None,
                "Taux saisi sans effectifs : gardé tel quel, non regroupé.",
            )
        doubt = typed.note if typed.doubtful else ""
        return Decision(key, row, Action.KEEP, who, shown=shown, before=before, doubt=doubt)
    if typed.state in (State.STATUS, State.MARKER, State.TEXT):
        shown = Result(Outcome.STATUS, None, typed.text, _kept_status_note(typed))
        return Decision(key, row, Action.KEEP, who, shown=shown, before=before)
    shown = Result(Outcome.NOT_COMPUTABLE, None, typed.text, typed.note)
    return Decision(key, row, Action.KEEP, who, shown=shown, before=before)


def _typed_text(key: str, typed: Reading, cell: Stored) -> str:
    """What the person sees in the cell, as text."""
    raw = cell.raw
    if isinstance(raw, str):
        return clean_spaces(raw)
    if typed.state is State.INVALID:
        return typed.text or str(raw)
    if typed.interpreted and isinstance(raw, (int, float)):
        return format_number(float(raw))  # points in a General cell: it shows 90
    return shown_text(key, raw)


def _kept_status_note(typed: Reading) -> str:
    return f"« {typed.text} » saisi dans la cellule : gardé tel quel."


def _input(
    key: str, row: int, cell: Stored, comp: Computation, reader: CellReader, config: Config
) -> Decision:
    """10 and 11: a person's content is an input, never overwritten."""
    result = comp.result(row, key)
    who = owner_of(key, cell, config)
    before = "" if who is Owner.EMPTY else shown_text(key, cell.raw)
    if _tool_may_write_input(key, cell, config):
        if result.outcome is Outcome.VALUE:  # taken from the site's own column
            fmt = _format_for(key, cell, None, config)
            return Decision(key, row, Action.WRITE, who, result.value, fmt, result, before)
        if result.outcome in (Outcome.PENDING, Outcome.SMALL_COHORT):
            return Decision(key, row, Action.WRITE, who, result.text, None, result, before)
        if who is not Owner.EMPTY:  # the tool's old word, no longer due, or an error value
            return Decision(key, row, Action.WRITE, who, None, None, result, before)
        return Decision(key, row, Action.KEEP, who, shown=result, before=before)
    typed = reader.read(cell.raw, FIELD_BY_KEY[key].kind, cell.number_format)
    if typed.state is State.MARKER:  # a person's own « Non requis » or « En attente »
        shown = Result(Outcome.STATUS, None, typed.text, _kept_status_note(typed))
        return Decision(
            key, row, Action.KEEP, who, shown=shown, before=_typed_text(key, typed, cell)
        )
    return Decision(key, row, Action.KEEP, who, shown=result, before=_typed_text(key, typed, cell))


def _reference(
    row: int, cell: Stored, comp: Computation, reader: CellReader, config: Config
) -> Decision:
    """The certificateur's average rate: awaited (and shown so) when indicator 9 needs it."""
    key = "insertion_reference"
    who = owner_of(key, cell, config)
    before = "" if who is Owner.EMPTY else shown_text(key, cell.raw)
    if not _tool_may_write_input(key, cell, config):
        return Decision(key, row, Action.KEEP, who, before=before)
    va = comp.result(row, "va")
    reading = comp.reading(row, key)
    if va.outcome is Outcome.PENDING and reading.missing:
        return Decision(key, row, Action.WRITE, who, config.mots.en_attente, before=before)
    if who is not Owner.EMPTY:
        return Decision(key, row, Action.WRITE, who, None, before=before)
    return Decision(key, row, Action.KEEP, who, before=before)


# -- findings ------------------------------------------------------------------------------------


def _name(comp: Computation, row: int) -> str:
    name = programme_name(lambda key: comp.reading(row, key).text)
    promotion = comp.reading(row, "promotion").text
    return f"« {name or 'ligne sans nom'} »" + (f" {promotion}" if promotion else "")


def _findings(
    plan: TablePlan,
    comp: Computation,
    sheet: str,
    locate: Locate,
    config: Config,
    validating: bool,
) -> list[Finding]:
    out: list[Finding] = []
    formulas: list[str] = []
    for row in range(comp.rows):
        typed: list[str] = []
        statuses: list[str] = []
        replaced: list[str] = []
        contradicted: list[str] = []
        stale_figures: list[str] = []
        invalid: list[str] = []
        awaited: list[str] = []
        first: dict[str, str] = {}
        for key, cells in plan.decisions.items():
            d = cells[row]
            cell = locate(row, key) or ""
            shown = d.shown
            if d.owner is Owner.FORMULA and d.action is Action.WRITE:
                formulas.append(cell)
            if key in AWAITED_KEYS and _shows(d, key, config.mots.en_attente):
                awaited.append(key)
                first.setdefault("awaited", cell)
            if d.action is Action.KEEP and key in COMPUTED_KEYS and shown is not None:
                if shown.outcome is Outcome.NOT_COMPUTABLE:
                    invalid.append(f"{cell} : {shown.note}")
                    first.setdefault("invalid", cell)
                elif shown.outcome is Outcome.TYPED:
                    read_as = shown_text(key, shown.value)  # how the figure was read
                    typed.append(
                        f"{cell} {d.before}"
                        + (f" lu {read_as}" if read_as != d.before else "")
                        + (f" — à vérifier : {d.doubt}" if d.doubt else "")
                    )
                    first.setdefault("typed", cell)
                elif shown.outcome is Outcome.STATUS and comp.result(row, key).outcome in (
                    Outcome.VALUE,
                ):
                    computed = comp.result(row, key)
                    statuses.append(
                        f"{cell} « {d.before} » (les effectifs donnent "
                        f"{shown_text(key, computed.value)})"
                    )
                    first.setdefault("status", cell)
            if (
                d.action is Action.KEEP
                and key in ("va", "insertion_emploi", "insertion_metier")
                and not (comp.small_cohort[row])
                and _is_small_word(d.before, config)
            ):
                entrants = comp.reading(row, "entrants").number
                out.append(
                    Finding(
                        Severity.AVERTISSEMENT,
                        sheet,
                        cell,
                        "non_requis_saisi",
                        f"{_prefix(cell)}« {d.before} » saisi pour {_name(comp, row)}"
                        + (
                            f" ({format_number(entrants)} entrants)"
                            if entrants is not None
                            else " (nombre d'entrants inconnu)"
                        )
                        + f" — l'indicateur est exigé à partir de {config.seuil_petit_effectif} "
                        "entrants : gardé tel quel, vérifiez-le.",
                    )
                )
            if key == "va" and d.action is Action.KEEP and shown is not None:
                computed = comp.result(row, "va")
                if (
                    shown.outcome is Outcome.VALUE
                    and computed.outcome is Outcome.VALUE
                    and shown_text(key, shown.value) != shown_text(key, computed.value)
                ):
                    out.append(_va_disagrees(sheet, cell, d.before, comp, row))
            if d.contradicted:
                computed = shown_text(key, comp.result(row, key).value)
                contradicted.append(f"{cell} « {d.before} », les effectifs donnent {computed}")
                first.setdefault("contradicted", cell)
            if d.replaced:
                new = shown_text(key, d.value)
                replaced.append(f"{cell} « {d.before} » → {new}")
                first.setdefault("replaced", cell)
            elif validating and d.action is Action.WRITE and d.changes_display:
                new = shown_text(key, d.value)
                old = f"« {d.before} »" if d.before else "rien"
                text = f"{cell} affiche {old}, Recalculer écrira « {new} »"
                if (
                    isinstance(d.value, (int, float))
                    or _is_figure(d.before)
                    or d.before.upper() in EXCEL_ERRORS
                ):  # a figure appears, changes or goes (words alone change no figure)
                    stale_figures.append(text)
                    first.setdefault("stale", cell)
        name = _name(comp, row)
        if invalid:
            cell = first["invalid"]
            out.append(
                Finding(
                    Severity.ERREUR,
                    sheet,
                    cell,
                    "valeur_illisible",
                    f"{_prefix(cell)}{name} : {'; '.join(invalid)} — saisissez un taux de 0 à "
                    "100 % ou les effectifs.",
                )
            )
        if awaited:
            cell = first["awaited"]
            out.append(
                Finding(
                    Severity.INFO,
                    sheet,
                    cell,
                    "en_attente",
                    f"{_prefix(cell)}{name} : {_awaited_text(awaited, comp, row, locate)}",
                )
            )
        if typed:
            cell = first["typed"]
            out.append(
                Finding(
                    Severity.AVERTISSEMENT,
                    sheet,
                    cell,
                    "taux_saisi_sans_effectifs",
                    f"{_prefix(cell)}{name} : taux saisis sans effectifs ({', '.join(typed)}) — "
                    "gardés tels quels, publiés avec la mention « effectifs non fournis » et "
                    "jamais regroupés ; saisissez les effectifs pour qu'ils soient calculés.",
                )
            )
        if statuses:
            cell = first["status"]
            out.append(
                Finding(
                    Severity.AVERTISSEMENT,
                    sheet,
                    cell,
                    "statut_garde",
                    f"{_prefix(cell)}{name} : statut saisi à la place du taux "
                    f"({'; '.join(statuses)}) — gardé tel quel ; effacez-le pour afficher le "
                    "taux calculé.",
                )
            )
        if contradicted:
            cell = first["contradicted"]
            out.append(
                Finding(
                    Severity.ERREUR,
                    sheet,
                    cell,
                    "valeur_saisie_differente",
                    f"{_prefix(cell)}{name} : valeurs saisies qui ne correspondent pas aux "
                    f"effectifs ({'; '.join(contradicted)}) — gardées telles quelles : la "
                    "cellule porte déjà la note d'une personne, où l'outil ne peut pas garder "
                    "l'ancienne valeur. Corrigez le chiffre ou les effectifs (effacer le "
                    "chiffre laisse l'outil écrire le calcul).",
                )
            )
        if replaced:
            cell = first["replaced"]
            if validating:
                out.append(
                    Finding(
                        Severity.ERREUR,
                        sheet,
                        cell,
                        "valeur_saisie_differente",
                        f"{_prefix(cell)}{name} : valeurs saisies qui ne correspondent pas aux "
                        f"effectifs ({'; '.join(replaced)}) — Recalculer écrira le calcul et "
                        "gardera l'ancienne valeur dans la note de la cellule (ou corrigez les "
                        "effectifs).",
                    )
                )
            else:
                out.append(
                    Finding(
                        Severity.AVERTISSEMENT,
                        sheet,
                        cell,
                        "valeur_remplacee",
                        f"{_prefix(cell)}{name} : valeurs saisies remplacées par le calcul "
                        f"({'; '.join(replaced)}) — l'ancienne valeur est gardée dans la note "
                        "de la cellule.",
                    )
                )
        if stale_figures:
            cell = first["stale"]
            out.append(
                Finding(
                    Severity.ERREUR,
                    sheet,
                    cell,
                    "valeur_a_recalculer",
                    f"{_prefix(cell)}{name} : chiffres à mettre à jour ({'; '.join(stale_figures)})"
                    " — lancez Recalculer.",
                )
            )
    if formulas:
        cell = formulas[0]
        verb = "seront remplacées" if validating else "remplacées"
        out.append(
            Finding(
                Severity.INFO,
                sheet,
                cell,
                "formules_remplacees",
                f"{_prefix(cell)}{len(formulas)} formule(s) dans les colonnes calculées "
                f"({_span(formulas)}) {verb} par les valeurs que calcule l'outil, sans erreur "
                "possible (#DIV/0!…).",
            )
        )
    return out


def _shows(d: Decision, key: str, word: str) -> bool:
    """The cell shows the awaited word once Recalculer has run (cheap: called per cell)."""
    text = d.value if d.action is Action.WRITE else d.before
    if not isinstance(text, str) or not text:
        return False
    if text == word:
        return True
    return len(text) < 3 * len(word) and _same_word(text, word)


@lru_cache(maxsize=4096)
def _same_word(text: str, word: str) -> bool:
    return label_key(text, drop_number=False) == label_key(word, drop_number=False)


_AWAITED_NAMES = {
    "va": "9, valeur ajoutée",
    "insertion_emploi": "10, insertion dans l'emploi",
    "insertion_metier": "11, insertion dans le métier",
    "insertion_reference": "taux moyen du certificateur",
}


def _awaited_text(keys: list[str], comp: Computation, row: int, locate: Locate) -> str:
    """One sentence for the awaited figures of a row: where, and what each one waits for."""
    parts: list[str] = []
    for key in keys:
        where = f"{locate(row, key) or '?'} ({_AWAITED_NAMES[key]})"
        if key == "insertion_reference":
            parts.append(
                f"{where} : le taux moyen du certificateur, nécessaire à la valeur ajoutée"
            )
            continue
        note = comp.result(row, key).note if key in comp.columns else ""
        waits = [p.strip().rstrip(".") for p in note.split("En attente du ")[1:]]
        if key == "va":
            waits = [w.split(" — ")[0] for w in waits]  # the sources are said for 10 itself
        parts.append(f"{where} : " + " ; ".join(waits) if waits else where)
    return "chiffres attendus — " + " ; ".join(parts) + "."


def _prefix(cell: str) -> str:
    return f"{cell} : " if cell else ""


def _span(cells: list[str]) -> str:
    shown = ", ".join(cells[:6])
    return shown + (f" et {len(cells) - 6} autre(s)" if len(cells) > 6 else "")


def _va_disagrees(sheet: str, cell: str, typed: str, comp: Computation, row: int) -> Finding:
    """A typed VA that the row's own rates contradict: kept (an input), said once."""
    computed = comp.result(row, "va")
    rates = [
        f"{label} {format_percent(r.number)}"
        for key, label in (
            ("insertion_emploi", "insertion"),
            ("insertion_reference", "taux du certificateur"),
        )
        if (r := comp.reading(row, key)).number is not None
    ]
    basis = f" ({' − '.join(rates)})" if rates else ""
    return Finding(
        Severity.AVERTISSEMENT,
        sheet,
        cell,
        "va_saisie_differente",
        f"{_prefix(cell)}{_name(comp, row)} : valeur ajoutée saisie « {typed} », le calcul "
        f"donne {shown_text('va', computed.value)}{basis} — la valeur saisie est gardée ; "
        "vérifiez-la, ou effacez-la pour afficher le calcul.",
    )


def _is_small_word(text: str, config: Config) -> bool:
    return bool(text) and _same_word(text, config.mots.petit_effectif)


def _is_figure(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def indicator_of(key: str) -> Indicator | None:
    return INDICATOR_BY_KEY.get(key)
