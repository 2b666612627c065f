"""`ortkpi-xl complement` and `--installer`: paths, settings file, French messages, exit 2.

The Windows and macOS layouts are checked on Linux through the platform/home/environment
arguments: this proves where files go, not that Excel loads them (only Excel shows that).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import xlwings

from ortkpi_xl.addin import build, install
from ortkpi_xl.addin.errors import AddinError
from ortkpi_xl.cli import main

DATA = b"PK\x03\x04 not really an add-in"


def windows_python(root: Path, *, venv: bool = False, dlls: bool = True) -> str:
    """A Python folder as xlwings' win_amd64 wheel leaves it: the DLLs in sys.prefix, which is
    the folder of python.exe, or the one above for a virtual environment (Scripts\\)."""
    exe = root / ("Scripts" if venv else "") / "python.exe"
    exe.parent.mkdir(parents=True, exist_ok=True)
    exe.write_bytes(b"MZ")
    if dlls:
        for name in install.dll_names(xlwings.__version__):
            (root / name).write_bytes(b"MZ")
    return str(exe)


def test_windows_goes_to_xlstart_and_records_this_python(tmp_path: Path) -> None:
    env = {"APPDATA": str(tmp_path / "Roaming"), "USERPROFILE": str(tmp_path / "profile")}
    config = tmp_path / "profile" / ".ortkpi" / "ortkpi.conf"
    config.parent.mkdir(parents=True)
    config.write_bytes(b'"SHOW CONSOLE","True"\r\n"INTERPRETER_WIN","C:\\old\\python.exe"\r\n')
    python = windows_python(tmp_path / "Python312")
    report = install.install_addin(
        DATA,
        platform="win32",
        environ=env,
        home=tmp_path / "h",
        interpreter=python,
        python_platform="win-amd64",
    )
    assert report.addin == tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "ortkpi.xlam"
    assert report.addin.read_bytes() == DATA
    assert report.config == config
    assert config.read_bytes() == (
        b'"SHOW CONSOLE","True"\r\n"INTERPRETER_WIN","' + python.encode() + b'"\r\n'
    )
    assert report.applescript is None
    assert report.check == f'"{python}" -m ortkpi_xl.addin.excel_check "chemin\\du\\classeur.xlsx"'
    assert not list(tmp_path.glob("**/.ortkpi.xlam.tmp"))


def test_a_virtual_environment_finds_the_dlls_one_folder_up(tmp_path: Path) -> None:
    env = {"APPDATA": str(tmp_path / "Roaming"), "USERPROFILE": str(tmp_path / "profile")}
    python = windows_python(tmp_path / "ortkpi", venv=True)
    report = install.install_addin(
        DATA, platform="win32", environ=env, interpreter=python, python_platform="win-amd64"
    )
    assert report.addin.read_bytes() == DATA


@pytest.mark.parametrize(("machine", "said"), [("win32", "32 bits"), ("win-arm64", "ARM64")])
def test_a_32_bit_or_arm64_python_is_refused_before_writing(tmp_path, machine, said) -> None:
    env = {"APPDATA": str(tmp_path / "Roaming"), "USERPROFILE": str(tmp_path / "profile")}
    python = windows_python(tmp_path / "Python312", dlls=False)
    with pytest.raises(AddinError) as error:
        install.install_addin(
            DATA, platform="win32", environ=env, interpreter=python, python_platform=machine
        )
    assert said in str(error.value) and "64-bit" in str(error.value)
    assert not (tmp_path / "Roaming").exists() and not (tmp_path / "profile").exists()


def test_a_python_without_the_xlwings_dlls_is_refused_before_writing(tmp_path: Path) -> None:
    env = {"APPDATA": str(tmp_path / "Roaming"), "USERPROFILE": str(tmp_path / "profile")}
    python = windows_python(tmp_path / "Python312", dlls=False)
    with pytest.raises(AddinError) as error:
        install.install_addin(
            DATA, platform="win32", environ=env, interpreter=python, python_platform="win-amd64"
        )
    message = str(error.value)
    assert f"xlwings64-{xlwings.__version__}.dll" in message
    assert f'"{python}" -m pip install --force-reinstall xlwings=={xlwings.__version__}' in message
    assert not (tmp_path / "Roaming").exists()


def test_the_check_command_names_this_python_on_macos() -> None:
    command = install.check_command("/Users/marie dupont/ortkpi/bin/python", "darwin")
    assert command == (
        "'/Users/marie dupont/ortkpi/bin/python' -m ortkpi_xl.addin.excel_check "
        "chemin/du/classeur.xlsx"
    )


def test_windows_without_appdata_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(AddinError, match="APPDATA"):
        install.install_addin(DATA, platform="win32", environ={}, home=tmp_path)


def test_macos_goes_to_excel_startup_folder_with_the_applescript(tmp_path: Path) -> None:
    report = install.install_addin(
        DATA, platform="darwin", home=tmp_path, environ={}, interpreter="/Users/x/.venv/bin/python"
    )
    startup = (
        tmp_path
        / "Library"
        / "Group Containers"
        / "UBF8T346G9.Office"
        / "User Content.localized"
        / "Startup.localized"
        / "Excel"
    )
    assert report.addin == startup / "ortkpi.xlam" and report.addin.read_bytes() == DATA
    assert report.config == (
        tmp_path / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "ortkpi.conf"
    )
    assert report.config.read_bytes() == b'"INTERPRETER_MAC","/Users/x/.venv/bin/python"\n'
    script = f"xlwings-{xlwings.__version__}.applescript"
    assert report.applescript == (
        tmp_path / "Library" / "Application Scripts" / "com.microsoft.Excel" / script
    )
    assert report.applescript.read_bytes() == (Path(xlwings.__file__).parent / script).read_bytes()
    assert any("-1743" in note for note in report.notes)


def test_linux_has_no_excel_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(AddinError, match="Excel n'existe pas sous Linux"):
        install.install_addin(DATA, platform="linux", home=tmp_path, environ={})
    assert list(tmp_path.iterdir()) == []


def test_cli_installer_on_linux_exit_2_in_french(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(install.sys, "platform", "linux")
    monkeypatch.chdir(tmp_path)
    assert main(["complement", "--installer", "-o", "x.xlam"]) == 2
    captured = capsys.readouterr()
    assert "Excel n'existe pas sous Linux" in captured.err and "Traceback" not in captured.err
    assert list(tmp_path.iterdir()) == []  # failed before writing anything


def test_cli_writes_the_addin(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["complement"]) == 0
    assert (tmp_path / "ortkpi.xlam").read_bytes()[:2] == b"PK"
    out = capsys.readouterr().out
    assert "Complément écrit" in out and "--installer" in out
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_refuses_a_wrong_name_or_folder(tmp_path: Path, capsys) -> None:
    assert main(["complement", "-o", str(tmp_path / "ortkpi.xlsm")]) == 2
    assert "extension .xlam" in capsys.readouterr().err
    assert main(["complement", "-o", str(tmp_path / "absent" / "ortkpi.xlam")]) == 2
    assert "n'existe pas" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_file_open_in_excel_gives_a_french_hint(tmp_path: Path, monkeypatch) -> None:
    def locked(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(AddinError, match="Fermez Excel"):
        build.write_addin(tmp_path / "ortkpi.xlam", DATA)
    with pytest.raises(AddinError, match="Fermez toutes les fenêtres Excel"):
        install.install_addin(DATA, platform="darwin", home=tmp_path, environ={})
    assert not list(tmp_path.glob("**/*.tmp"))


def test_cli_refuses_an_add_in_open_in_excel(tmp_path: Path, capsys) -> None:
    target = tmp_path / "ortkpi.xlam"
    target.write_bytes(b"PK old")
    (tmp_path / "~$ortkpi.xlam").write_bytes(b"")
    assert main(["complement", "-o", str(target)]) == 2
    assert "ouvert dans" in capsys.readouterr().err
    assert target.read_bytes() == b"PK old"
