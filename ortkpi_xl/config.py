"""User settings: loaded once from YAML, validated, frozen.

The package carries ``default_config.yaml``; a user's ``config.yaml`` overrides only the keys it
names. ``find_config`` is the one place that decides which file a command or a button uses. Every
mistake (unknown key, wrong type, impossible value, unreadable file) stops with a French message
that names the key or the file and says what to do, before any workbook is touched.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, system_reason
from .fields import FIELD_BY_KEY
from .normalize import clean_spaces, label_key

_UAI = re.compile(r"^\d{7}[A-Z]$")
_HEX = re.compile(r"^[0-9A-F]{6}$")
_BAD_SHEET_CHARS = set("[]:*?/\\")
_BAD_FILE_CHARS = set('<>:"/\\|?*\n\r\t')


@dataclass(frozen=True)
class Words:
    """Words the tool writes instead of a figure."""

    non_calculable: str
    petit_effectif: str
    en_attente: str

    def all(self) -> tuple[str, str, str]:
        return (self.non_calculable, self.petit_effectif, self.en_attente)


@dataclass(frozen=True)
class Formats:
    taux: str
    valeur_ajoutee: str
    note: str
    effectif: str


@dataclass(frozen=True)
class InserJeunesRules:
    indicateurs: tuple[int, ...]
    niveaux: tuple[int, ...]
    seuil_diffusion: int
    source_autres_niveaux: str
    source_indicateur_11: str


SITE_UAI_ROLES: tuple[tuple[str, str], ...] = (
    ("uai", "site"),
    ("uai_formateur", "CFA formateur"),
    ("uai_responsable", "CFA responsable"),
)
"""Keys of a ``sites`` entry, in lookup order, with the French name of each role."""


@dataclass(frozen=True)
class Site:
    """A site's InserJeunes identifiers.

    InserJeunes may publish a site's figures under the site's own UAI (lieu de formation), the
    formateur's or the responsible CFA's (gestionnaire): all three are kept, looked up in that
    order, so the report can say whose figures were used.
    """

    uai: tuple[str, ...] = ()
    uai_formateur: tuple[str, ...] = ()
    uai_responsable: tuple[str, ...] = ()

    def lookup(self) -> tuple[tuple[str, str], ...]:
        """(UAI, French role) pairs in lookup order, each UAI once (its first role)."""
        seen: set[str] = set()
        pairs: list[tuple[str, str]] = []
        for key, role in SITE_UAI_ROLES:
            for uai in getattr(self, key):
                if uai not in seen:
                    seen.add(uai)
                    pairs.append((uai, role))
        return tuple(pairs)


@dataclass(frozen=True)
class Config:
    seuil_petit_effectif: int
    mots: Words
    statuts: tuple[str, ...]
    couleur_en_attente: str
    couleur_entete: str
    couleur_calcule: str
    formats: Formats
    inserjeunes: InserJeunesRules
    niveaux_par_formation: Mapping[str, int]
    entetes: Mapping[str, tuple[str, ...]]
    feuilles_sites: tuple[str, ...]
    sites: Mapping[str, Site] = field(default_factory=dict)
    suffixe_sauvegarde: str = ".sauvegarde"  # previous version: <stem><suffix><ext>; "" none
    origine: str = "configuration par défaut"  # the file used and why, for a person to read


# ---------------------------------------------------------------------------------------------
# loading


def default_config_text() -> str:
    return resources.files("ortkpi_xl").joinpath("default_config.yaml").read_text("utf-8")


CONFIG_NAME = "config.yaml"
CONFIG_VARIABLE = "ORTKPI_CONFIG"
DEFAULT_ORIGIN = "configuration par défaut"


def find_config(workbook: str | Path | None = None, explicit: str | Path | None = None) -> Config:
    """The settings a command or a button uses, from the first place that has them.

    ``explicit`` (``--config``) wins; else ``config.yaml`` in the workbook's folder, then in the
    current folder, then the file named by ``ORTKPI_CONFIG``, then the packaged defaults. Staff put
    the settings beside their workbook: looking there first means no option to remember.
    ``Config.origine`` names the file used and why, for the person to read.
    """
    if explicit is not None:
        return load_config(explicit)
    places = []
    if workbook is not None:
        places.append((Path(workbook).parent / CONFIG_NAME, "à côté du classeur"))
    places.append((Path.cwd() / CONFIG_NAME, "dossier courant"))
    for path, why in places:
        if path.is_file():
            return load_config(path, origin=f"{path.resolve()} ({why})")
    named = os.environ.get(CONFIG_VARIABLE)
    if named:
        if not Path(named).is_file():
            raise ConfigError(
                f"{CONFIG_VARIABLE} désigne « {named} », qui n'est pas un fichier : corrigez la "
                f"variable d'environnement {CONFIG_VARIABLE} ou supprimez-la."
            )
        return load_config(named, origin=f"{Path(named).resolve()} ({CONFIG_VARIABLE})")
    return default_config()


def load_config(path: str | Path | None = None, *, origin: str | None = None) -> Config:
    """The defaults, overridden by the YAML file at ``path`` when given."""
    data = _parse_yaml(default_config_text(), DEFAULT_ORIGIN)
    if path is None:
        return _build(data, origin or DEFAULT_ORIGIN)
    path = Path(path)
    user = _parse_yaml(_read_text(path), str(path))
    if user is None:
        user = {}
    if not isinstance(user, dict):
        raise ConfigError(
            f"{path} : le fichier doit contenir des paires « clé: valeur » "
            f"(trouvé : {type(user).__name__})."
        )
    data = _merge(data, user, where=str(path))
    return _build(data, origin or str(path))


def _read_text(path: Path) -> str:
    """The file's text, or a French reason that says what to do."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"Fichier de configuration introuvable : {path}.") from None
    except IsADirectoryError:
        raise ConfigError(
            f"{path} est un dossier : donnez le chemin du fichier de réglages (config.yaml)."
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"Impossible de lire le fichier de configuration {path} : {system_reason(exc)}."
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path} n'est pas enregistré en UTF-8 (caractère illisible ligne {line}, sans doute "
            "un accent enregistré en Windows-1252) : enregistrez-le en UTF-8 (Bloc-notes : "
            "Fichier > Enregistrer sous, Codage UTF-8), puis relancez."
        ) from None


