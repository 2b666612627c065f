"""The ``main.py`` xlwings Lite runs: the buttons as scripts, the ``ORT_*`` functions, and
ortkpi_xl itself inside, as a zip that it unpacks into Pyodide's in-memory file system.

The scripts are what Lite's task pane shows as buttons (``@script``, a ``book: xw.Book``
parameter): Recalculer, Valider, Importer InserJeunes, each calling ``ortkpi_xl.buttons``. The
functions (``@func``) are written from ``ortkpi_xl/udfs.py`` itself: same names, parameters,
French descriptions and argument texts as the classic add-in's, each calling the same Python.
"""

from __future__ import annotations

import ast
import hashlib
import textwrap
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from .bundle import Bundle

UDFS = Path(__file__).resolve().parents[1] / "udfs.py"
LINE = 76  # characters of base64 per line of main.py

SCRIPTS = (
    (
        "recalculer",
        "Recalculer",
        "recalculer",
        "Recalcule les indicateurs de toutes les feuilles de site, marque en jaune les "
        "chiffres attendus et met à jour les feuilles « Contrôles » et « Synthèse ».",
    ),
    (
        "valider",
        "Valider",
        "valider",
        "Contrôle le classeur avant la transmission et écrit les constats dans la feuille "
        "« Contrôles ».",
    ),
    (
        "importer_inserjeunes",
        "Importer InserJeunes",
        "inserjeunes",
        "Remplit les chiffres InserJeunes. Déposez d'abord le fichier téléchargé (.csv ou "
        ".json) dans le menu de xlwings Lite > Files > Import/Export.",
    ),
)


@dataclass(frozen=True)
class Function:
    """One ``ORT_*`` function of udfs.py: what Excel shows of it."""

    name: str
    parameters: tuple[tuple[str, bool], ...]  # (name, optional)
    description: str
    arguments: tuple[tuple[str, dict], ...]  # (name, options: ndim, doc…)


def udf_functions(source: Path = UDFS) -> list[Function]:
    """The functions decorated ``@xw.func`` in udfs.py, read from its source."""
    from .. import udfs

    tree = ast.parse(source.read_text(encoding="utf-8"))
    out = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        decorators = [d for d in node.decorator_list if isinstance(d, ast.Call)]
        names = [ast.unparse(d.func) for d in decorators]
        if "xw.func" not in names:
            continue
        arguments = []
        for decorator in decorators:
            if ast.unparse(decorator.func) != "xw.arg":
                continue
            name = ast.literal_eval(decorator.args[0])
            options = {
                k.arg: eval(compile(ast.Expression(k.value), str(source), "eval"), vars(udfs))  # noqa: S307
                for k in decorator.keywords
            }
            arguments.append((name, options))
        positional = node.args.args
        defaults = len(node.args.defaults)
        parameters = tuple(
            (a.arg, i >= len(positional) - defaults) for i, a in enumerate(positional)
        )
        out.append(Function(node.name, parameters, ast.get_docstring(node) or "", tuple(arguments)))
    return out


def _docstring(text: str) -> str:
    """A docstring literal for ``text``, readable in Lite's editor."""
    if '"""' in text or "\\" in text or text.endswith('"'):
        return repr(text)
    return '"""' + text + '"""'


def _function_code(function: Function) -> str:
    signature = ", ".join(f"{n}=None" if optional else n for n, optional in function.parameters)
    call = ", ".join(n for n, _ in function.parameters)
    lines = ["@func"]
    for name, options in function.arguments:
        shown = ", ".join(f"{k}={v!r}" for k, v in options.items())
        lines.append(f"@arg({name!r}, {shown})")
    lines.append(f"def {function.name}({signature}):")
    lines.append(f"    {_docstring(function.description)}")
    lines.append(f"    return _udfs.{function.name}({call})")
    return "\n".join(lines)


