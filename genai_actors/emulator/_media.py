"""Tiny, valid media files made from a seed: PNG images, MP4 videos and raw PCM audio."""

from __future__ import annotations

import hashlib
import math
import struct
import zlib

__all__ = ["image_size", "mask_png", "mp4", "pcm16", "png"]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png(seed: str, width: int = 8, height: int = 8) -> bytes:
    """A valid RGB PNG whose colours are derived from ``seed`` (same seed, same bytes).

    Raises:
        ValueError: If a dimension is not in 1..4096.
    """
    if not (0 < width <= 4096 and 0 < height <= 4096):
        raise ValueError("PNG dimensions must be between 1 and 4096")
    digest = hashlib.sha256(seed.encode()).digest()
    top, bottom = digest[0:3], digest[3:6]
    rows = bytearray()
    for y in range(height):
        mix = y / max(1, height - 1)
        pixel = bytes(int(top[i] * (1 - mix) + bottom[i] * mix) for i in range(3))
        rows += b"\x00" + pixel * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def mask_png(width: int, height: int, box: tuple[float, float, float, float]) -> bytes:
    """A valid 8-bit greyscale PNG mask: 255 inside ``box`` (left, top, right, bottom as
    fractions of the size), 0 elsewhere.

    Raises:
        ValueError: If a dimension is not in 1..4096.
    """
    if not (0 < width <= 4096 and 0 < height <= 4096):
        raise ValueError("PNG dimensions must be between 1 and 4096")
    left, top, right, bottom = (
        round(box[0] * width),
        round(box[1] * height),
        round(box[2] * width),
        round(box[3] * height),
    )
    blank = b"\x00" + b"\x00" * width
    marked = b"\x00" + b"\x00" * left + b"\xff" * (right - left) + b"\x00" * (width - right)
    rows = b"".join(marked if top <= y < bottom else blank for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows, 6))
        + _png_chunk(b"IEND", b"")
    )


_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE})


def image_size(data: bytes) -> tuple[int, int] | None:
    """The (width, height) of a PNG, JPEG or WebP (VP8/VP8L/VP8X) image, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return (width, height) if width and height else None
    if data.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 <= len(data):
            if data[index] != 0xFF:
                return None
            marker = data[index + 1]
            length = struct.unpack(">H", data[index + 2 : index + 4])[0]
            if marker in _JPEG_SOF:
                height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                return (width, height) if width and height else None
            index += 2 + length
        return None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        kind = data[12:16]
        if kind == b"VP8X":
            width = 1 + int.from_bytes(data[24:27], "little")
            height = 1 + int.from_bytes(data[27:30], "little")
            return width, height
        if kind == b"VP8 ":
            width, height = struct.unpack("<HH", data[26:30])
            return width & 0x3FFF, height & 0x3FFF
        if kind == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I", 8 + len(body)) + kind + body


def _full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *payload)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def mp4(seed: str, duration_seconds: float = 1.0, width: int = 16, height: int = 16) -> bytes:
    """A small, structurally valid ISO-BMFF (MP4) file: ``ftyp``, ``moov`` and ``mdat`` boxes.

    The file declares one video track of the given size and duration; its single sample is opaque
    bytes derived from ``seed``, so the container parses (``ffprobe`` reads the track) although no
    decoder is configured. Same seed and duration, same bytes.
    """
    timescale = 1000
    duration = max(1, int(duration_seconds * timescale))
    sample = hashlib.sha256(seed.encode()).digest() * 4
    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isom", b"iso2", b"mp41")
    mvhd = _full_box(
        b"mvhd",
        0,
        0,
        struct.pack(">IIII", 0, 0, timescale, duration),
        struct.pack(">IH", 0x00010000, 0x0100),
        b"\x00" * 10,
        _MATRIX,
        b"\x00" * 24,
        struct.pack(">I", 2),
    )
    tkhd = _full_box(
        b"tkhd",
        0,
        3,
        struct.pack(">IIIII", 0, 0, 1, 0, duration),
        b"\x00" * 8,
        struct.pack(">HHHH", 0, 0, 0, 0),
        _MATRIX,
        struct.pack(">II", width << 16, height << 16),
    )
    mdhd = _full_box(
        b"mdhd",
        0,
        0,
        struct.pack(">IIII", 0, 0, timescale, duration),
        struct.pack(">HH", 0x55C4, 0),
    )
    hdlr = _full_box(
        b"hdlr", 0, 0, struct.pack(">I", 0), b"vide", b"\x00" * 12, b"VideoHandler\x00"
    )
    vmhd = _full_box(b"vmhd", 0, 1, b"\x00" * 8)
    dref = _full_box(b"dref", 0, 0, struct.pack(">I", 1), _full_box(b"url ", 0, 1))
    dinf = _box(b"dinf", dref)
    stsd = _full_box(b"stsd", 0, 0, struct.pack(">I", 0))
    stts = _full_box(b"stts", 0, 0, struct.pack(">III", 1, 1, duration))
    stsc = _full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, 1, 1))
    stsz = _full_box(b"stsz", 0, 0, struct.pack(">III", 0, 1, len(sample)))
    # The chunk offset is patched once the moov size is known.
    stco_placeholder = _full_box(b"stco", 0, 0, struct.pack(">II", 1, 0))
    stbl = _box(b"stbl", stsd, stts, stsc, stsz, stco_placeholder)
    minf = _box(b"minf", vmhd, dinf, stbl)
    mdia = _box(b"mdia", mdhd, hdlr, minf)
    trak = _box(b"trak", tkhd, mdia)
    moov = _box(b"moov", mvhd, trak)
    offset = len(ftyp) + len(moov) + 8
    moov = moov[:-4] + struct.pack(">I", offset)
    return ftyp + moov + _box(b"mdat", sample)


def pcm16(seed: str, seconds: float = 0.25, rate: int = 24000) -> bytes:
    """Little-endian 16-bit mono PCM: a soft tone whose pitch is derived from ``seed``."""
    pitch = 220 + hashlib.sha256(seed.encode()).digest()[0] * 2
    count = int(seconds * rate)
    return b"".join(
        struct.pack("<h", int(3000 * math.sin(2 * math.pi * pitch * i / rate)))
        for i in range(count)
    )