def config_from_mapping(overrides: Mapping[str, Any]) -> Config:
    """Defaults overridden by an in-memory mapping (tests, Excel settings sheet)."""
    data = _parse_yaml(default_config_text(), DEFAULT_ORIGIN)
    return _build(_merge(data, dict(overrides), where="réglages"), "réglages")


def _parse_yaml(text: str, where: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f" (ligne {mark.line + 1}, colonne {mark.column + 1})" if mark else ""
        advice = "Vérifiez l'indentation et les guillemets."
        if "\\t" in str(getattr(exc, "problem", "")):
            advice = "Une tabulation y est : indentez avec des espaces."
        raise ConfigError(f"{where} : le fichier YAML est mal formé{place}. {advice}") from None


# Sections whose sub-keys are free (names chosen by the user) rather than a fixed schema.
_FREE_SECTIONS = {"niveaux_par_formation", "entetes", "sites"}


def _merge(base: dict, override: dict, *, where: str, prefix: str = "") -> dict:
    merged = dict(base)
    for key, value in override.items():
        dotted = f"{prefix}{key}"
        if not isinstance(key, str):
            raise ConfigError(f"{where} : clé « {key} » invalide, une clé doit être du texte.")
        if key not in base and prefix.rstrip(".") not in _FREE_SECTIONS:
            allowed = ", ".join(sorted(base))
            raise ConfigError(
                f"{where} : clé inconnue « {dotted} ». Clés permises ici : {allowed}."
            )
        if isinstance(base.get(key), dict) and isinstance(value, dict) and key != "sites":
            merged[key] = _merge(base[key], value, where=where, prefix=f"{dotted}.")
        else:
            merged[key] = value
    return merged


# ---------------------------------------------------------------------------------------------
# validation


def _fail(key: str, expected: str, value: Any) -> ConfigError:
    return ConfigError(f"Configuration : « {key} » doit être {expected} (trouvé : {value!r}).")


def _int(data: Mapping, key: str, lo: int, hi: int, prefix: str = "") -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _fail(prefix + key, f"un nombre entier entre {lo} et {hi}", value)
    return value


def _text(data: Mapping, key: str, prefix: str = "", *, allow_empty: bool = False) -> str:
    value = data.get(key)
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise _fail(prefix + key, "un texte non vide", value)
    return clean_spaces(value)


def _texts(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(key, "une liste de textes non vides", value)
    return tuple(clean_spaces(v) for v in value)


def _colour(data: Mapping, key: str) -> str:
    value = data.get(key)
    text = str(value).strip().lstrip("#").upper() if isinstance(value, str) else ""
    if not _HEX.match(text):
        raise _fail(key, "une couleur RVB en hexadécimal sur 6 chiffres, par exemple FFFF00", value)
    return text


def _section(data: Mapping, key: str) -> Mapping:
    value = data.get(key)
    if not isinstance(value, dict):
        raise _fail(key, "une section « clé: valeur »", value)
    return value


def _build(data: Any, origin: str) -> Config:
    if not isinstance(data, dict):
        raise ConfigError("Configuration : le contenu doit être une suite de « clé: valeur ».")

    mots_data = _section(data, "mots")
    words = Words(
        non_calculable=_text(mots_data, "non_calculable", "mots."),
        petit_effectif=_text(mots_data, "petit_effectif", "mots."),
        en_attente=_text(mots_data, "en_attente", "mots."),
    )
    folded = [label_key(w, drop_number=False) for w in words.all()]
    if len(set(folded)) != 3:
        raise ConfigError(
            "Configuration : les trois mots de « mots » (non_calculable, petit_effectif, "
            f"en_attente) doivent être différents (trouvé : {list(words.all())})."
        )
    for name, word in zip(
        ("non_calculable", "petit_effectif", "en_attente"), words.all(), strict=True
    ):
        if word[0] in "=+-@" or re.fullmatch(r"[\d\s.,%]+", word):
            raise _fail(
                f"mots.{name}",
                "un mot qui ne ressemble ni à un nombre ni à une formule",
                word,
            )

    fmt = _section(data, "formats")
    formats = Formats(
        *(_text(fmt, k, "formats.") for k in ("taux", "valeur_ajoutee", "note", "effectif"))
    )

    ij = _section(data, "inserjeunes")
    indicateurs = ij.get("indicateurs")
    if (
        not isinstance(indicateurs, list)
        or not set(indicateurs) <= {9, 10, 11}
        or any(isinstance(i, bool) for i in indicateurs)
    ):
        raise _fail("inserjeunes.indicateurs", "une liste prise parmi 9, 10 et 11", indicateurs)
    niveaux = ij.get("niveaux")
    if not isinstance(niveaux, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 8 for n in niveaux
    ):
        raise _fail("inserjeunes.niveaux", "une liste de niveaux entre 1 et 8", niveaux)
    rules = InserJeunesRules(
        indicateurs=tuple(sorted(indicateurs)),
        niveaux=tuple(sorted(niveaux)),
        seuil_diffusion=_int(ij, "seuil_diffusion", 1, 10_000, "inserjeunes."),
        source_autres_niveaux=_text(ij, "source_autres_niveaux", "inserjeunes."),
        source_indicateur_11=_text(ij, "source_indicateur_11", "inserjeunes."),
    )

    levels_data = _section(data, "niveaux_par_formation")
    levels: dict[str, int] = {}
    for prefix_word, level in levels_data.items():
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 8:
            raise _fail(f"niveaux_par_formation.{prefix_word}", "un niveau entre 1 et 8", level)
        levels[label_key(str(prefix_word), drop_number=False)] = level

    aliases_data = _section(data, "entetes")
    aliases: dict[str, tuple[str, ...]] = {}
    for key, labels in aliases_data.items():
        if key not in FIELD_BY_KEY:
            raise ConfigError(
                f"Configuration : « entetes.{key} » ne désigne aucune colonne. Colonnes "
                f"connues : {', '.join(FIELD_BY_KEY)}."
            )
        aliases[key] = _texts(labels, f"entetes.{key}")

    sheets = _texts(data.get("feuilles_sites"), "feuilles_sites")
    for name in sheets:
        if len(name) > 31 or set(name) & _BAD_SHEET_CHARS or name.startswith("'"):
            raise _fail(
                "feuilles_sites",
                "des noms de feuille Excel valides (31 caractères au plus, sans [ ] : * ? / \\)",
                name,
            )
    if len({n.casefold() for n in sheets}) != len(sheets):
        raise _fail("feuilles_sites", "des noms de feuille tous différents", list(sheets))

    sites_data = data.get("sites") or {}
    if not isinstance(sites_data, dict):
        raise _fail("sites", "une section « nom du site: réglages »", sites_data)
    sites: dict[str, Site] = {}
    site_keys = [key for key, _ in SITE_UAI_ROLES]
    for name, site in sites_data.items():
        site = site or {}
        if not isinstance(site, dict) or set(site) - set(site_keys):
            raise _fail(
                f"sites.{name}",
                "une section avec les clés « uai », « uai_formateur » ou « uai_responsable »",
                site,
            )
        found: dict[str, tuple[str, ...]] = {}
        for key in site_keys:
            value = site.get(key)
            uais = _texts(value, f"sites.{name}.{key}") if value else ()
            for uai in uais:
                if not _UAI.match(uai.upper()):
                    raise _fail(
                        f"sites.{name}.{key}",
                        "des numéros UAI de 7 chiffres suivis d'une lettre, par exemple "
                        "0751488K (mettez-les entre guillemets)",
                        uai,
                    )
            found[key] = tuple(dict.fromkeys(u.upper() for u in uais))
        sites[str(name)] = Site(**found)

    statuts = _texts(data.get("statuts"), "statuts")
    backup = data.get("suffixe_sauvegarde")
    if not isinstance(backup, str) or len(backup) > 20 or set(backup) & _BAD_FILE_CHARS:
        raise _fail(
            "suffixe_sauvegarde",
            'un ajout court au nom du fichier, par exemple ".sauvegarde" (ou "" pour ne pas '
            "garder la version précédente)",
            backup,
        )
    return Config(
        seuil_petit_effectif=_int(data, "seuil_petit_effectif", 1, 10_000),
        mots=words,
        statuts=statuts,
        couleur_en_attente=_colour(data, "couleur_en_attente"),
        couleur_entete=_colour(data, "couleur_entete"),
        couleur_calcule=_colour(data, "couleur_calcule"),
        formats=formats,
        inserjeunes=rules,
        niveaux_par_formation=levels,
        entetes=aliases,
        feuilles_sites=sheets,
        sites=sites,
        suffixe_sauvegarde=backup,
        origine=origin,
    )


_DEFAULT: Config | None = None


def default_config() -> Config:
    """The packaged defaults, loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_config(None)
    return _DEFAULT
