"""The two limits a fetch keeps while it reads: one wall-clock deadline for the whole fetch, and a
cap on the body after Content-Encoding decoding (a small gzip body can decode to gigabytes)."""

from __future__ import annotations

import time
import zlib

from digestbot.domain.models import FetchError, FetchTimedOut, ResponseTooLarge


def refuse_declared_oversize(headers: dict[str, str], cap: int, where: str) -> None:
    """Refuse a body whose Content-Length is over the cap before reading any of it."""
    length = headers.get("content-length")
    if length is None:
        return
    try:
        declared = int(length)
    except ValueError:
        raise FetchError(where, f"invalid Content-Length {length!r}") from None
    if declared > cap:
        raise ResponseTooLarge(where, f"body of {declared} bytes is over the {cap}-byte cap")


def content_encoding(headers: dict[str, str], where: str) -> str:
    """The body's Content-Encoding, one that CappedDecoder decodes (x-gzip is gzip)."""
    encoding = headers.get("content-encoding", "identity").strip().lower() or "identity"
    if encoding == "x-gzip":
        encoding = "gzip"
    if encoding not in ("identity", "gzip", "deflate"):
        raise FetchError(where, f"unsupported Content-Encoding {encoding!r}")
    return encoding


class Deadline:
    """One wall-clock deadline for a whole fetch, redirects included."""

    def __init__(self, seconds: float, url: str):
        self.seconds = seconds
        self.url = url
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise FetchTimedOut(self.url, f"fetch took longer than {self.seconds:g} s (deadline)")
        return left


class CappedDecoder:
    """Content-Encoding decoding (identity, gzip, deflate) with a cap on the output, in bounded steps."""

    def __init__(self, encoding: str, cap: int, url: str):
        self.cap = cap
        self.url = url
        self.out = bytearray()
        self.encoding = encoding
        if encoding == "gzip":
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = None  # zlib-wrapped or raw: decided on the first bytes
            self._pending = b""
        else:
            self._z = None

    def _too_big(self) -> ResponseTooLarge:
        return ResponseTooLarge(self.url, f"body larger than {self.cap} bytes after decompression")

    def feed(self, data: bytes) -> None:
        if self.encoding == "identity":
            if len(self.out) + len(data) > self.cap:
                raise ResponseTooLarge(self.url, f"body larger than {self.cap} bytes")
            self.out += data
            return
        if self._z is None:  # deflate, first bytes
            self._pending += data
            if len(self._pending) < 2:
                return
            first = self._pending[:2]
            looks_zlib = (first[0] & 0x0F) == 8 and int.from_bytes(first, "big") % 31 == 0
            self._z = zlib.decompressobj(zlib.MAX_WBITS if looks_zlib else -zlib.MAX_WBITS)
            data, self._pending = self._pending, b""
        try:
            while data:
                room = self.cap - len(self.out)
                chunk = self._z.decompress(data, room + 1)
                self.out += chunk
                if len(self.out) > self.cap:
                    raise self._too_big()
                data = self._z.unconsumed_tail
                if self._z.eof:
                    break
        except zlib.error as exc:
            raise FetchError(self.url, f"corrupt {self.encoding} body ({exc})") from None

    def finish(self) -> bytes:
        if self.encoding == "deflate" and self._z is None and self._pending:
            raise FetchError(self.url, "corrupt deflate body (truncated)")
        if self._z is not None:
            try:
                tail = self._z.flush()
            except zlib.error as exc:
                raise FetchError(self.url, f"corrupt {self.encoding} body ({exc})") from None
            if len(self.out) + len(tail) > self.cap:
                raise self._too_big()
            self.out += tail
        return bytes(self.out)
