"""Content negotiation, done once per request: which format the answer is written in.

``_format`` wins over ``Accept``. Kinds: "json" (FHIR JSON), "xml" (FHIR XML), "html" (a page for people:
``_format=html``, or a browser whose Accept prefers text/html to every FHIR type), or None when the client
accepts none of them (a 406). File downloads ($package, *.csv) also accept their own media types. A bounded memo
per application answers the few Accept headers clients send over and over.
"""
from __future__ import annotations

import threading

from ..errors import TerminologyError

JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
XML_TYPES = ("application/fhir+xml", "application/xml", "text/xml", "application/xml+fhir")
# "+" in an unencoded query arrives as a space: "application/fhir json" means application/fhir+json
XML_FORMATS = {"xml", "fhir+xml", "fhir xml", "application/fhir xml", "application/xml fhir"} | set(XML_TYPES)
JSON_FORMATS = {"json", "fhir+json", "fhir json", "application/fhir json", "application/json fhir"} | set(JSON_TYPES)
FILE_TYPES = {"$package": ("application/gzip", "application/x-gzip", "application/octet-stream"),
              "csv": ("text/csv", "text/*")}   # last path segment (or its extension) -> extra accepted types
HTML_FORMATS = {"html", "text/html"}
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_MEMO_VALUE = 512


def negotiate(fmt: str | None, accept: str | None, last_segment: str = "") -> str | None:
    """"json", "xml", or None (nothing acceptable) for a _format value and an Accept header."""
    ext = last_segment.rsplit(".", 1)[-1]
    ext = ext if ext in FILE_TYPES else ""
    if fmt is not None:
        low = fmt.strip().lower()
        return "xml" if low in XML_FORMATS else "json" if low in JSON_FORMATS else "html" if low in HTML_FORMATS \
            else None
    if not accept:
        return "json"
    best, types = _preferences(accept)
    if best["json"] <= 0 and best["xml"] <= 0 and best["html"] <= 0:
        extra = FILE_TYPES.get(ext, ())
        return "json" if any(t in extra for t in types) else None
    if ext and any(t in FILE_TYPES.get(ext, ()) for t in types):
        return "json"   # a download asked for by its own type: not a page
    # a page only for a browser: text/html preferred, and xhtml offered too (every browser sends it) or nothing
    # but HTML asked for; a client such as Java's default (text/html, image/gif, ..., */*) gets FHIR
    browser = "application/xhtml+xml" in types or all(t in HTML_TYPES for t in types)
    if browser and best["html"] > max(best["json"], best["xml"]):
        return "html"
    return "xml" if best["xml"] > best["json"] else "json"


def _preferences(accept: str) -> tuple[dict, list[str]]:
    """The highest quality the Accept header gives each kind, and the media types it accepts (q > 0)."""
    best = {"json": -1.0, "xml": -1.0, "html": -1.0}
    types = []
    for item in accept.split(","):
        mtype, _, rest = item.partition(";")
        mtype = mtype.strip().lower()
        q = _quality(rest)
        if q > 0:
            types.append(mtype)
        kind = "xml" if mtype in XML_TYPES else "json" if mtype in JSON_TYPES or mtype in ("*/*", "application/*") \
            else "html" if mtype in HTML_TYPES else None
        if kind:
            best[kind] = max(best[kind], q)
    return best, types


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


class Negotiator:
    """negotiate() with a bounded memo (one per application, created in create_app)."""

    def __init__(self, max_items: int = 512):
        self.max_items = max_items
        self._memo: dict = {}
        self._lock = threading.Lock()

    def __call__(self, fmt: str | None, accept: str | None, last_segment: str = "") -> str | None:
        ext = last_segment.rsplit(".", 1)[-1]
        ext = ext if ext in FILE_TYPES else ""
        if (fmt is not None and len(fmt) > 64) or (accept is not None and len(accept) > MAX_MEMO_VALUE):
            return negotiate(fmt, accept, ext)
        key = (fmt, accept, ext)
        hit = self._memo.get(key, self)
        if hit is not self:
            return hit
        kind = negotiate(fmt, accept, ext)
        with self._lock:
            if len(self._memo) >= self.max_items:
                self._memo.clear()
            self._memo[key] = kind
        return kind


def not_acceptable(fmt: str | None, accept: str | None) -> TerminologyError:
    if fmt is not None:
        return TerminologyError(f"Unsupported _format '{fmt}': use json or xml", status=406,
                                issue_code="not-supported")
    return TerminologyError(f"Cannot produce any of the accepted types '{accept}': use application/fhir+json",
                            status=406, issue_code="not-supported")
