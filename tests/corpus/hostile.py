"""Files the entry guard must refuse: made by hand, small, at test time."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (what .xls and encrypted .xlsx are) holding ``streams``.

    One FAT sector, one directory sector (root + up to 3 streams), streams padded to 4096 bytes
    so they live in ordinary sectors.
    """
    assert len(streams) <= 3
    sector = 512
    data_sectors: list[bytes] = []
    entries = []
    next_sector = 2  # 0: FAT, 1: directory
    fat = [_FAT, _END]
    for name, content in streams.items():
        padded = content.ljust(max(4096, -(-len(content) // sector) * sector), b"\0")
        count = len(padded) // sector
        start = next_sector
        for i in range(count):
            fat.append(start + i + 1 if i < count - 1 else _END)
        data_sectors.append(padded)
        entries.append((name, start, len(content)))
        next_sector += count

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", _FREE, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1 if entries else _FREE, _FREE, _END, 0)
    for i, (name, start, size) in enumerate(entries):
        right = i + 2 if i + 1 < len(entries) else _FREE
        directory += entry(name, 2, _FREE, right, start, size)
    directory = directory.ljust(sector, b"\0")
    fat_sector = b"".join(struct.pack("<I", v) for v in fat).ljust(sector, b"\xff")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREE) * 108
    )
    assert len(header) == 512
    return header + fat_sector + directory + b"".join(data_sectors)


def xls(path: Path) -> Path:
    path.write_bytes(
        cfb({"Workbook": b"\x09\x08\x10\x00" + b"\0" * 100, "\x05SummaryInformation": b"\0" * 64})
    )
    return path


def encrypted(path: Path) -> Path:
    path.write_bytes(
        cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 60, "EncryptedPackage": b"\0" * 5000})
    )
    return path


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def patched(
    source: Path,
    path: Path,
    member: str,
    new: bytes | None = None,
    extra: dict[str, bytes] | None = None,
    replace: tuple[bytes, bytes] | None = None,
) -> Path:
    """A copy of ``source`` with one member replaced (or edited with ``replace``)."""
    with zipfile.ZipFile(source) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    if replace is not None:
        members[member] = members[member].replace(*replace)
    elif new is not None:
        members[member] = new
    members.update(extra or {})
    return zip_of(path, members)


def excel_owner_file(path: Path, user: str) -> Path:
    """An Excel ``~$`` owner file as Excel writes it (165 bytes, the name twice)."""
    name = user[:52]
    data = bytes([len(name)]) + name.encode("cp1252", "replace")
    data = data.ljust(55, b" ")
    data += struct.pack("<H", len(name)) + name.encode("utf-16-le")
    while len(data) < 165:
        data += b" \0"
    path.write_bytes(data[:165])
    return path
