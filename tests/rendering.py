"""Looking at the outputs as a person does (tests only): a sheet printed by LibreOffice, a page
shown or printed by headless Chromium, then read back with poppler (pdfinfo, pdftotext)."""

from __future__ import annotations

import html
import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path


def one_sheet(source: Path, sheet: str, target: Path) -> Path:
    """A copy of the workbook whose only sheet is ``sheet`` (LibreOffice prints every sheet,
    hidden ones included): the other sheets' entries and sheet-local names are dropped."""
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                names = [
                    html.unescape(n) for n in re.findall(r'<sheet\b[^>]*?\bname="([^"]*)"', text)
                ]
                keep = names.index(sheet)

                def entry(match: re.Match) -> str:
                    name = html.unescape(re.search(r'\bname="([^"]*)"', match.group(0)).group(1))
                    return match.group(0) if name == sheet else ""

                def local(match: re.Match, keep: int = keep) -> str:
                    index = re.search(r'localSheetId="(\d+)"', match.group(0))
                    if index is None:
                        return match.group(0)
                    if int(index.group(1)) != keep:
                        return ""
                    return match.group(0).replace(index.group(0), 'localSheetId="0"')

                text = re.sub(r"<sheet\b[^>]*/>", entry, text)
                text = re.sub(r"<definedName\b[^>]*>.*?</definedName>", local, text, flags=re.S)
                text = re.sub(r'\s(?:activeTab|firstSheet)="\d+"', "", text)
                data = text.encode("utf-8")
            w.writestr(info, data)
    return target


def render_sheet(lo_check: Path, workbook: Path, sheet: str, pdf: Path) -> Path:
    """``sheet`` printed to PDF by LibreOffice (its print setup applies); no error cell."""
    alone = one_sheet(workbook, sheet, pdf.with_suffix(".xlsx"))
    run = subprocess.run(
        [str(lo_check), "--pdf", str(pdf), str(alone)], capture_output=True, text=True, timeout=180
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert pdf.exists()
    return pdf


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_page_size(pdf: Path) -> tuple[float, float]:
    """Width and height of the first page, in points (A4 landscape: 842 × 595)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    match = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M)
    return float(match.group(1)), float(match.group(2))


def pdf_texts(pdf: Path) -> list[str]:
    """The text of each page, whitespace collapsed."""
    out = []
    for page in range(1, pdf_pages(pdf) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
        ).stdout
        out.append(" ".join(text.split()))
    return out


def png(pdf: Path, out_prefix: Path, dpi: int = 60) -> list[Path]:
    """Each page as a PNG (to look at)."""
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out_prefix)], check=True, timeout=120
    )
    return sorted(out_prefix.parent.glob(out_prefix.name + "-*.png"))


# -- Chromium -----------------------------------------------------------------------------------

_CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def screenshot(chromium: Path, page: Path, out: Path, size: str, profile: Path) -> Path:
    subprocess.run(
        [
            str(chromium),
            *_CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={out}",
            f"--window-size={size}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=90,
        check=False,
    )
    assert out.exists() and out.stat().st_size > 10_000, f"no screenshot of {page.name} ({size})"
    return out


def print_to_pdf(chromium: Path, page: Path, out: Path, profile: Path) -> Path:
    """The page as the browser prints it (its print style sheet applies)."""
    subprocess.run(
        [
            str(chromium),
            *_CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=90,
        check=False,
    )
    assert out.exists() and out.stat().st_size > 1_000, f"no PDF of {page.name}"
    return out


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the first and last pixel of each row of an 8-bit PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 3
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return (
        width,
        height,
        [bytes(r[i * channels : i * channels + 3]) for r in rows for i in (0, width - 3)],
    )


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
