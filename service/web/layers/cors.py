"""``Cors``: cross-origin access for browser apps (SMART apps, LHC-Forms, fhirpath.js in a page).

The server is read-only and holds no user data, so every origin is allowed by default (``CORS_ORIGINS`` "*");
a comma-separated allow-list restricts it, "off" turns CORS off. A preflight (OPTIONS with
Access-Control-Request-Method) is answered here with 204; every answer to a cross-origin request carries
Access-Control-Allow-Origin and exposes the headers a client needs to read.
"""
from __future__ import annotations

import os

ALLOW_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOW_HEADERS = ("Accept, Accept-Language, Authorization, Content-Type, If-None-Match, If-Modified-Since, Prefer, "
                 "X-Request-Id")
EXPOSE_HEADERS = "ETag, Location, Content-Disposition, Content-Location, X-Request-Id, X-Cache"
MAX_AGE = "600"


def origins(cfg: dict) -> list[str] | None:
    """The allowed origins: ["*"] (default), a list, or None (CORS off)."""
    raw = os.environ.get("RRALL_CORS_ORIGINS", cfg.get("CORS_ORIGINS", "*"))
    if isinstance(raw, (list, tuple)):
        raw = ",".join(raw)
    raw = str(raw).strip()
    if raw.lower() in ("", "off", "none", "false"):
        return None
    return [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]


class Cors:
    def __init__(self, inner, allowed: list[str]):
        self.inner = inner
        self.any = "*" in allowed
        self.allowed = set(allowed)

    def _allow(self, origin: str | None) -> str | None:
        if not origin:
            return None
        if self.any:
            return "*"
        return origin if origin.rstrip("/") in self.allowed else None

    def __call__(self, environ, start_response):
        origin = environ.get("HTTP_ORIGIN")
        allow = self._allow(origin)
        if environ.get("REQUEST_METHOD") == "OPTIONS" and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
            headers = [("Allow", ALLOW_METHODS), ("Content-Length", "0")]
            if allow:
                requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
                headers += [("Access-Control-Allow-Origin", allow),
                            ("Access-Control-Allow-Methods", ALLOW_METHODS),
                            ("Access-Control-Allow-Headers", requested or ALLOW_HEADERS),
                            ("Access-Control-Max-Age", MAX_AGE)]
                if allow != "*":
                    headers.append(("Vary", "Origin"))
            start_response("204 No Content", headers)
            return [b""]
        if allow is None:
            return self.inner(environ, start_response)

        def with_cors(status, headers, exc_info=None):
            headers = list(headers) + [("Access-Control-Allow-Origin", allow),
                                       ("Access-Control-Expose-Headers", EXPOSE_HEADERS)]
            if allow != "*":
                headers.append(("Vary", "Origin"))
            return start_response(status, headers, exc_info)
        return self.inner(environ, with_cors)
