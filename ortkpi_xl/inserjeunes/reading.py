"""Reading InserJeunes files as downloaded: CSV of the data portal or of the DEPP, CSV or JSON
export of the Exposition API.

The file's kind comes from its header, never from its name. Accepted variants: UTF-8 with or
without BOM (UTF-16 with BOM; Windows-1252 as a last resort, said in the report), ``;`` ``,`` or
tab separator, CRLF or LF, decimal point or comma, empty field or ``null`` = not published.
Nothing in a file is evaluated: values are parsed as numbers or kept as plain text.

A line that cannot be used (wrong number of fields, bad UAI or code, a rate outside 0–100, a
number that is not one) is skipped and reported with its line number. A file that cannot be read
as a whole (missing, too big, binary, unknown header, unreadable CSV, mostly bad lines) raises
``InputDataError`` with one French sentence, so nothing gets written from it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputDataError, system_reason
from ..findings import Severity
from ..formatting import format_number
from .columns import (
    COUNT_COLUMNS,
    EXPECTED_HEADERS,
    POINTS_COLUMNS,
    RATE_COLUMNS,
    HeaderMap,
    detect_kind,
    map_header,
)
from .records import (
    ESTABLISHMENT_FIGURES,
    EstablishmentRecord,
    FileKind,
    FormationRecord,
    ImportedFile,
    InserJeunesData,
    Origin,
    Problem,
    clean_text,
    normalize_cfd,
    normalize_millesime,
    normalize_uai,
)

MAX_BYTES = 64 * 1024 * 1024  # the real establishment file is 1.6 MB
MAX_LINES = 500_000  # … and 11 314 lines
_MAX_LISTED = 20  # problems of one kind listed one by one, the rest counted
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


class _BadLine(Exception):
    """A line that cannot be used; the message (French) says why."""


# ---------------------------------------------------------------------------------------------
# public entry points


def read_file(
    path: str | Path, *, max_bytes: int = MAX_BYTES, max_lines: int = MAX_LINES
) -> ImportedFile:
    """Read one InserJeunes file whole, or raise ``InputDataError`` (French) if it cannot be."""
    path = Path(path)
    name = clean_text(path.name, 120)
    raw = _read_bytes(path, name, max_bytes)
    text, encoding = _decode(raw, name)
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        table = _json_table(stripped, name, max_lines)
        separator = None
    else:
        table, separator = _csv_table(text, name, max_lines)
    return _records(table, name, path.stem, encoding, separator)


def read_files(
    paths: Iterable[str | Path], *, max_bytes: int = MAX_BYTES, max_lines: int = MAX_LINES
) -> InserJeunesData:
    """Read every file (all must be readable) and gather their records for matching.

    The same establishment and millésime given by two files is kept once (the first file);
    if the figures differ, the difference is reported.
    """
    files = tuple(read_file(p, max_bytes=max_bytes, max_lines=max_lines) for p in paths)
    if not files:
        raise InputDataError("Aucun fichier InserJeunes indiqué.")
    problems: list[Problem] = [p for f in files for p in f.problems]
    establishments: dict[tuple[str, str | None], EstablishmentRecord] = {}
    for imported in files:
        for record in imported.establishments:
            key = (record.uai, record.millesime)
            first = establishments.get(key)
            if first is None:
                establishments[key] = record
            elif _figures(first) != _figures(record):
                problems.append(
                    Problem(
                        Severity.AVERTISSEMENT,
                        imported.name,
                        record.origin.position,
                        f"UAI {record.uai}, {record.millesime or 'millésime inconnu'} : chiffres "
                        f"différents de ceux de {first.origin} ; ceux de {first.origin.file} "
                        "sont gardés.",
                    )
                )
    formations = tuple(r for f in files for r in f.formations if r.uai is not None)
    national = tuple(r for f in files for r in f.formations if r.uai is None)
    return InserJeunesData(
        files, tuple(establishments.values()), formations, national, tuple(problems)
    )


def _figures(record: EstablishmentRecord) -> tuple:
    return (
        record.poursuite,
        record.emploi_6,
        record.emploi_6_attendu,
        record.va_emploi_6,
        record.emploi_12,
        record.emploi_18,
        record.emploi_24,
    )


# ---------------------------------------------------------------------------------------------
# bytes → text


def _read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    try:
        if path.is_dir():
            raise InputDataError(f"{name} est un dossier, pas un fichier InserJeunes.")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputDataError(
                f"{name} est trop volumineux ({_megabytes(size)} Mo, au plus "
                f"{_megabytes(max_bytes)} Mo) : ce n'est pas un fichier InserJeunes attendu."
            )
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputDataError(f"Fichier InserJeunes introuvable : {path}.") from None
    except PermissionError:
        raise InputDataError(f"Lecture de {name} refusée (droits d'accès).") from None
    except OSError as exc:
        raise InputDataError(f"Impossible de lire {name} : {system_reason(exc)}.") from None
    if len(raw) > max_bytes:
        raise InputDataError(f"{name} dépasse {_megabytes(max_bytes)} Mo : lecture arrêtée.")
    if not raw.strip():
        raise InputDataError(f"{name} est vide.")
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputDataError(
            f"{name} est un classeur Excel, pas un fichier CSV ou JSON : téléchargez le fichier "
            "CSV d'InserJeunes (ou enregistrez ce classeur au format CSV UTF-8)."
        )
    return raw


def _megabytes(size: int) -> str:
    return format_number(size / 1_000_000, 1)


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise InputDataError(f"{name} : texte UTF-16 illisible.") from None
    if b"\x00" in raw:
        raise InputDataError(f"{name} n'est pas un fichier texte (CSV ou JSON).")
    try:
        text = raw.decode("utf-8-sig")
        return text, "UTF-8 avec BOM" if raw.startswith(b"\xef\xbb\xbf") else "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # A file reopened and saved by Excel as "CSV (séparateur : point-virgule)". The header
        # check that follows confirms or refutes this reading.
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise InputDataError(
            f"{name} : encodage inconnu ; enregistrez le fichier en CSV UTF-8."
        ) from None


# ---------------------------------------------------------------------------------------------
# text → table (header map + rows of raw values)


@dataclass
class _Table:
    header: HeaderMap
    kind: FileKind
    rows: Iterator[tuple[Origin, Sequence[object] | None, str]]  # values None: bad line (why)
    json: bool = False
    width: int = 0


def _csv_table(text: str, name: str, max_lines: int) -> tuple[_Table, str]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    best: tuple[int, str, HeaderMap, FileKind] | None = None
    for separator in (";", ",", "\t"):
        try:
            cells = next(csv.reader([first], delimiter=separator))
        except (csv.Error, StopIteration):
            continue
        header = map_header(cells)
        kind = detect_kind(header)
        if kind and (best is None or header.recognised > best[0]):
            best = (header.recognised, separator, header, kind)
    if best is None:
        raise InputDataError(
            f"{name} : en-tête non reconnu, ce n'est pas un fichier InserJeunes connu. "
            f"Attendu : {EXPECTED_HEADERS}."
        )
    _, separator, header, kind = best
    _refuse_duplicates(header, name)
    width = len(next(csv.reader([first], delimiter=separator)))

    def rows() -> Iterator[tuple[Origin, Sequence[object] | None, str]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
        seen_header = False
        count = 0
        try:
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                if not seen_header:
                    seen_header = True
                    continue
                count += 1
                if count > max_lines:
                    raise InputDataError(
                        f"{name} a plus de {format_number(max_lines)} lignes : ce n'est pas un "
                        "fichier InserJeunes attendu, rien n'a été lu."
                    )
                origin = Origin(name, reader.line_num)
                if len(cells) > width and not any(c.strip() for c in cells[width:]):
                    cells = cells[:width]  # a trailing separator
                if len(cells) != width:
                    yield origin, None, f"{len(cells)} champs au lieu de {width}"
                    continue
                yield origin, cells, ""
        except csv.Error as exc:
            raise InputDataError(
                f"{name}, ligne {reader.line_num} : CSV illisible ({_csv_reason(exc)}) ; rien "
                "n'a été lu de ce fichier."
            ) from None

    return _Table(header, kind, rows(), width=width), separator


def _csv_reason(exc: csv.Error) -> str:
    """The csv module's English reason, said in French."""
    text = str(exc)
    if "NUL" in text:
        return "caractère nul : un fichier binaire plutôt qu'un CSV ?"
    if "field larger" in text:
        return "un champ anormalement long, sans doute un guillemet non refermé"
    if "new-line" in text or "newline" in text:
        return "un retour à la ligne au milieu d'un champ sans guillemets"
    return "structure de CSV non reconnue"


