"""The official InserJeunes figures of each site's establishment, kept as data.

``ortkpi-xl inserjeunes`` (and the Importer InserJeunes button) reads the establishment file
(``fr-en-inserjeunes-cfa``) and writes, for every site of the configuration, every millésime
the file holds for the site's UAI: numbers in labelled cells of a sheet the tool owns, each
line with its provenance (file, line, millésime). Recalculer reads that sheet back for the
``Synthèse`` sheet, and ``publier`` for the web page, so the official figures and their trend
sit beside the network's own figures without ever being typed again.

These figures are per establishment (UAI), all programmes together, two cohorts pooled. The
official valeur ajoutée (observed − expected employment rate at 6 months, in points) is not the
workbook's indicator 9 (a programme's insertion rate − its certificateur's average): the two are
never shown under the same name.

Pure: no Excel, no file; the sheet goes through ``OwnedSheet`` like the tool's other sheets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .config import Config
from .inserjeunes.records import EstablishmentRecord, InserJeunesData, millesime_key
from .normalize import label_key

OFFICIAL_SHEET = "Chiffres InserJeunes"
DIFFUSION_URL = "https://www.inserjeunes.education.gouv.fr/diffusion/accueil"
TITLE = "Chiffres officiels InserJeunes des établissements du réseau"
NOT_PUBLISHED = "non publié"


@dataclass(frozen=True)
class OfficialFigure:
    key: str  # attribute of ``EstablishmentRecord``
    label: str  # column header, French
    short: str  # for charts and narrow tables
    points: bool = False  # the official VA, in points; the others are rates


FIGURES: tuple[OfficialFigure, ...] = (
    OfficialFigure("emploi_6", "Taux d'emploi à 6 mois", "Emploi à 6 mois"),
    OfficialFigure("emploi_6_attendu", "Taux d'emploi à 6 mois attendu", "Emploi attendu"),
    OfficialFigure(
        "va_emploi_6",
        "Valeur ajoutée officielle de l'établissement (points)",
        "Valeur ajoutée officielle",
        points=True,
    ),
    OfficialFigure("poursuite", "Taux de poursuite d'études", "Poursuite d'études"),
    OfficialFigure("emploi_12", "Taux d'emploi à 12 mois", "Emploi à 12 mois"),
    OfficialFigure("emploi_18", "Taux d'emploi à 18 mois", "Emploi à 18 mois"),
    OfficialFigure("emploi_24", "Taux d'emploi à 24 mois", "Emploi à 24 mois"),
)
FIGURE_BY_KEY = {f.key: f for f in FIGURES}
# the figures of the trend charts: three rates on one scale
TREND_KEYS = ("emploi_6", "emploi_6_attendu", "poursuite")

HEADERS = (
    "Site",
    "UAI",
    "Publié sous",
    "Établissement",
    "Millésime",
    *(f.label for f in FIGURES),
    "Fichier",
    "Ligne du fichier",
)
HEADER_ROW = 5


@dataclass(frozen=True)
class OfficialYear:
    """One millésime of one establishment, with where it was read."""

    millesime: str
    figures: dict[str, float | None]  # rates as fractions; the VA as a fraction of a point
    uai: str
    role: str  # "site", "CFA formateur", "CFA responsable"
    libelle: str
    file: str
    line: int

    def value(self, key: str) -> float | None:
        return self.figures.get(key)

    @property
    def published(self) -> bool:
        return any(v is not None for v in self.figures.values())

    @property
    def provenance(self) -> str:
        return f"InserJeunes {self.millesime} — {self.file}, ligne {self.line}"


@dataclass(frozen=True)
class OfficialSite:
    """A site of the network and its establishment's millésimes (oldest first)."""

    site: str
    uais: tuple[str, ...] = ()  # configured, in lookup order
    years: tuple[OfficialYear, ...] = ()
    note: str = ""  # why there is nothing, in French

    @property
    def latest(self) -> OfficialYear | None:
        """The latest millésime that has figures."""
        published = [y for y in self.years if y.published]
        return published[-1] if published else None

    def latest_with(self, key: str) -> OfficialYear | None:
        """The latest millésime that publishes ``key`` (a rate may be withheld in the latest
        millésime and published in the one before)."""
        found = [y for y in self.years if y.value(key) is not None]
        return found[-1] if found else None

    @property
    def newest(self) -> OfficialYear | None:
        """The latest millésime of the file, figures or not."""
        return self.years[-1] if self.years else None


