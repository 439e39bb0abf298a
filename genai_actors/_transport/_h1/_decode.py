"""Incremental decoding of ``Content-Encoding: gzip`` and ``deflate`` bodies with zlib."""

from __future__ import annotations

import zlib

from ._errors import PayloadError

__all__ = ["Decoder", "decoder_for"]

_GZIP_WBITS = 16 + zlib.MAX_WBITS
_ZLIB_WBITS = zlib.MAX_WBITS
_RAW_WBITS = -zlib.MAX_WBITS


class Decoder:
    """Decodes one body chunk by chunk; output is available as soon as zlib yields it.

    ``deflate`` is accepted both as RFC 1950 (zlib-wrapped, what the RFC means) and as raw
    RFC 1951 (what some servers send): the first two bytes decide. Bytes after the end of the
    compressed stream are ignored.
    """

    __slots__ = ("_deflate", "_head", "_zlib")

    def __init__(self, encoding: str) -> None:
        self._deflate = encoding == "deflate"
        self._head = b""
        self._zlib: zlib._Decompress | None = None  # made on the first byte

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes ``data`` yields (possibly ``b""``).

        Raises:
            PayloadError: The data is not valid for the encoding.
        """
        decoder = self._zlib
        if decoder is None and not self._deflate:
            if not data:
                return b""
            decoder = self._zlib = zlib.decompressobj(_GZIP_WBITS)
        elif decoder is None:
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return b""
            self._head = b""
            cmf, flg = data[0], data[1]
            zlib_wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
            decoder = self._zlib = zlib.decompressobj(_ZLIB_WBITS if zlib_wrapped else _RAW_WBITS)
        try:
            return decoder.decompress(data)
        except zlib.error as exc:
            raise PayloadError(f"cannot decode the body: {exc}") from exc

    def flush(self) -> bytes:
        """What remains at the end of the body.

        An empty body decodes to ``b""``.

        Raises:
            PayloadError: The compressed stream was cut short.
        """
        decoder = self._zlib
        if decoder is None:
            if self._head:
                raise PayloadError("cannot decode the body: it ends inside the deflate header")
            return b""
        try:
            tail = decoder.flush()
        except zlib.error as exc:
            raise PayloadError(f"cannot decode the body: {exc}") from exc
        if not decoder.eof:
            raise PayloadError("cannot decode the body: the compressed stream is cut short")
        return tail


def decoder_for(encoding: str | None) -> Decoder | None:
    """A decoder for a ``Content-Encoding`` value, or ``None`` when the body is used as sent
    (no encoding, ``identity``, or one this client does not decode)."""
    if encoding is None:
        return None
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return Decoder("gzip")
    if encoding == "deflate":
        return Decoder("deflate")
    return None
