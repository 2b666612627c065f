"""The French report of an InserJeunes plan, for the terminal.

It says what was read, what gets filled, what is already there (the same, or different and
kept: never silently overwritten), what stays pending and why, and every problem found in the
files, with line numbers. Text from the files has its control characters removed before it is
shown (no terminal escape sequences).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from ..fields import FIELD_BY_KEY
from .plan import Action, CellPlan, InserJeunesPlan, Pending, Reason
from .records import ImportedFile, Problem, clean_text

_INDENT = "  "


def format_files(files: Iterable[ImportedFile]) -> str:
    """One paragraph per file read: kind, dialect, lines, millésimes."""
    lines = ["Fichiers InserJeunes lus :"]
    for f in files:
        how = [f.kind.description]
        if f.style:
            how.append(f"en-têtes : {f.style}")
        how.append(f.encoding)
        if f.separator is not None:
            shown = "tabulation" if f.separator == "\t" else f"« {f.separator} »"
            how.append(f"séparateur {shown}")
        else:
            how.append("JSON")
        millesimes = f.millesimes
        span = ""
        if millesimes:
            span = (
                f", millésime {millesimes[0]}"
                if len(millesimes) == 1
                else f", millésimes {millesimes[0]} à {millesimes[-1]}"
            )
        lines.append(
            f"{_INDENT}• {f.name} : {', '.join(how)} — {_count(f.data_lines, 'ligne')} lue"
            f"{'s' if f.data_lines > 1 else ''}, {_count(f.records, 'retenue')}{span}."
        )
        if f.millesime_note:
            lines.append(f"{_INDENT * 2}Attention : {f.millesime_note}.")
    return "\n".join(lines)


def format_report(
    plans: InserJeunesPlan | Sequence[InserJeunesPlan],
    filled: Collection[tuple[str, str]] = (),
) -> str:
    """The whole report: files read once, then each site's plan. ``filled``: the (sheet,
    cell) the recalculation that follows the import fills with a figure (from the site's own
    columns): those are not « en attente » any more, and are said apart."""
    if isinstance(plans, InserJeunesPlan):
        plans = [plans]
    if not plans:
        return "Aucun site à traiter."
    parts = [format_files(plans[0].files)]
    shown_file_problems: set[Problem] = set()
    for plan in plans:
        parts.append(_site(plan, shown_file_problems, frozenset(filled)))
    return "\n\n".join(parts) + "\n"


def _site(
    plan: InserJeunesPlan, shown: set[Problem], filled: frozenset[tuple[str, str]] = frozenset()
) -> str:
    uais = ", ".join(f"{u} ({r})" for u, r in plan.lookup) or "aucune UAI configurée"
    out = [f"Site « {clean_text(plan.site, 60)} » — UAI : {uais}"]
    writes = plan.cells(Action.FILL, Action.REPLACE)
    figures = [c for c in writes if c.field != "source"]
    kept = plan.cells(Action.KEEP)
    same = [c for c in plan.cells(Action.SAME) if c.field != "source"]
    by_recalculation = [p for p in plan.pending if p.cell and (plan.site, p.cell) in filled]
    pending = [
        p for p in plan.pending if p.reason is not Reason.SMALL_COHORT and p not in by_recalculation
    ]
    not_required = [p for p in plan.pending if p.reason is Reason.SMALL_COHORT]
    summary = [
        _count(len(figures), "chiffre") + " à écrire",
        _count(len(kept), "cellule")
        + " déjà remplie"
        + ("s" if len(kept) > 1 else "")
        + " autrement, conservée"
        + ("s" if len(kept) > 1 else ""),
        _count(len(same), "chiffre") + " déjà à jour",
        _count(len(pending), "cellule") + " en attente",
    ]
    out.append(f"{_INDENT}Bilan : {', '.join(summary)}.")

    if plan.establishments:
        out.append(f"{_INDENT}Chiffres officiels de l'établissement (niveau du site) :")
        for est in plan.establishments:
            role = "" if est.role == "site" else f", {est.role}"
            name = f" — {clean_text(est.libelle, 90)}" if est.libelle else ""
            out.append(
                f"{_INDENT * 2}UAI {est.uai}{role}{name} — {est.millesime or 'millésime inconnu'}"
            )
            for figure in est.figures:
                out.append(f"{_INDENT * 3}{figure.label} : {figure.text}")
            if est.latest_published:
                out.append(
                    f"{_INDENT * 3}Rien de publié pour ce millésime ; dernier millésime publié : "
                    f"{est.latest_published}."
                )
            out.append(f"{_INDENT * 3}Source : {est.source}")
            out.append(
                f"{_INDENT * 3}La valeur ajoutée officielle est calculée par établissement : ce "
                "n'est pas l'indicateur 9 du classeur (écart au certificateur, par formation)."
            )

    replaced = [c for c in figures if c.action is Action.REPLACE]
    filled = [c for c in figures if c.action is Action.FILL]
    _section(out, "Rempli", filled, plan)
    _section(out, "Remplacé (--remplacer)", replaced, plan)
    sources = [c for c in writes if c.field == "source"]
    if sources:
        out.append(f"{_INDENT}Colonne Source renseignée sur {_count(len(sources), 'ligne')}.")
    if kept:
        _section(
            out,
            "Déjà rempli autrement, conservé (relancez avec --remplacer pour remplacer)",
            kept,
            plan,
        )
    _section(out, "Déjà à jour", same, plan)
    if by_recalculation:
        cells = ", ".join(p.cell or "" for p in by_recalculation[:12])
        rest = len(by_recalculation) - 12
        more = f" et {rest} autre{'s' if rest > 1 else ''}" if rest > 0 else ""
        out.append(
            f"{_INDENT}Rempli par le recalcul, à partir des colonnes du site "
            f"({len(by_recalculation)}) : {cells}{more}."
        )
    _pending(out, "Reste en attente", pending, plan)
    _pending(out, "Non exigé (petite promotion)", not_required, plan)

    problems = [p for p in plan.problems if p not in shown]
    shown.update(p for p in problems if p.file)
    if problems:
        out.append(f"{_INDENT}Problèmes ({len(problems)}) :")
        for problem in problems:
            out.append(f"{_INDENT * 2}• [{problem.severity.value}] {clean_text(str(problem), 400)}")
    if not writes and not by_recalculation:
        out.append(f"{_INDENT}Aucun chiffre InserJeunes à écrire pour ce site.")
    return "\n".join(out)


def _section(out: list[str], title: str, cells: list[CellPlan], plan: InserJeunesPlan) -> None:
    if not cells:
        return
    out.append(f"{_INDENT}{title} ({len(cells)}) :")
    for c in cells:
        out.append(f"{_INDENT * 2}• {_where(plan, c.row, c.field, c.cell)} : {c.detail}")


def _pending(out: list[str], title: str, items: list[Pending], plan: InserJeunesPlan) -> None:
    if not items:
        return
    out.append(f"{_INDENT}{title} ({len(items)}) :")
    for p in items:
        out.append(f"{_INDENT * 2}• {_where(plan, p.row, p.field, p.cell)} : {p.message}")


def _where(plan: InserJeunesPlan, row: int, field: str, cell: str | None) -> str:
    label = plan.rows[row].label
    column = FIELD_BY_KEY[field].label if field in FIELD_BY_KEY else field
    return f"{label} — {column}{f' ({cell})' if cell else ''}"


def _count(number: int, noun: str) -> str:
    """``11 314 lignes``: thousands grouped the French way, plural from 2."""
    grouped = f"{number:,}".replace(",", " ")
    return f"{grouped} {noun}{'s' if number > 1 else ''}"