def _refuse_duplicates(header: HeaderMap, name: str) -> None:
    if header.duplicates:
        listed = ", ".join(f"« {clean_text(d, 60)} »" for d in header.duplicates)
        raise InputDataError(
            f"{name} : colonne en double ({listed}) ; impossible de savoir laquelle lire."
        )


_NESTED = {  # Exposition JSON: nested objects → the flat CSV field names
    ("diplome", "libelle"): "Type diplôme",
    ("donnee_source", "type"): "donnee_source_type",
    ("donnee_source", "code_certification"): "donnee_source_code_certification",
    ("region", "nom"): "Région",
}


def _json_table(text: str, name: str, max_lines: int) -> _Table:
    try:
        data = json.loads(text, parse_constant=lambda constant: constant)
    except (ValueError, RecursionError) as exc:
        where = f" (ligne {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InputDataError(f"{name} : JSON mal formé{where} ; rien n'a été lu.") from None
    if isinstance(data, dict) and isinstance(data.get("formations"), list):
        items = data["formations"]
    elif isinstance(data, list):
        items = data
    elif isinstance(data, dict) and "uai" in data:
        items = [data]  # the public route returns a single formation
    else:
        raise InputDataError(
            f"{name} : JSON sans liste « formations » ; attendu un export de l'API Exposition."
        )
    if len(items) > max_lines:
        raise InputDataError(
            f"{name} a plus de {format_number(max_lines)} éléments : rien n'a été lu."
        )
    flat = [_flatten(item) if isinstance(item, dict) else None for item in items]
    keys: dict[str, None] = {}
    for item in flat:
        for key in item or ():
            keys.setdefault(key)
    names = list(keys)
    header = map_header(names)
    kind = detect_kind(header)
    if kind is None:
        raise InputDataError(
            f"{name} : champs non reconnus, ce n'est pas un export InserJeunes connu. "
            f"Attendu : {EXPECTED_HEADERS}."
        )
    _refuse_duplicates(header, name)

    def rows() -> Iterator[tuple[Origin, Sequence[object] | None, str]]:
        for index, item in enumerate(flat, start=1):
            origin = Origin(name, index, json=True)
            if item is None:
                yield origin, None, "élément qui n'est pas un objet JSON"
                continue
            yield origin, [item.get(k) for k in names], ""

    return _Table(header, kind, rows(), json=True, width=len(names))


