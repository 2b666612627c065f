"""Conditional formats of a worksheet part: reading them, and the tool's own rule.

The tool keeps one rule per sheet (the yellow of awaited figures, ``PendingRule``): a
``<conditionalFormatting>`` holding one ``cfRule type="expression"``. It is recognised by the
ranges and formula the registry of marks recorded, compared the way Excel may rewrite them
(order of ranges, ``$`` signs, case, an ``=`` in front): a person's rule never matches, even on
the same cells. Excel stores rules of the same ranges in one element, so the tool's rule may
share its element with a person's: only the tool's ``cfRule`` is then taken out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .xmlscan import Span, children
from .xmlwrite import element

_FORMULA = re.compile(rb"<(?:[\w.-]+:)?formula\b[^>]*>([^<]*)</(?:[\w.-]+:)?formula\s*>")


@dataclass(frozen=True)
class Rule:
    """One ``cfRule`` of the sheet, with the ranges of the element holding it."""

    sqref: str
    span: Span  # the cfRule
    holder: Span  # the conditionalFormatting element
    data: bytes  # the cfRule's bytes

    @property
    def formulas(self) -> list[str]:
        return [html.unescape(m.group(1).decode("utf-8")) for m in _FORMULA.finditer(self.data)]


def rules_of(data: bytes, kids: list[Span]) -> list[Rule]:
    """Every ``cfRule`` of a worksheet part, in document order."""
    out = []
    for kid in kids:
        if kid.tag.local != b"conditionalFormatting":
            continue
        sqref = kid.tag.attrs.get("sqref", "")
        for child in children(data, kid.tag, kid.end):
            if child.tag.local == b"cfRule":
                out.append(Rule(sqref, child, kid, child.bytes(data)))
    return out


def normal_sqref(sqref: str) -> tuple[str, ...]:
    return tuple(sorted(part.replace("$", "").upper() for part in sqref.split()))


def normal_formula(formula: str) -> str:
    return formula.strip().removeprefix("=").replace("$", "").strip()


def is_tool_rule(rule: Rule, recorded: tuple[str, str] | None) -> bool:
    """Is ``rule`` the one the registry recorded as the tool's ``(sqref, formula)``?"""
    if recorded is None or normal_sqref(rule.sqref) != normal_sqref(recorded[0]):
        return False
    if b'type="expression"' not in rule.data and b"type='expression'" not in rule.data:
        return False
    return [normal_formula(f) for f in rule.formulas] == [normal_formula(recorded[1])]


def rule_xml(p: bytes, sqref: str, formula: str, dxf_id: int, priority: int) -> bytes:
    """The tool's ``<conditionalFormatting>``: one expression rule, its format ``dxf_id``."""
    rule = element(
        p,
        "cfRule",
        {"type": "expression", "dxfId": dxf_id, "priority": priority},
        element(p, "formula", None, text=formula),
    )
    return element(p, "conditionalFormatting", {"sqref": sqref}, rule)


def priority_of(rule: Rule) -> int:
    match = re.search(rb"""\spriority\s*=\s*["'](\d+)["']""", rule.data[: rule.data.find(b">")])
    return int(match.group(1)) if match else 0
