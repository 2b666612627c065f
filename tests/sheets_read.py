"""Reading the tool's own sheets back the way a person reads them (tests only)."""

from __future__ import annotations


def find_row(ws, first: str, second: str | None = None) -> int:
    """The row whose column A holds ``first`` (and column B ``second``)."""
    for row in ws.iter_rows(min_row=1, max_col=2):
        if row[0].value == first and (second is None or row[1].value == second):
            return row[0].row
    raise AssertionError(f"no row {first!r} / {second!r} in {ws.title}")


def dashboard(ws) -> dict[str, dict[str, object]]:
    """Synthèse's first table: site (and network) → header → (value, what it rests on)."""
    header_row = find_row(ws, "Site", "État")
    header = [c.value for c in ws[header_row]]
    out: dict[str, dict[str, object]] = {}
    r = header_row + 1
    while ws.cell(row=r, column=1).value:
        values = [c.value for c in ws[r]]
        basis = [c.value for c in ws[r + 1]]
        out[values[0]] = {
            h: (v, b) for h, v, b in zip(header, values, basis, strict=False) if h is not None
        }
        r += 2
    return out


def site_table(ws, site: str) -> dict[str, dict[str, object]]:
    """Synthèse's table of one site: programme label → header → value."""
    title = next(
        c.row
        for c in ws["A"]
        if isinstance(c.value, str) and c.value.startswith(f"{site} — indicateurs par formation")
    )
    header = [c.value for c in ws[title + 1]]
    out: dict[str, dict[str, object]] = {}
    r = title + 2
    while ws.cell(row=r, column=1).value and ws.cell(row=r, column=2).value is not None:
        values = [c.value for c in ws[r]]
        out[values[0]] = {h: v for h, v in zip(header, values, strict=False) if h}
        r += 1
    return out


def controls_sites(ws) -> dict[str, dict[str, object]]:
    """The « État des sites » block of Contrôles: site → header → value."""
    header_row = find_row(ws, "Site", "État")
    header = [c.value for c in ws[header_row]]
    out = {}
    r = header_row + 1
    while ws.cell(row=r, column=1).value:
        values = [c.value for c in ws[r]]
        out[values[0]] = dict(zip(header, values, strict=False))
        r += 1
    return out


def controls_detail(ws) -> list[dict[str, object]]:
    """The detail of Contrôles, one dict per line."""
    header_row = find_row(ws, "Feuille", "Ligne")
    header = [c.value for c in ws[header_row]]
    out = []
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] is None:
            break
        out.append(dict(zip(header, row, strict=False)))
    return out
