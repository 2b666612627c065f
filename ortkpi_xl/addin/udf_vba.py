"""The ``xlwings_udfs`` VBA module and the function-wizard texts, produced by xlwings itself.

On Windows, xlwings' "Import Functions" (``xlwings.udfs.import_udfs``) imports the module named
in ``UDF Modules``, writes one VBA wrapper per ``@xw.func`` into a ``xlwings_udfs`` module and
calls ``Application.MacroOptions`` (category, description, argument texts) for each function. On
Linux ``xlwings.udfs`` cannot even be imported (it needs pywin32) and ``@xw.func`` is a no-op, so
this module runs that very function with stand-ins: stub ``pythoncom``/``pywintypes``/``win32com``
modules, the real decorators rebound, and a recording workbook in place of the COM object. What
the recording workbook receives is exactly what Excel would have received.

The stand-ins exist only inside :func:`generate_udf_module`: ``sys.modules`` and the attributes
it touches are restored on the way out, so nothing Windows-shaped leaks into the process.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import AddinError

UDF_MODULE = "ortkpi_xl.udfs"
VBA_MODULE_NAME = "xlwings_udfs"

# Modules swapped in and out while xlwings' generator runs.
_STUBBED = ("pythoncom", "pywintypes", "win32com", "win32com.client")
_FRESH = ("xlwings.udfs", UDF_MODULE)
_DECORATORS = ("func", "arg", "ret", "sub", "script")


@dataclass(frozen=True)
class Argument:
    """One parameter of an Excel function, as xlwings registers it."""

    name: str
    doc: str
    optional: bool


@dataclass(frozen=True)
class FunctionRegistration:
    """One ``Application.MacroOptions`` call that "Import Functions" makes, and its signature."""

    name: str
    description: str  # as passed to Excel (xlwings cuts it at 255 characters)
    category: str
    arguments: tuple[Argument, ...]
    full_description: str  # before xlwings' cut: a test checks nothing is lost

    @property
    def argument_descriptions(self) -> tuple[str, ...]:
        return tuple(arg.doc[:255] for arg in self.arguments)


@dataclass(frozen=True)
class UdfModule:
    """What "Import Functions" would put into the add-in: the VBA module and the wizard texts."""

    module_name: str
    vba: str  # CRLF line ends, as a VBA module stream holds it
    functions: tuple[FunctionRegistration, ...]


class _Components:
    """``VBProject.VBComponents``: remembers the module text that Excel would import."""

    def __init__(self) -> None:
        self.imported: list[str] = []

    def __call__(self, name: str) -> str:
        return name

    def Remove(self, component: object) -> None:  # noqa: N802 - COM method name
        """Nothing to remove: the add-in is built from scratch."""

    def Import(self, path: str) -> None:  # noqa: N802 - COM method name
        # import_udfs wrote the file in text mode with the platform's default encoding.
        with open(path) as handle:
            self.imported.append(handle.read())


class _RecordingWorkbook:
    """Stands in for the COM workbook ``import_udfs`` drives, and records the calls."""

    def __init__(self, name: str) -> None:
        self.Name = name
        self.components = _Components()
        self.macro_options: list[tuple[str, dict[str, object]]] = []
        self.VBProject = types.SimpleNamespace(VBComponents=self.components)
        self.Application = types.SimpleNamespace(Version="16.0", MacroOptions=self._macro_options)

    def _macro_options(self, macro: str, **options: object) -> None:
        self.macro_options.append((macro, options))

    def __bool__(self) -> bool:
        # get_udf_module() opens the workbook through COM only to look for code embedded in
        # sheets (an xlwings PRO feature); a falsy workbook skips that branch.
        return False


def _stub_modules() -> dict[str, types.ModuleType]:
    """pythoncom, pywintypes, win32com.client: just what importing xlwings.udfs touches."""
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None  # ThreadPoolExecutor initializer at import time
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = type("com_error", (Exception,), {})

    def dispatch(*_args: object, **_kwargs: object) -> None:
        raise AddinError("COM n'existe pas ici : le générateur de xlwings a voulu joindre Excel.")

    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = dispatch
    win32com.client = client
    return {
        "pythoncom": pythoncom,
        "pywintypes": pywintypes,
        "win32com": win32com,
        "win32com.client": client,
    }


@contextlib.contextmanager
def _windows_stand_ins() -> Iterator[types.ModuleType]:
    """Make ``xlwings.udfs`` importable and ``@xw.func`` real, then undo every change."""
    import xlwings

    import ortkpi_xl

    missing = object()
    saved_modules = {name: sys.modules.get(name, missing) for name in (*_STUBBED, *_FRESH)}
    saved_attrs = {name: getattr(xlwings, name, missing) for name in (*_DECORATORS, "udfs")}
    saved_package_attr = getattr(ortkpi_xl, "udfs", missing)
    try:
        for name in _FRESH:
            sys.modules.pop(name, None)
        sys.modules.update(_stub_modules())
        udfs = importlib.import_module("xlwings.udfs")
        udfs.__pro__ = False  # the PRO branch reads a config sheet through COM
        xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
        xlwings.sub = xlwings.script = udfs.xlsub
        yield udfs
    finally:
        for name, module in saved_modules.items():
            if module is missing:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module  # type: ignore[assignment]
        for name, value in saved_attrs.items():
            if value is missing:
                if hasattr(xlwings, name):
                    delattr(xlwings, name)
            else:
                setattr(xlwings, name, value)
        if saved_package_attr is missing:
            if hasattr(ortkpi_xl, "udfs"):
                delattr(ortkpi_xl, "udfs")
        else:
            ortkpi_xl.udfs = saved_package_attr  # type: ignore[attr-defined]


def _registrations(
    module: types.ModuleType, calls: list[tuple[str, dict[str, object]]], addin_name: str
) -> tuple[FunctionRegistration, ...]:
    """Pair each recorded MacroOptions call with the function's xlwings metadata."""
    by_name = {}
    for value in vars(module).values():
        meta = getattr(value, "__xlfunc__", None)
        if meta is not None:
            by_name[meta["name"]] = meta
    prefix = f"'{addin_name}'!"
    result = []
    for macro, options in calls:
        name = macro.removeprefix(prefix)
        meta = by_name[name]
        visible = [arg for arg in meta["args"] if not arg["vba"]]
        result.append(
            FunctionRegistration(
                name=name,
                description=str(options["Description"]),
                category=str(options["Category"]),
                arguments=tuple(
                    Argument(arg["name"], arg["doc"], "optional" in arg) for arg in visible
                ),
                full_description=meta["ret"]["doc"],
            )
        )
        given = tuple(options.get("ArgumentDescriptions") or ())
        if given != result[-1].argument_descriptions:  # pragma: no cover - xlwings changed
            raise AddinError(
                f"xlwings a changé sa façon d'enregistrer {name} : vérifiez le "
                "générateur (ortkpi_xl/addin/udf_vba.py)."
            )
    return tuple(result)


