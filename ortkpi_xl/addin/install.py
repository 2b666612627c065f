"""Put ``ortkpi.xlam`` where Excel loads it at start-up, on the machine this runs on.

- Windows: ``%APPDATA%\\Microsoft\\Excel\\XLSTART`` (the folder ``xlwings addin install`` uses
  for the current user).
- macOS: Excel's start-up folder ``~/Library/Group Containers/UBF8T346G9.Office/User
  Content.localized/Startup.localized/Excel``, plus xlwings' AppleScript in
  ``~/Library/Application Scripts/com.microsoft.Excel`` (what ``xlwings runpython install``
  copies): without it, ``RunPython`` cannot start Python from Excel's sandbox.
- Elsewhere (Linux): there is no Excel; say so.

It also records the Python that runs this command as the interpreter of the add-in
(``INTERPRETER_WIN``/``INTERPRETER_MAC`` in the user file xlwings' VBA reads for project
``ortkpi``), the way ``xlwings config create`` does for xlwings' own add-in. That Python has
ortkpi-xl and the very xlwings whose VBA the add-in carries, so versions match by construction.

On Windows that Python must be a 64-bit (x86-64) one, whatever Excel's bitness: only xlwings'
``win_amd64`` wheel carries the two DLLs the VBA loads into Excel (``xlwings64-…dll`` for 64-bit
Excel, ``xlwings32-…dll`` for 32-bit Excel), beside ``python.exe`` or one folder up (a virtual
environment); 32-bit and ARM64 Python get a wheel without them, and every ``ORT_*`` call and
button would fail in Excel. So the install checks them before writing anything.

Paths come from arguments (platform, home, environment) so that tests can check the Windows and
macOS layouts on Linux. Only a machine with Excel shows that Excel loads the file.
"""

from __future__ import annotations

import locale
import os
import shlex
import sys
import sysconfig
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import system_reason
from .build import ADDIN_NAME, PROJECT_NAME, replace_file
from .errors import AddinError

MAC_STARTUP = (
    "Library",
    "Group Containers",
    "UBF8T346G9.Office",
    "User Content.localized",
    "Startup.localized",
    "Excel",
)
MAC_SCRIPTS = ("Library", "Application Scripts", "com.microsoft.Excel")
MAC_CONFIG = ("Library", "Containers", "com.microsoft.Excel", "Data")


@dataclass
class InstallReport:
    """What was written where, for the message shown to staff."""

    addin: Path
    config: Path
    interpreter: str
    check: str = ""  # the Excel check, with this very Python
    applescript: Path | None = None
    notes: list[str] = field(default_factory=list)


def _kind(platform: str) -> str:
    if platform.startswith("win"):
        return "windows"
    if platform == "darwin":
        return "macos"
    return "other"