def _flatten(item: Mapping[str, object]) -> dict[str, object]:
    """Nested objects to flat fields; JSON ``null`` to the ``null`` the CSV export writes (a
    figure the API withholds), while an absent field stays absent (None)."""
    flat: dict[str, object] = {}
    for key, value in item.items():
        if value is None:
            flat[str(key)] = "null"
            continue
        if isinstance(value, dict):
            for (outer, inner), target in _NESTED.items():
                if key == outer and inner in value:
                    flat[target] = value[inner]
        elif not isinstance(value, list):
            flat[str(key)] = value
    return flat


# ---------------------------------------------------------------------------------------------
# table → records


@dataclass
class _Collector:
    """Problems of one file: listed one by one up to a limit, then counted."""

    name: str
    problems: list[Problem] = field(default_factory=list)
    bad_lines: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)

    def bad(self, origin: Origin, message: str) -> None:
        self.bad_lines += 1
        if self.bad_lines <= _MAX_LISTED:
            self.problems.append(
                Problem(
                    Severity.AVERTISSEMENT,
                    self.name,
                    origin.position,
                    f"{message} — ligne ignorée.",
                )
            )

    def count(self, what: str, origin: Origin, example: str = "") -> None:
        self.counts[what] = self.counts.get(what, 0) + 1
        self.examples.setdefault(what, f"{origin.position}{' : ' + example if example else ''}")

    def finish(self) -> list[Problem]:
        if self.bad_lines > _MAX_LISTED:
            self.problems.append(
                Problem(
                    Severity.AVERTISSEMENT,
                    self.name,
                    "",
                    f"{self.bad_lines - _MAX_LISTED} autres lignes ignorées.",
                )
            )
        for what, number in self.counts.items():
            self.problems.append(
                Problem(
                    Severity.INFO,
                    self.name,
                    "",
                    f"{what} : {number} ligne{'s' if number > 1 else ''} "
                    f"(première : {self.examples[what]}).",
                )
            )
        return self.problems


