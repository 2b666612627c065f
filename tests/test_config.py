"""Configuration: defaults, partial override, and a clear French message for each mistake."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ortkpi_xl.config import default_config, find_config, load_config
from ortkpi_xl.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_match_the_spec():
    c = default_config()
    assert c.seuil_petit_effectif == 11
    assert c.mots.non_calculable == "NC"
    assert c.couleur_en_attente == "FFFF00"
    assert c.formats.taux == "0.0%" and c.formats.valeur_ajoutee == "+0%;-0%;0%"
    assert c.sites["Ecole de Travail"].uai == ("0751488K",)


def test_repository_config_is_valid():
    config = load_config(ROOT / "config.yaml")
    assert config.sites["Ecole de Travail"].uai == ("0751488K",)


def test_partial_override_keeps_other_defaults(tmp_path):
    c = load_config(write(tmp_path, "seuil_petit_effectif: 15\nmots:\n  non_calculable: n.c.\n"))
    assert c.seuil_petit_effectif == 15
    assert c.mots.non_calculable == "n.c."
    assert c.mots.petit_effectif == "Non requis"  # untouched sibling key
    assert c.formats.taux == "0.0%"


def test_empty_file_means_defaults(tmp_path):
    assert load_config(write(tmp_path, "# rien\n")).seuil_petit_effectif == 11


@pytest.mark.parametrize(
    "text, words",
    [
        ("seuil_petit_effectif: onze\n", ["seuil_petit_effectif", "nombre entier"]),
        ("seuil_petit_effectif: 0\n", ["seuil_petit_effectif", "entre 1"]),
        ("seuil_petit_effectif: true\n", ["seuil_petit_effectif"]),
        (
            "seuil_petit_efectif: 12\n",
            ["clé inconnue", "seuil_petit_efectif", "seuil_petit_effectif"],
        ),
        ("mots:\n  nc: X\n", ["clé inconnue", "mots.nc", "non_calculable"]),
        ("mots:\n  non_calculable: ''\n", ["mots.non_calculable", "texte non vide"]),
        ("mots:\n  non_calculable: Non requis\n", ["différents"]),
        ("mots:\n  non_calculable: '=1/0'\n", ["mots.non_calculable", "formule"]),
        ("mots:\n  en_attente: '0'\n", ["mots.en_attente"]),
        ("couleur_en_attente: jaune\n", ["couleur_en_attente", "hexadécimal"]),
        ("inserjeunes:\n  indicateurs: [1, 9]\n", ["inserjeunes.indicateurs", "9, 10 et 11"]),
        ("inserjeunes:\n  niveaux: [3, 12]\n", ["inserjeunes.niveaux"]),
        ("niveaux_par_formation:\n  CAP: trois\n", ["niveaux_par_formation.CAP"]),
        ("entetes:\n  inconnue: [x]\n", ["entetes.inconnue", "Colonnes"]),
        ("entetes:\n  entrants: [1, 2]\n", ["entetes.entrants", "liste de textes"]),
        ("feuilles_sites: ['a/b']\n", ["feuilles_sites", "31 caractères"]),
        ("feuilles_sites: [Lyon, lyon]\n", ["tous différents"]),
        ("sites:\n  Lyon:\n    uai: ['123']\n", ["sites.Lyon.uai", "UAI"]),
        ("sites:\n  Lyon:\n    siret: '1'\n", ["sites.Lyon", "uai", "uai_responsable"]),
        ("sites:\n  Lyon:\n    uai_responsable: ['069X']\n", ["sites.Lyon.uai_responsable", "UAI"]),
        ("sites:\n  Lyon:\n    uai_formateur: [12]\n", ["sites.Lyon.uai_formateur", "textes"]),
        ("- une\n- liste\n", ["clé: valeur"]),
        ("seuil: [\n", ["mal formé", "ligne"]),
        ("mots:\n\tnon_calculable: x\n", ["mal formé", "tabulation", "espaces"]),
    ],
)
def test_each_mistake_gets_a_french_message(tmp_path, text, words):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    for word in words:
        assert word in str(err.value)


def test_yaml_python_tags_are_refused(tmp_path):
    with pytest.raises(ConfigError):
        load_config(write(tmp_path, "seuil_petit_effectif: !!python/object/apply:os.getpid []\n"))


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="introuvable"):
        load_config(tmp_path / "absent.yaml")


def test_uai_lowercase_is_normalised(tmp_path):
    c = load_config(write(tmp_path, "sites:\n  Paris:\n    uai: '0751488k'\n"))
    assert c.sites["Paris"].uai == ("0751488K",)


def test_site_uai_roles_are_looked_up_in_order(tmp_path):
    c = load_config(
        write(
            tmp_path,
            (
                "sites:\n  Lyon:\n    uai: ['0691234a']\n    uai_formateur: '0690000B'\n"
                "    uai_responsable: ['0750000C', '0691234A']\n"
            ),
        )
    )
    site = c.sites["Lyon"]
    assert site.uai == ("0691234A",) and site.uai_formateur == ("0690000B",)
    assert site.lookup() == (
        ("0691234A", "site"),
        ("0690000B", "CFA formateur"),
        ("0750000C", "CFA responsable"),
    )


def test_site_without_uai_is_allowed(tmp_path):
    c = load_config(write(tmp_path, "sites:\n  Toulouse:\n"))
    assert c.sites["Toulouse"].lookup() == ()


def test_backup_suffix(tmp_path):
    assert default_config().suffixe_sauvegarde == ".sauvegarde"
    assert load_config(write(tmp_path, 'suffixe_sauvegarde: ""\n')).suffixe_sauvegarde == ""
    assert load_config(write(tmp_path, "suffixe_sauvegarde: .old\n")).suffixe_sauvegarde == ".old"
    with pytest.raises(ConfigError, match="suffixe_sauvegarde.*ajout court au nom"):
        load_config(write(tmp_path, 'suffixe_sauvegarde: "../x"\n'))


# ---------------------------------------------------------------------------------------------
# which file a command uses (find_config)


@pytest.fixture
def places(tmp_path, monkeypatch):
    """A workbook folder, a current folder and a file for ORTKPI_CONFIG, each with its own word."""
    folders = {name: tmp_path / name for name in ("classeur", "courant", "variable")}
    for name, folder in folders.items():
        folder.mkdir()
        (folder / "config.yaml").write_text(f"mots:\n  non_calculable: nc-{name}\n", "utf-8")
    monkeypatch.chdir(folders["courant"])
    monkeypatch.setenv("ORTKPI_CONFIG", str(folders["variable"] / "config.yaml"))
    return folders


def test_settings_beside_the_workbook_come_first(places):
    config = find_config(places["classeur"] / "indicateurs.xlsx")
    assert config.mots.non_calculable == "nc-classeur"
    assert config.origine.endswith("config.yaml (à côté du classeur)")


def test_then_the_current_folder_then_the_variable_then_the_defaults(places, tmp_path):
    elsewhere = tmp_path / "ailleurs" / "indicateurs.xlsx"  # no config.yaml beside it
    assert find_config(elsewhere).mots.non_calculable == "nc-courant"
    (places["courant"] / "config.yaml").unlink()
    config = find_config(elsewhere)
    assert config.mots.non_calculable == "nc-variable"
    assert config.origine.endswith("(ORTKPI_CONFIG)")
    os.environ.pop("ORTKPI_CONFIG")
    assert find_config(elsewhere) == default_config()
    assert find_config(None) == default_config()


def test_an_explicit_file_wins_over_every_place(places, tmp_path):
    mine = write(tmp_path, "mots:\n  non_calculable: nc-option\n")
    config = find_config(places["classeur"] / "indicateurs.xlsx", mine)
    assert config.mots.non_calculable == "nc-option"


def test_a_variable_naming_no_file_is_said(places, tmp_path):
    os.environ["ORTKPI_CONFIG"] = str(tmp_path / "absent.yaml")
    (places["courant"] / "config.yaml").unlink()
    with pytest.raises(ConfigError, match="ORTKPI_CONFIG désigne .*absent.yaml"):
        find_config(tmp_path / "ailleurs" / "x.xlsx")


def test_a_folder_named_config_yaml_is_not_taken_for_the_settings(places):
    (places["classeur"] / "config.yaml").unlink()
    (places["classeur"] / "config.yaml").mkdir()
    assert find_config(places["classeur"] / "x.xlsx").mots.non_calculable == "nc-courant"


def test_unreadable_settings_get_the_right_advice(tmp_path):
    with pytest.raises(ConfigError) as folder:
        load_config(tmp_path)
    assert "est un dossier" in str(folder.value) and "UTF-8" not in str(folder.value)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("# réglages\nmots:\n  non_calculable: \xe9\n".encode("cp1252"))
    with pytest.raises(ConfigError) as encoding:
        load_config(latin)
    message = str(encoding.value)
    assert "n'est pas enregistré en UTF-8" in message and "ligne 1" in message
    assert "codec" not in message and "0xe9" not in message
