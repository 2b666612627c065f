"""What every planner works with: the source package, the plan being built, the refusals.

One ``Planning`` per write. Planners add to its ``plan`` through ``parts`` (members,
relationships, content types), to the stylesheet through ``styles``, to the registry of the
tool's marks through ``registry``, and collect in ``refusals`` everything that cannot be done
safely: the writer refuses them all together, in French, before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import WorkbookError
from ...workbook.marks import Marks
from ..notes import vml_block_numbers
from ..opc import Package
from ..options import WriteOptions
from ..plan import PartEditor, Plan, WriteReport, listing
from ..styles import Styles


class Planning:
    def __init__(self, package: Package, options: WriteOptions, source: Path) -> None:
        self.pkg = package
        self.options = options
        self.source = source
        self.plan = Plan(note_author=options.note_author)
        self.report = WriteReport(source=source, target=source)
        self.plan.report = self.report
        self.parts = PartEditor(package, self.plan)
        self.refusals: list[str] = []
        self.styles: Styles  # set once the stylesheet is read
        self.registry = Marks()
        self.registry_existed = False
        self._vml_blocks: list[int] | None = None

    def refuse(self, text: str) -> None:
        self.refusals.append(text)

    def refusal(self, items: list[str]) -> WorkbookError:
        return WorkbookError(
            f"Le classeur « {self.source.name} » n'a pas été modifié, car l'écriture ne serait "
            f"pas sûre : {listing(items)}. Corrigez ces points dans Excel (ou enregistrez le "
            "résultat ailleurs avec -o sur une copie corrigée), puis relancez."
        )

    def stop_if_refused(self) -> None:
        if self.refusals:
            raise self.refusal(self.refusals)

    def vml_block(self) -> int:
        """A shape-id block no VML part of the workbook uses yet (for a new notes drawing)."""
        if self._vml_blocks is None:
            blocks = [0]
            for info in self.pkg.infos:
                if info.filename.lower().endswith(".vml"):
                    blocks += vml_block_numbers(self.pkg.read(info.filename))
            self._vml_blocks = blocks
        block = max(self._vml_blocks) + 1
        self._vml_blocks.append(block)
        return block
