"""The part of ortkpi_xl that xlwings Lite needs, packed to travel inside ``main.py``.

xlwings Lite keeps a workbook's code in the workbook: one ``main.py`` (and a
``requirements.txt``), no folder beside it. So the modules the buttons and the ``ORT_*``
functions import, found by following their imports in the sources (lazy ones inside functions
included), go into a zip with the package data they read, and the zip into ``main.py`` as
base64 text. The zip is the same bytes for the same sources (fixed dates and order), so the
generated ``main.py`` is too.

What the modules import from outside the package becomes ``requirements.txt``: pure-Python
wheels pinned to the versions installed here (the ones the tests ran), packages that Pyodide
builds itself (pandas, numpy, PyYAML) never pinned (their version is Pyodide's).
"""

from __future__ import annotations

import ast
import base64
import io
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

PACKAGE = "ortkpi_xl"
ROOT = Path(__file__).resolve().parents[1]  # the ortkpi_xl folder
ENTRY_MODULES = (
    "ortkpi_xl.buttons",
    "ortkpi_xl.udfs",
    "ortkpi_xl.inserjeunes.apply",
    "ortkpi_xl.inserjeunes.reading",
)
DATA_FILES = ("default_config.yaml", "py.typed")  # read through importlib.resources
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# distribution name on PyPI of a top-level module, and whether Pyodide builds it itself
DISTRIBUTIONS = {
    "openpyxl": ("openpyxl", False),
    "et_xmlfile": ("et_xmlfile", False),
    "defusedxml": ("defusedxml", False),
    "olefile": ("olefile", False),
    "xlwings": ("xlwings", False),
    "yaml": ("pyyaml", True),
    "pandas": ("pandas", True),
    "numpy": ("numpy", True),
}
# xlwings Lite installs xlwings itself; the conditional formats and set_colors the adapter
# uses came with 0.37.5, and Lite's documentation advises a bound rather than a pin
XLWINGS_REQUIREMENT = "xlwings>=0.37.5,<1.0"


class BundleError(Exception):
    """The package imports something the bundle cannot carry."""


def _module_file(name: str) -> Path | None:
    """The source file of a module of the package, or None if it is not one of ours."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    parts = name.split(".")[1:]
    base = ROOT.joinpath(*parts)
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


def _imports(name: str, path: Path, *, lazy: bool = True) -> tuple[set[str], set[str]]:
    """(modules of the package, top-level third-party modules) that a module imports; with
    ``lazy`` False, only those imported when the module itself is (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    ours: set[str] = set()
    theirs: set[str] = set()
    typing_only = _type_checking_nodes(tree)
    nodes = ast.walk(tree) if lazy else _module_level(tree)
    for node in nodes:
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                (ours if alias.name.startswith(PACKAGE) else theirs).add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.startswith(PACKAGE):
                ours.add(module)
                for alias in node.names:  # "from . import x" imports the module x
                    ours.add(f"{module}.{alias.name}")
            else:
                theirs.add(module)
    return ours, {t.split(".")[0] for t in theirs if t}


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """The nodes under ``if TYPE_CHECKING:``: never run, so never bundled."""
    out: set[int] = set()
    for block in ast.walk(tree):
        if (
            isinstance(block, ast.If)
            and isinstance(block.test, ast.Name)
            and block.test.id == "TYPE_CHECKING"
        ):
            for statement in block.body:
                out.update(id(n) for n in ast.walk(statement))
    return out


def _module_level(tree: ast.Module):
    """The statements run on import: the module's body, and the blocks inside it (if, try),
    not the bodies of functions or classes."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                todo.append(child)


@dataclass(frozen=True)
class Bundle:
    modules: tuple[str, ...]  # every module of the package carried, sorted
    third_party: tuple[str, ...]  # top-level modules imported from outside, sorted
    zip_bytes: bytes

    @property
    def base64(self) -> str:
        return base64.b64encode(self.zip_bytes).decode("ascii")


def closure(
    entries: tuple[str, ...] = ENTRY_MODULES, *, lazy: bool = True
) -> tuple[list[str], set[str]]:
    """The package's modules ``entries`` need (parents included), and what they import;
    with ``lazy`` False, only what importing ``entries`` runs."""
    seen: set[str] = set()
    third: set[str] = set()
    todo = list(entries)
    while todo:
        name = todo.pop()
        path = _module_file(name)
        if path is None or name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # parent packages run too
        ours, theirs = _imports(name, path, lazy=lazy)
        todo += sorted(ours)
        third |= theirs
    import sys

    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    return sorted(seen), {t for t in third if t not in stdlib}


def build_bundle(entries: tuple[str, ...] = ENTRY_MODULES) -> Bundle:
    """The zip of the modules ``entries`` need, with the package data they read."""
    modules, third = closure(entries)
    unknown = sorted(third - set(DISTRIBUTIONS))
    if unknown:
        raise BundleError(
            f"ortkpi_xl importe {', '.join(unknown)} : ajoutez ces paquets à "
            "ortkpi_xl/lite/bundle.py (DISTRIBUTIONS) pour xlwings Lite."
        )
    files: dict[str, bytes] = {}
    for name in modules:
        path = _module_file(name)
        assert path is not None
        files[path.relative_to(ROOT.parent).as_posix()] = path.read_bytes()
    for data in DATA_FILES:
        files[f"{PACKAGE}/{data}"] = (ROOT / data).read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for arcname in sorted(files):
            info = zipfile.ZipInfo(arcname, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, files[arcname], compresslevel=9)
    return Bundle(tuple(modules), tuple(sorted(third)), out.getvalue())


def requirements(third_party: tuple[str, ...]) -> str:
    """``requirements.txt`` for xlwings Lite: pure wheels pinned, Pyodide's packages not."""
    lines = [
        "# Écrit par « ortkpi-xl lite » : les paquets dont ortkpi-xl a besoin dans xlwings Lite.",
        "# Les paquets construits par Pyodide (pandas, numpy, PyYAML) ne sont pas épinglés.",
        XLWINGS_REQUIREMENT,
    ]
    wanted = set(third_party) - {"xlwings"}
    if "openpyxl" in wanted:
        wanted.add("et_xmlfile")  # openpyxl's own dependency, pure too: pinned with it
    for module in sorted(wanted, key=lambda m: DISTRIBUTIONS[m][0]):
        distribution, pyodide_builds = DISTRIBUTIONS[module]
        if pyodide_builds:
            lines.append(distribution)
            continue
        try:
            lines.append(f"{distribution}=={metadata.version(distribution)}")
        except metadata.PackageNotFoundError:
            lines.append(distribution)
    return "\n".join(lines) + "\n"
