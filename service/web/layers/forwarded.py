"""``Forwarded``: behind a reverse proxy, the links the server writes (search Bundles, fullUrl, the
CapabilityStatement, HTML pages) must use the address the client used. With ``BEHIND_PROXY`` on (``serve
--behind-proxy``; off by default, because a client could otherwise forge the headers) this layer takes the
scheme, host and path prefix from ``Forwarded`` (RFC 7239) or ``X-Forwarded-Proto/-Host/-Port/-Prefix``."""
from __future__ import annotations

import os
import re

_FORWARDED_PAIR = re.compile(r'(proto|host)\s*=\s*"?([^";,]+)"?', re.I)
_SAFE_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,255}$")
_SAFE_PREFIX = re.compile(r"^(/[A-Za-z0-9._~\-]+)*/?$")


def enabled(cfg: dict) -> bool:
    raw = os.environ.get("RRALL_BEHIND_PROXY", cfg.get("BEHIND_PROXY", False))
    return str(raw).strip().lower() in ("1", "true", "yes", "on")


def _first(value: str | None) -> str | None:
    """The first (client-most) entry of a comma-separated forwarded header."""
    if not value:
        return None
    return value.split(",")[0].strip() or None


class Forwarded:
    def __init__(self, inner):
        self.inner = inner

    def __call__(self, environ, start_response):
        proto = host = None
        forwarded = _first(environ.get("HTTP_FORWARDED"))
        if forwarded:
            for key, value in _FORWARDED_PAIR.findall(forwarded):
                if key.lower() == "proto":
                    proto = value
                else:
                    host = value
        proto = proto or _first(environ.get("HTTP_X_FORWARDED_PROTO"))
        host = host or _first(environ.get("HTTP_X_FORWARDED_HOST"))
        port = _first(environ.get("HTTP_X_FORWARDED_PORT"))
        prefix = _first(environ.get("HTTP_X_FORWARDED_PREFIX"))
        if proto and proto.lower() in ("http", "https"):
            environ["wsgi.url_scheme"] = proto.lower()
        if host and _SAFE_HOST.match(host):
            if port and port.isdigit() and ":" not in host.rsplit("]", 1)[-1]:
                default = "443" if environ.get("wsgi.url_scheme") == "https" else "80"
                host = host if port == default else f"{host}:{port}"
            environ["HTTP_HOST"] = host
        if prefix and _SAFE_PREFIX.match(prefix):
            environ["SCRIPT_NAME"] = prefix.rstrip("/") + environ.get("SCRIPT_NAME", "")
        return self.inner(environ, start_response)