@dataclass(frozen=True)
class OfficialFigures:
    sites: tuple[OfficialSite, ...] = ()
    files: tuple[str, ...] = ()  # the files they were read from

    def site(self, name: str) -> OfficialSite | None:
        wanted = label_key(name, drop_number=False)
        return next((s for s in self.sites if label_key(s.site, drop_number=False) == wanted), None)

    @property
    def imported(self) -> bool:
        return bool(self.files or self.sites)


def no_uai_note(site: str) -> str:
    return (
        f"Pas d'UAI InserJeunes pour « {site} » dans la configuration : ajoutez-la dans "
        "config.yaml (rubrique sites) pour retrouver ses chiffres officiels."
    )


def site_uais(config: Config, site: str) -> tuple[str, ...]:
    """The UAIs configured for a site, in lookup order."""
    return tuple(u for u, _ in _uais(config, site))


def _uais(config: Config, site: str) -> tuple[tuple[str, str], ...]:
    wanted = label_key(site, drop_number=False)
    for name, settings in config.sites.items():
        if label_key(name, drop_number=False) == wanted:
            return settings.lookup()
    return ()


def official_figures(
    data: InserJeunesData, sites: Sequence[str], config: Config
) -> OfficialFigures:
    """Every millésime of every site's establishment, looked up by UAI (site, formateur, then
    responsable: the first role the file has rows for)."""
    by_uai: dict[str, list[EstablishmentRecord]] = {}
    for record in data.establishments:
        by_uai.setdefault(record.uai, []).append(record)
    files = tuple(f.name for f in data.files if f.kind.value == "établissement")
    out = []
    for site in sites:
        lookup = _uais(config, site)
        uais = tuple(u for u, _ in lookup)
        if not lookup:
            out.append(OfficialSite(site, (), (), no_uai_note(site)))
            continue
        found = [(u, role) for u, role in lookup if u in by_uai]
        if not found:
            out.append(
                OfficialSite(
                    site,
                    uais,
                    (),
                    f"Aucune ligne pour l'UAI {', '.join(uais)} dans le fichier par "
                    "établissement : vérifiez l'UAI (le CFA publie peut-être sous celle de son "
                    "CFA responsable).",
                )
            )
            continue
        first_role = found[0][1]
        years = []
        for uai, role in found:
            if role != first_role:
                continue
            for record in sorted(by_uai[uai], key=lambda r: millesime_key(r.millesime)):
                years.append(
                    OfficialYear(
                        millesime=record.millesime or "millésime non indiqué",
                        figures={f.key: getattr(record, f.key) for f in FIGURES},
                        uai=uai,
                        role=role,
                        libelle=record.libelle,
                        file=record.origin.file,
                        line=record.origin.line,
                    )
                )
        years.sort(key=lambda y: millesime_key(y.millesime))
        out.append(OfficialSite(site, uais, tuple(years)))
    return OfficialFigures(tuple(out), files)


# ---------------------------------------------------------------------------------------------
# the sheet: written whole by the import, read back by Recalculer and publier


@dataclass
class SheetLayout:
    """The rows of the official sheet and the formats of its numbers."""

    rows: list[list[object]] = field(default_factory=list)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)


RATE_FORMAT = "0%"
POINTS_FORMAT = '+0" points";-0" points";0" point"'