_OTHER_FILIERE = "lignes d'une autre filière que l'apprentissage, ignorées"
_NOT_CFD = "codes de certification qui ne sont pas des CFD (voie scolaire, supérieur), ignorés"
_PADDED = "codes formation diplôme complétés d'un zéro initial perdu"


def _records(
    table: _Table, name: str, stem: str, encoding: str, separator: str | None
) -> ImportedFile:
    header, kind = table.header, table.kind
    collector = _Collector(name)
    millesime_note = ""
    default_millesime: str | None = None
    if not header.has("millesime"):
        default_millesime = _millesime_from_name(stem)
        millesime_note = (
            f"millésime {default_millesime} d'après le nom du fichier (pas de colonne millésime)"
            if default_millesime
            else "millésime non indiqué dans le fichier"
        )
    establishments: list[EstablishmentRecord] = []
    formations: list[FormationRecord] = []
    seen: dict[tuple, Origin] = {}
    lines = 0
    for origin, values, why in table.rows:
        lines += 1
        if values is None:
            collector.bad(origin, why)
            continue
        row = {column: values[index] for column, index in header.positions.items()}
        try:
            record = _record(kind, row, origin, default_millesime, collector, header)
        except _BadLine as exc:
            collector.bad(origin, str(exc))
            continue
        if record is None:
            continue
        key = _identity(record)
        if key in seen:
            collector.bad(origin, f"doublon de la {seen[key].position} ({_describe(record)})")
            continue
        seen[key] = origin
        if isinstance(record, EstablishmentRecord):
            establishments.append(record)
        else:
            formations.append(record)
    good = len(establishments) + len(formations)
    if lines == 0:
        raise InputDataError(f"{name} ne contient aucune ligne de données, seulement l'en-tête.")
    if collector.bad_lines and (good == 0 or collector.bad_lines * 2 > lines):
        first = collector.problems[0] if collector.problems else None
        raise InputDataError(
            f"{name} : {collector.bad_lines} ligne(s) illisible(s) sur {lines} "
            f"(première : {first.position if first else '?'} — "
            f"{first.message if first else ''}) ; le fichier ne peut pas être lu comme un tout, "
            "rien n'en a été repris."
        )
    return ImportedFile(
        name=name,
        kind=kind,
        style=header.style,
        encoding=encoding,
        separator=separator,
        data_lines=lines,
        establishments=tuple(establishments),
        formations=tuple(formations),
        problems=tuple(collector.finish()),
        ignored_columns=tuple(clean_text(c, 60) for c in header.ignored),
        millesime_note=millesime_note,
    )


def _identity(record: EstablishmentRecord | FormationRecord) -> tuple:
    if isinstance(record, EstablishmentRecord):
        return (record.uai, record.millesime)
    return (record.uai, record.cfd, record.millesime)


def _describe(record: EstablishmentRecord | FormationRecord) -> str:
    parts = [f"UAI {record.uai}" if record.uai else "France"]
    if isinstance(record, FormationRecord):
        parts.append(f"CFD {record.cfd}")
    parts.append(record.millesime or "millésime inconnu")
    return ", ".join(parts)


def _millesime_from_name(stem: str) -> str | None:
    pair = re.search(r"(?<!\d)(20\d\d)[-_](20\d\d)(?!\d)", stem)
    if pair:
        return normalize_millesime(f"{pair.group(1)}-{pair.group(2)}")
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", stem)
    return years[-1] if years else None