def startup_folder(
    platform: str = sys.platform, home: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The folder whose files Excel opens at start-up, for the current user."""
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    kind = _kind(platform)
    if kind == "windows":
        appdata = environ.get("APPDATA")
        if not appdata:
            raise AddinError(
                "La variable d'environnement APPDATA est vide : impossible de "
                "trouver le dossier XLSTART d'Excel. Ouvrez une session Windows "
                "normale (pas un compte de service) et relancez."
            )
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if kind == "macos":
        return home.joinpath(*MAC_STARTUP)
    raise AddinError(
        "Excel n'existe pas sous Linux : --installer ne peut rien installer ici. "
        "Construisez le fichier avec « ortkpi-xl complement -o ortkpi.xlam », "
        "puis installez-le sur le poste Windows ou Mac (docs/installation.md)."
    )


def user_config_file(
    platform: str = sys.platform, home: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The user settings file xlwings' VBA reads for project ``ortkpi`` (GetConfigFilePath)."""
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    if _kind(platform) == "windows":
        profile = Path(environ.get("USERPROFILE") or home)
        return profile / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"
    return home.joinpath(*MAC_CONFIG) / f"{PROJECT_NAME}.conf"


def dll_names(version: str) -> tuple[str, str]:
    """The DLLs xlwings' VBA loads into Excel: 64-bit Excel, then 32-bit Excel."""
    return (f"xlwings64-{version}.dll", f"xlwings32-{version}.dll")


def check_windows_python(interpreter: str, python_platform: str, version: str) -> None:
    """Refuse a Python whose xlwings cannot serve Excel: not x86-64, or without the DLLs
    where the VBA looks for them (the interpreter's folder, or the one above)."""
    if python_platform != "win-amd64":
        kind = {"win32": "32 bits", "win-arm64": "ARM64"}.get(python_platform, python_platform)
        raise AddinError(
            f"Ce Python ({interpreter}) est un Python Windows {kind} : xlwings n'y installe pas "
            "les DLL qu'Excel charge, et les boutons comme les fonctions ORT_* échoueraient. "
            "Installez Python 3.11, 3.12 ou 3.13 « Windows installer (64-bit) » de python.org "
            "(même si Excel est en 32 bits), puis refaites l'installation avec lui "
            "(docs/installation.md)."
        )
    folder = Path(interpreter).parent
    missing = [
        name
        for name in dll_names(version)
        if not (folder / name).is_file() and not (folder.parent / name).is_file()
    ]
    if missing:
        raise AddinError(
            f"{' et '.join(missing)} introuvable(s) dans {folder} et {folder.parent} : xlwings "
            f"{version} n'est pas installé dans ce Python, ou pas en entier. Lancez "
            f'« "{interpreter}" -m pip install --force-reinstall xlwings=={version} », puis '
            "relancez « ortkpi-xl complement --installer »."
        )


def check_command(interpreter: str, platform: str = sys.platform) -> str:
    """The command that checks the add-in in Excel, with the very Python the add-in uses."""
    if _kind(platform) == "windows":
        return f'"{interpreter}" -m ortkpi_xl.addin.excel_check "chemin\\du\\classeur.xlsx"'
    return f"{shlex.quote(interpreter)} -m ortkpi_xl.addin.excel_check chemin/du/classeur.xlsx"


def _config_encoding(kind: str) -> str:
    """VBA's ``Input #`` reads the ANSI code page on Windows (cp1252 for French Windows)."""
    if kind == "windows":
        return locale.getpreferredencoding(False) if sys.platform == "win32" else "cp1252"
    return "utf-8"


def _write_setting(path: Path, key: str, value: str, kind: str) -> None:
    """Set ``"KEY","value"`` in an xlwings config file, keeping the other lines; encoding and
    line ends as ``xlwings config create`` writes them on that platform."""
    encoding = _config_encoding(kind)
    if '"' in value:
        raise AddinError(
            f"Le chemin de Python contient un guillemet, que xlwings ne sait pas lire : {value}"
        )
    lines = []
    if path.exists():
        old = path.read_text(encoding=encoding, errors="replace").splitlines()
        lines = [line for line in old if not line.upper().startswith(f'"{key.upper()}",')]
    lines.append(f'"{key}","{value}"')
    path.parent.mkdir(parents=True, exist_ok=True)
    end = "\r\n" if kind == "windows" else "\n"
    path.write_text(end.join(lines) + end, encoding=encoding, newline="")


def _copy(data: bytes, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    replace_file(
        target,
        data,
        f"Impossible de remplacer {target} : Excel est sans doute ouvert et utilise le "
        "complément. Fermez toutes les fenêtres Excel, puis relancez « ortkpi-xl complement "
        "--installer ».",
    )


def install_addin(
    data: bytes,
    *,
    platform: str = sys.platform,
    home: Path | None = None,
    environ: Mapping[str, str] | None = None,
    interpreter: str | None = None,
    python_platform: str | None = None,
) -> InstallReport:
    """Copy the add-in into Excel's start-up folder and point it at this Python.

    Everything that can refuse (no Excel here, a Python whose xlwings cannot serve Excel) does
    so before anything is written.
    """
    import xlwings

    folder = startup_folder(platform, home, environ)  # raises on Linux, before writing
    kind = _kind(platform)
    interpreter = interpreter or sys.executable
    if kind == "windows":
        check_windows_python(
            interpreter, python_platform or sysconfig.get_platform(), xlwings.__version__
        )
    target = folder / ADDIN_NAME
    _copy(data, target)
    config = user_config_file(platform, home, environ)
    key = "INTERPRETER_WIN" if kind == "windows" else "INTERPRETER_MAC"
    try:
        _write_setting(config, key, interpreter, kind)
    except UnicodeEncodeError as exc:
        raise AddinError(
            f"Le chemin de Python ({interpreter}) contient des caractères que "
            "xlwings ne sait pas lire sous Windows : installez Python dans un "
            "dossier au nom sans caractères spéciaux."
        ) from exc
    except OSError as exc:
        raise AddinError(
            f"Impossible d'écrire le réglage {config} : {system_reason(exc)}."
        ) from exc
    report = InstallReport(
        addin=target,
        config=config,
        interpreter=interpreter,
        check=check_command(interpreter, platform),
    )
    if kind == "macos":
        script = Path(xlwings.__file__).parent / f"xlwings-{xlwings.__version__}.applescript"
        scripts = (Path.home() if home is None else home).joinpath(*MAC_SCRIPTS)
        try:
            _copy(script.read_bytes(), scripts / script.name)
        except OSError as exc:
            raise AddinError(
                f"Impossible de copier {script.name} dans {scripts} "
                f"({system_reason(exc)}) : lancez « xlwings runpython install » "
                "dans le Terminal."
            ) from exc
        report.applescript = scripts / script.name
        report.notes.append(
            "Au premier clic sur un bouton, macOS demande l'autorisation de "
            "piloter Excel : répondez OK (sinon erreur -1743, voir "
            "docs/installation.md)."
        )
    return report