def _script_code(name: str, label: str, button: str, doc: str) -> str:
    return "\n".join(
        [
            f"@script(name={label!r})",
            f"def {name}(book: xw.Book):",
            f"    {_docstring(doc)}",
            f"    _buttons.{button}(book)",
        ]
    )


BOOTSTRAP = '''
def _install_ortkpi_xl():
    """Unpack ortkpi_xl into a fresh folder and import it from there (not from elsewhere)."""
    data = _base64.b64decode(_BUNDLE)
    if _hashlib.sha256(data).hexdigest() != _BUNDLE_SHA256:
        raise RuntimeError(
            "Le code d'ortkpi-xl de ce classeur est abîmé : refaites le classeur avec "
            "« ortkpi-xl lite »."
        )
    folder = _tempfile.mkdtemp(prefix="ortkpi-xl-")
    with _zipfile.ZipFile(_io.BytesIO(data)) as archive:
        archive.extractall(folder)
    for name in [m for m in _sys.modules if m == "ortkpi_xl" or m.startswith("ortkpi_xl.")]:
        del _sys.modules[name]  # an ortkpi_xl imported earlier in this Python is not this one
    _sys.path[:] = [folder] + [p for p in _sys.path if "ortkpi-xl-" not in _os.path.basename(p)]
    if _SETTINGS:  # the workbook's config.yaml, carried too: read as ORTKPI_CONFIG
        path = _os.path.join(folder, "config.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(_SETTINGS)
        _os.environ["ORTKPI_CONFIG"] = path


_install_ortkpi_xl()
'''


def main_py(bundle: Bundle, settings: str | None = None) -> str:
    """The text of ``main.py`` for this bundle and, when given, the text of the config.yaml
    it carries (the same inputs give the same text)."""
    digest = hashlib.sha256(bundle.zip_bytes).hexdigest()
    encoded = bundle.base64
    chunks = "\n".join(f'    "{encoded[i : i + LINE]}"' for i in range(0, len(encoded), LINE))
    functions = udf_functions()
    names = ", ".join(f"={f.name}(…)" for f in functions)
    title = f"Indicateurs ORT dans Excel sans Python sur le poste : ortkpi-xl {__version__}."
    size = f"{len(bundle.modules)} modules, {len(bundle.zip_bytes) // 1024} Ko compressés"
    header = "\n".join(
        [
            f'"""{title}',
            "",
            "Écrit par « ortkpi-xl lite » pour xlwings Lite : ne le modifiez pas ici, refaites",
            "plutôt le classeur avec la commande. Boutons du panneau xlwings Lite : Recalculer,",
            "Valider, Importer InserJeunes. Fonctions des cellules :",
            *textwrap.wrap(names, 88),
            '"""',
            "",
            f"# ortkpi_xl ({size}) voyage ici en zip, en base64 : il est",
            "# décompressé dans le système de fichiers en mémoire de Pyodide, puis importé.",
            "import base64 as _base64",
            "import hashlib as _hashlib",
            "import io as _io",
            "import os as _os",
            "import sys as _sys",
            "import tempfile as _tempfile",
            "import zipfile as _zipfile",
            "",
            f'_BUNDLE_SHA256 = "{digest}"',
            "_BUNDLE = (",
            chunks,
            ")",
            "",
            "# the settings (config.yaml) the workbook's site uses; empty: the defaults",
            f"_SETTINGS = {settings or ''!r}",
        ]
    )
    body = [
        header.rstrip("\n"),
        BOOTSTRAP.rstrip("\n"),
        textwrap.dedent(
            """
            import xlwings as xw

            try:  # what xlwings Lite itself imports
                from xlwings.server import arg, func, script
            except Exception:  # an xlwings without its server part: Lite's documented names
                from xlwings import arg, func, script

            from ortkpi_xl import buttons as _buttons
            from ortkpi_xl import udfs as _udfs
            """
        ).rstrip("\n"),
    ]
    body += ["\n" + _script_code(*s) for s in SCRIPTS]
    body += ["\n" + _function_code(f) for f in functions]
    return "\n\n".join(body) + "\n"
