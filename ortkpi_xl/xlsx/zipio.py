"""Writing a zip whose untouched members are the source's compressed bytes, copied raw.

``zipfile`` can only recompress, so a part it "copies" comes out with other compressed bytes (and
takes time for a large picture or VBA project). This writer copies the compressed stream of an
untouched member as it is and compresses only the parts the tool changed. Its output is
deterministic: same input and changes, same bytes (no data descriptors, no extra fields, the
source member's date kept), which makes "apply twice, same file" testable at the byte level.
No zip64: the entry guard caps sizes far below 4 GiB.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import BinaryIO

_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")
_UTF8_FLAG = 0x800
_DESCRIPTOR_FLAG = 0x8
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_MAX = 0xFFFFFFFF


def raw_member(source: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of ``info`` as stored in ``source``."""
    source.seek(info.header_offset)
    header = source.read(_LOCAL.size)
    if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    fields = _LOCAL.unpack(header)
    source.seek(info.header_offset + _LOCAL.size + fields[9] + fields[10])
    data = source.read(info.compress_size)
    if len(data) != info.compress_size:
        raise zipfile.BadZipFile(f"truncated member {info.filename}")
    return data


def _dos_datetime(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    year = min(max(year, 1980), 2107)
    return (
        (hour << 11) | (minute << 5) | (second // 2),
        ((year - 1980) << 9) | (month << 5) | day,
    )


class ZipWriter:
    """Append members, then ``close()`` writes the central directory."""

    def __init__(self, target: BinaryIO) -> None:
        self._out = target
        self._central: list[bytes] = []
        self._offset = 0

    def copy_raw(self, info: zipfile.ZipInfo, raw: bytes) -> None:
        """Copy a member exactly as compressed in the source."""
        self._write(
            info.filename,
            raw,
            info.CRC,
            info.file_size,
            info.compress_type,
            info,
            info.flag_bits & 0x6,
        )

    def add(self, name: str, data: bytes, template: zipfile.ZipInfo | None = None) -> None:
        """A new or changed member: compressed like ``template`` (deflate when new)."""
        method = zipfile.ZIP_DEFLATED if template is None else template.compress_type
        if method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            method = zipfile.ZIP_DEFLATED
        if method == zipfile.ZIP_DEFLATED:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            payload = packer.compress(data) + packer.flush()
        else:
            payload = data
        self._write(name, payload, zlib.crc32(data), len(data), method, template, 0)

    def _write(
        self,
        name: str,
        payload: bytes,
        crc: int,
        size: int,
        method: int,
        template: zipfile.ZipInfo | None,
        option_flags: int,
    ) -> None:
        if len(payload) > _MAX or size > _MAX or self._offset > _MAX:
            raise ValueError("member too large for a zip without zip64")
        try:
            encoded = name.encode("ascii")
            flags = option_flags
        except UnicodeEncodeError:
            encoded = name.encode("utf-8")
            flags = option_flags | _UTF8_FLAG
        flags &= ~_DESCRIPTOR_FLAG
        date_time = template.date_time if template is not None else _FIXED_DATE
        dos_time, dos_date = _dos_datetime(date_time)
        needed = 20 if method == zipfile.ZIP_DEFLATED else 10
        if template is not None:
            needed = max(needed, min(template.extract_version, 20))
        header = _LOCAL.pack(
            b"PK\x03\x04",
            needed,
            flags,
            method,
            dos_time,
            dos_date,
            crc,
            len(payload),
            size,
            len(encoded),
            0,
        )
        made_by = 20
        external = 0
        if template is not None:
            made_by = (template.create_system << 8) | min(template.create_version, 63)
            external = template.external_attr & 0xFFFFFFFF
        self._central.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                made_by,
                needed,
                flags,
                method,
                dos_time,
                dos_date,
                crc,
                len(payload),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                external,
                self._offset,
            )
            + encoded
        )
        self._out.write(header)
        self._out.write(encoded)
        self._out.write(payload)
        self._offset += len(header) + len(encoded) + len(payload)

    def close(self) -> None:
        start = self._offset
        directory = b"".join(self._central)
        self._out.write(directory)
        count = len(self._central)
        if count > 0xFFFF:
            raise ValueError("too many members for a zip without zip64")
        self._out.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