def crlf(text: str) -> str:
    """VBA module streams use CRLF line ends whatever the platform that wrote the text."""
    return re.sub(r"\r\n|\r|\n", "\r\n", text)


def generate_udf_module(
    module_name: str = UDF_MODULE, addin_name: str = "ortkpi.xlam"
) -> UdfModule:
    """Run xlwings' own "Import Functions" on ``module_name``, on any platform, and record it.

    ``addin_name`` matters: for an ``.xlam`` xlwings writes ``ActiveWorkbook`` in the wrappers
    (the caller's workbook), for a workbook ``ThisWorkbook``.
    """
    workbook = _RecordingWorkbook(addin_name)
    with _windows_stand_ins() as udfs, contextlib.redirect_stdout(io.StringIO()):
        udfs.import_udfs(module_name, workbook)
        module = sys.modules[module_name]
        functions = _registrations(module, workbook.macro_options, addin_name)
    if len(workbook.components.imported) != 1:  # pragma: no cover - xlwings changed
        raise AddinError("xlwings n'a pas produit le module xlwings_udfs attendu.")
    return UdfModule(
        module_name=module_name, vba=crlf(workbook.components.imported[0]), functions=functions
    )


def vba_functions(vba: str) -> dict[str, list[str]]:
    """Function name → parameter list (with ``Optional``/``ParamArray``) of a VBA module."""
    found = {}
    for match in re.finditer(
        r"^(?:Public |Private )?(?:Function|Sub) (\w+)\(([^)]*)\)", vba, flags=re.MULTILINE
    ):
        params = [p.strip() for p in match.group(2).split(",") if p.strip()]
        found[match.group(1)] = params
    return found