def _record(
    kind: FileKind,
    row: dict[str, object],
    origin: Origin,
    default_millesime: str | None,
    collector: _Collector,
    header: HeaderMap,
) -> EstablishmentRecord | FormationRecord | None:
    if "millesime" in row:
        millesime = normalize_millesime(_text(row["millesime"]))
        if millesime is None:
            raise _BadLine(f"millésime « {_shown(row['millesime'])} » illisible")
    else:
        millesime = default_millesime
    uai: str | None = None
    if kind is not FileKind.NATIONAL:
        uai = normalize_uai(_text(row.get("uai")))
        if uai is None:
            raise _BadLine(f"UAI « {_shown(row.get('uai'))} » invalide (7 chiffres et une lettre)")
    nulls: set[str] = set()
    numbers = {
        column: _value(column, row[column], nulls)
        for column in (*RATE_COLUMNS, *POINTS_COLUMNS, *COUNT_COLUMNS)
        if column in row
    }
    texts = {column: clean_text(_text(row.get(column))) for column in _TEXTS if column in row}

    if kind is FileKind.ETABLISSEMENT:
        assert uai is not None
        return EstablishmentRecord(
            uai=uai,
            millesime=millesime,
            origin=origin,
            libelle=texts.get("libelle") or texts.get("libelle_etablissement", ""),
            region=texts.get("region", ""),
            **{k: numbers.get(k) for k in ESTABLISHMENT_FIGURES},  # type: ignore[arg-type]
        )

    filiere = texts.get("filiere", "").casefold()
    if filiere and filiere != "apprentissage":
        collector.count(_OTHER_FILIERE, origin, filiere)
        return None
    code = row.get("cfd")
    if _text(code) == "" and "code_certification" in row:
        code = row.get("code_certification")
        shown = _text(code).strip().upper()
        if shown and ":" in shown and not shown.startswith("CFD:"):
            collector.count(_NOT_CFD, origin, clean_text(shown, 30))
            return None
    cfd, remark = normalize_cfd(code.strip() if isinstance(code, str) else code)
    if cfd is None:
        raise _BadLine(remark or "code formation diplôme manquant")
    if remark:
        collector.count(_PADDED, origin, remark)

    emploi_6 = numbers.get("emploi_6")
    calcul = "publié"
    nb_emploi, nb_sortant = numbers.get("nb_emploi_6"), numbers.get("nb_sortant")
    if nb_emploi is not None and nb_sortant is not None and nb_emploi > nb_sortant:
        raise _BadLine(
            f"{format_number(nb_emploi)} en emploi pour {format_number(nb_sortant)} sortants"
        )
    if emploi_6 is None and nb_emploi is not None and nb_sortant:
        emploi_6 = float(f"{nb_emploi / nb_sortant:.15g}")
        calcul = (
            f"nb_en_emploi_6_mois / nb_sortant = {format_number(nb_emploi)} / "
            f"{format_number(nb_sortant)}"
        )
    poursuite = numbers.get("poursuite")
    nb_term, nb_poursuite = numbers.get("nb_annee_term"), numbers.get("nb_poursuite")
    if poursuite is None and nb_poursuite is not None and nb_term:
        if nb_poursuite > nb_term:
            raise _BadLine(
                f"{format_number(nb_poursuite)} poursuites d'études pour "
                f"{format_number(nb_term)} inscrits en dernière année"
            )
        poursuite = float(f"{nb_poursuite / nb_term:.15g}")
    libelle_formation = texts.get("libelle_formation", "")
    if not libelle_formation and header.exposition:
        libelle_formation = texts.get("libelle", "")
    uai_donnee = normalize_uai(_text(row.get("uai_donnee"))) if "uai_donnee" in row else None
    return FormationRecord(
        uai=uai,
        cfd=cfd,
        millesime=millesime,
        origin=origin,
        kind=kind,
        libelle=libelle_formation,
        diplome=texts.get("diplome", ""),
        poursuite=poursuite,
        emploi_6=emploi_6,
        emploi_12=numbers.get("emploi_12"),
        emploi_18=numbers.get("emploi_18"),
        emploi_24=numbers.get("emploi_24"),
        part_emploi_6=numbers.get("part_emploi_6_exposition", numbers.get("part_emploi_6")),
        nb_annee_term=_int(nb_term),
        nb_poursuite=_int(nb_poursuite),
        nb_sortant=_int(nb_sortant),
        nb_emploi_6=_int(nb_emploi),
        emploi_6_calcul=calcul,
        withheld=bool(nulls & _WITHHELD),
        uai_donnee=uai_donnee,
        uai_donnee_type=texts.get("uai_donnee_type", ""),
        donnee_source_type=texts.get("donnee_source_type", ""),
        donnee_source_code=texts.get("donnee_source_code", ""),
    )


