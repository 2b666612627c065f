"""The tool's conditional format on a person's sheet: the yellow of awaited figures.

One rule per sheet (``PendingRule``), replacing exactly the tool's previous one (recorded in the
registry of marks), never a person's. The new rule comes last in precedence (a person's rules
win where they overlap) and goes where the old one was, else after the sheet's other
conditional formats, else where the schema puts them. Its yellow is a differential format
appended to the stylesheet (reused on the next run, so a second run changes nothing).
"""

from __future__ import annotations

import re

from ...workbook.changes import PendingRule
from ..condformat import Rule, is_tool_rule, priority_of, rule_xml, rules_of
from ..plan import RuleEdit
from ..sheetxml import SheetPart, followers, insert_before
from ..styles import highlight_dxf
from .base import Planning
from .sheet import EditedSheet

_PRIORITY = re.compile(rb"""<(?:[\w.-]+:)?cfRule\b[^>]*?\spriority\s*=\s*["'](\d+)["']""")
AFTER_CONDITIONAL_FORMATTING = followers("conditionalFormatting")


def plan_rule(planning: Planning, work: EditedSheet, rule: PendingRule) -> None:
    sheet, data = work.sheet, work.sheet.data
    recorded = planning.registry.rules.get(work.name)
    rules = rules_of(data, sheet.kids)
    ours = [r for r in rules if is_tool_rule(r, recorded)]
    new = None
    if rule.ranges:
        sqref = " ".join(rule.ranges)
        dxf = planning.styles.dxf_id(highlight_dxf(planning.styles.p, rule.colour))
        others = [priority_of(r) for r in rules if r not in ours] + _extension_priorities(sheet)
        priority = max(others + [0]) + 1
        new = rule_xml(sheet.p, sqref, rule.formula, dxf, priority)
        planning.registry.rules[work.name] = (sqref, rule.formula)
    else:
        planning.registry.rules.pop(work.name, None)
    whole = [r for r in ours if _alone(r, rules)]
    if new is not None and len(ours) == 1 and whole and whole[0].holder.bytes(data) == new:
        return  # the same rule, already there (a second run)
    if not ours and new is None:
        return
    edits: list[tuple[int, int, bytes]] = []
    placed = False
    for r in ours:
        if r in whole:
            replacement = new if new is not None and not placed else b""
            placed |= bool(replacement)
            edits.append((r.holder.start, r.holder.end, replacement))
        else:
            edits.append((r.span.start, r.span.end, b""))
    if new is not None and not placed:
        held = [r.holder for r in rules]
        pos = held[-1].end if held else insert_before(sheet, AFTER_CONDITIONAL_FORMATTING)
        edits.append((pos, pos, new))
    work.patcher.extra.extend(edits)
    planning.plan.rule_edits[work.part] = RuleEdit(recorded, tuple(r.data for r in ours), new)


def _extension_priorities(sheet: SheetPart) -> list[int]:
    """Priorities of the rules Excel keeps in the sheet's extensions (data bars, icon sets…):
    they share one order with the others."""
    ext = sheet.kid("extLst")
    if ext is None:
        return []
    found = _PRIORITY.findall(sheet.data, ext.start, ext.end)
    return [int(p) for p in found]


def _alone(rule: Rule, rules: list[Rule]) -> bool:
    """Is ``rule`` the only cfRule of its element?"""
    return sum(1 for r in rules if r.holder.start == rule.holder.start) == 1
