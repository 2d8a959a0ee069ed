"""``Gzip``: compresses answers larger than ``MIN_BYTES`` for clients that accept gzip (a full search is
megabytes of JSON, a $bundle more). Streamed answers are compressed as they stream."""
from __future__ import annotations

import zlib

MIN_BYTES = 1024
COMPRESSIBLE = ("application/fhir+json", "application/json", "application/fhir+xml", "application/xml",
                "text/", "application/javascript", "image/svg+xml")


def _accepts_gzip(header: str) -> bool:
    """gzip is acceptable when listed with q > 0, or not listed while * is (RFC 9110, 12.5.3)."""
    qualities: dict[str, float] = {}
    for part in header.split(","):
        coding, *params = [x.strip() for x in part.split(";")]
        q = 1.0
        for p in params:
            name, _, value = p.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding:
            qualities[coding.lower()] = q
    if "gzip" in qualities:
        return qualities["gzip"] > 0
    return qualities.get("*", 0) > 0


class Gzip:
    def __init__(self, inner, level: int = 5):
        self.inner = inner
        self.level = level

    def __call__(self, environ, start_response):
        if not _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")) or environ.get("REQUEST_METHOD") == "HEAD":
            return self.inner(environ, start_response)
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, list(headers)
            return lambda data: None   # the write() callable: not used by this application

        body = self.inner(environ, capture)
        status, headers = captured["status"], captured["headers"]
        names = {k.lower(): v for k, v in headers}
        ctype = names.get("content-type", "")
        length = names.get("content-length")
        small = length is not None and int(length) < MIN_BYTES
        if small or "content-encoding" in names or not ctype.startswith(COMPRESSIBLE) or status[:3] in ("204", "304"):
            start_response(status, headers)
            return body
        headers = [(k, v) for k, v in headers if k.lower() not in ("content-length",)]
        vary = names.get("vary")
        headers = [(k, v) for k, v in headers if k.lower() != "vary"]
        headers += [("Content-Encoding", "gzip"), ("Vary", f"{vary}, Accept-Encoding" if vary else "Accept-Encoding")]
        if length is not None:   # a whole body: compress it at once, with its length
            data = gzip_bytes(b"".join(body), self.level)
            if hasattr(body, "close"):
                body.close()
            start_response(status, headers + [("Content-Length", str(len(data)))])
            return [data]
        start_response(status, headers)
        return _stream(body, self.level)


def gzip_bytes(data: bytes, level: int = 5) -> bytes:
    z = zlib.compressobj(level, zlib.DEFLATED, 31)
    return z.compress(data) + z.flush()


def _stream(body, level: int):
    z = zlib.compressobj(level, zlib.DEFLATED, 31)
    try:
        for chunk in body:
            out = z.compress(chunk)
            if out:
                yield out
        yield z.flush()
    finally:
        if hasattr(body, "close"):
            body.close()