_WITHHELD = frozenset({"emploi_6", "nb_sortant", "nb_emploi_6", "part_emploi_6_exposition"})
_TEXTS = (
    "libelle",
    "libelle_etablissement",
    "region",
    "diplome",
    "libelle_formation",
    "filiere",
    "uai_donnee_type",
    "donnee_source_type",
    "donnee_source_code",
)


def _text(raw: object) -> str:
    if raw is None or (isinstance(raw, str) and raw.strip().casefold() == "null"):
        return ""
    if isinstance(raw, float) and math.isfinite(raw) and raw == int(raw):
        return str(int(raw))
    return str(raw)


def _shown(raw: object) -> str:
    return clean_text(_text(raw), 40)


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _value(column: str, raw: object, nulls: set[str]) -> float | None:
    """A figure of the file: a fraction (rates, VA), a whole count, or None (not published)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        if not raw:
            return None
        if _NUMBER.match(raw):  # the common case, "48.0", kept fast
            number = float(raw.replace(",", ".") if "," in raw else raw)
        else:
            number = _number_text(column, raw, nulls)
            if number is None:
                return None
    elif isinstance(raw, bool):
        raise _BadLine(f"{_label(column)} : valeur logique « {raw} » au lieu d'un nombre")
    elif isinstance(raw, (int, float)):
        number = float(raw)
        if not math.isfinite(number):
            raise _BadLine(f"{_label(column)} : « {raw} » n'est pas un nombre")
    else:
        raise _BadLine(f"{_label(column)} : valeur d'un type inattendu")
    if column in COUNT_COLUMNS:
        if number < 0 or not number.is_integer():
            raise _BadLine(f"{_label(column)} : « {format_number(number)} » n'est pas un effectif")
        return number
    low = -100.0 if column in POINTS_COLUMNS else 0.0
    if not low <= number <= 100:
        span = "-100 à 100 points" if column in POINTS_COLUMNS else "0 à 100"
        raise _BadLine(f"{_label(column)} : {format_number(number)} hors de {span}")
    # A whole number of percent divides exactly to the nearest fraction; others are rounded to
    # 15 digits so 30.1 gives the same float as the literal 0.301.
    return number / 100 if number.is_integer() else float(f"{number / 100:.15g}")


def _number_text(column: str, raw: str, nulls: set[str]) -> float | None:
    text = raw.strip()
    if not text:
        return None
    if text.casefold() == "null":
        nulls.add(column)
        return None
    compact = (
        text.replace("\u00a0", "")
        .replace("\u202f", "")
        .replace(" ", "")
        .replace("\u2212", "-")
        .removesuffix("%")
    )
    if not _NUMBER.match(compact):
        raise _BadLine(f"{_label(column)} : « {clean_text(text, 40)} » n'est pas un nombre")
    return float(compact.replace(",", "."))


_LABELS = {
    "poursuite": "taux de poursuite d'études",
    "emploi_6": "taux d'emploi à 6 mois",
    "emploi_6_attendu": "taux d'emploi attendu",
    "va_emploi_6": "valeur ajoutée",
    "emploi_12": "taux d'emploi à 12 mois",
    "emploi_18": "taux d'emploi à 18 mois",
    "emploi_24": "taux d'emploi à 24 mois",
    "part_emploi_6_exposition": "taux_en_emploi_6_mois",
    "nb_annee_term": "nb_annee_term",
    "nb_poursuite": "nb_poursuite_etudes",
    "nb_sortant": "nb_sortant",
    "nb_emploi_6": "nb_en_emploi_6_mois",
}


def _label(column: str) -> str:
    return _LABELS.get(column, column.replace("_", " "))