def sheet_rows(official: OfficialFigures) -> SheetLayout:
    """Title, explanation, header on row ``HEADER_ROW``, then one row per site and millésime."""
    layout = SheetLayout()
    files = ", ".join(official.files) or "aucun fichier"
    layout.rows += [
        [TITLE],
        [
            f"Importés par ortkpi-xl inserjeunes (ou le bouton Importer InserJeunes) depuis : "
            f"{files}. Feuille réécrite à chaque import : ne rien saisir ici."
        ],
        [
            "Chiffres par établissement (UAI), toutes formations confondues, deux promotions "
            "cumulées ; « non publié » : moins de 20 sortants, ou pas encore disponible. "
            f"Site de diffusion : {DIFFUSION_URL}"
        ],
        [
            "La valeur ajoutée officielle (taux d'emploi à 6 mois observé moins taux attendu "
            "pour des établissements comparables) n'est pas l'indicateur 9 du classeur (écart "
            "au taux moyen du certificateur, par formation)."
        ],
        list(HEADERS),
    ]
    first_figure = 6
    for site in official.sites:
        if not site.years:
            layout.rows.append(
                [site.site, ", ".join(site.uais) or None, None, site.note, None]
                + [None] * len(FIGURES)
            )
            continue
        for year in site.years:
            row: list[object] = [site.site, year.uai, year.role, year.libelle, year.millesime]
            for offset, figure in enumerate(FIGURES):
                value = year.value(figure.key)
                column = first_figure + offset
                if value is None:
                    row.append(NOT_PUBLISHED)
                    continue
                if figure.points:
                    row.append(round(value * 100, 6))
                    layout.formats[(len(layout.rows) + 1, column)] = POINTS_FORMAT
                else:
                    row.append(value)
                    layout.formats[(len(layout.rows) + 1, column)] = RATE_FORMAT
            row += [year.file, year.line]
            layout.rows.append(row)
    return layout


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def parse_official_sheet(grid: Sequence[Sequence[object]]) -> OfficialFigures:
    """Read the sheet back (a grid of values, row 1 first); anything unexpected is skipped."""
    header_at = None
    for index, line in enumerate(grid[:20]):
        cells = [_text(v) for v in line]
        if cells[:2] == ["Site", "UAI"] and "Millésime" in cells:
            header_at = index
            break
    if header_at is None:
        return OfficialFigures()
    header = [_text(v) for v in grid[header_at]]
    column = {name: i for i, name in enumerate(header) if name}
    files: list[str] = []
    order: list[str] = []
    notes: dict[str, str] = {}
    uais: dict[str, tuple[str, ...]] = {}
    years: dict[str, list[OfficialYear]] = {}

    def cell(line: Sequence[object], name: str) -> object:
        i = column.get(name)
        return line[i] if i is not None and i < len(line) else None

    for line in grid[header_at + 1 :]:
        site = _text(cell(line, "Site"))
        if not site:
            break
        if site not in years:
            order.append(site)
            years[site] = []
        millesime = _text(cell(line, "Millésime"))
        uai = _text(cell(line, "UAI"))
        if not millesime:
            notes[site] = _text(cell(line, "Établissement"))
            uais[site] = tuple(u.strip() for u in uai.split(",") if u.strip())
            continue
        figures: dict[str, float | None] = {}
        for figure in FIGURES:
            value = _number(cell(line, figure.label))
            if value is not None and figure.points:
                value /= 100
            figures[figure.key] = value
        file = _text(cell(line, "Fichier"))
        if file and file not in files:
            files.append(file)
        line_number = _number(cell(line, "Ligne du fichier"))
        years[site].append(
            OfficialYear(
                millesime=millesime,
                figures=figures,
                uai=uai,
                role=_text(cell(line, "Publié sous")),
                libelle=_text(cell(line, "Établissement")),
                file=file,
                line=int(line_number) if line_number is not None else 0,
            )
        )
        uais.setdefault(site, (uai,))
    sites = tuple(
        OfficialSite(site, uais.get(site, ()), tuple(years[site]), notes.get(site, ""))
        for site in order
    )
    return OfficialFigures(sites, tuple(files))


def status_for(site: str, official: OfficialFigures, config: Config) -> str:
    """Why a site shows no official figure, in French ('' when it has some)."""
    found = official.site(site)
    if found is not None and found.latest is not None:
        return ""
    if not _uais(config, site):
        return no_uai_note(site)
    if found is not None and found.note:
        return found.note
    if found is not None and found.years:
        return "InserJeunes ne publie aucun chiffre pour cet établissement (moins de 20 sortants)."
    return (
        "Chiffres officiels pas encore importés : lancez « ortkpi-xl inserjeunes » (ou le bouton "
        "Importer InserJeunes) avec le fichier fr-en-inserjeunes-cfa.csv."
    )
