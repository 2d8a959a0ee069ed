"""The one place an answer becomes bytes: results, errors, conversion to R4, serialisation, headers, ETags.

A route handler returns a ``Result`` (a FHIR resource in the internal R5 shape) or a ``FileResult`` (a
download), or raises a ``TerminologyError``. ``respond`` turns either into (status, headers, body): the
resource is converted to R4 on /r4 (once), written as FHIR JSON or XML as negotiated, and given its caching
headers; errors become an OperationOutcome with the error's HTTP status, rendered the same way.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Callable, Iterable

import orjson

from .. import fhir_io
from ..convert import r5_to_r4
from ..errors import TerminologyError, issue, to_operation_outcome

log = logging.getLogger("rrall")
KEY_ENV = "rrall.cache_key"       # set by the response cache layer: the request's key (and weak ETag)
STORE_ENV = "rrall.cache_store"   # set here: this answer may be stored by the response cache layer


@dataclass
class Result:
    """A FHIR resource (R5 shape) to answer with. to_r4 converts it for /r4 (default: convert.r5_to_r4)."""
    resource: dict
    status: int = 200
    headers: dict = field(default_factory=dict)
    to_r4: Callable[[dict], dict] | None = None
    cache: bool = True       # a 200 GET may carry Cache-Control/ETag and be stored by the response cache


@dataclass
class FileResult:
    """A download: bytes or a stream of chunks, with its media type and file name."""
    body: bytes | Iterable[bytes]
    mimetype: str
    filename: str | None = None
    etag: str | None = None
    weak: bool = False
    headers: dict = field(default_factory=dict)


@dataclass
class PageResult:
    """A page for people (HTML), made by a route's page handler."""
    body: bytes
    status: int = 200
    headers: dict = field(default_factory=dict)


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: Iterable[bytes]

    @property
    def status_line(self) -> str:
        try:
            return f"{self.status} {HTTPStatus(self.status).phrase}"
        except ValueError:
            return f"{self.status} Unknown"


def caching_headers(max_age: int, get_like: bool = True) -> list[tuple[str, str]]:
    """Vary, and Cache-Control for GET/HEAD: the headers every cacheable answer carries."""
    out = [("Vary", "Accept, Accept-Language")]
    if get_like:
        out.append(("Cache-Control", f"public, max-age={max_age}"))
    return out


def _serialise(resource: dict, version: str | None, fmt: str | None, pretty: bool, plain_json: bool, req=None,
               status: int = 200):
    if fmt == "html":
        from . import pages
        return pages.resource_page(req, resource, status), "text/html; charset=utf-8"
    if fmt == "xml":
        try:
            return fhir_io.to_xml(resource, version or "R5"), "application/fhir+xml"
        except fhir_io.XMLError:
            log.exception("cannot render %s as XML; answering in JSON", resource.get("resourceType"))
    body = orjson.dumps(resource, option=orjson.OPT_INDENT_2 if pretty else 0)
    return body, ("application/json" if plain_json else "application/fhir+json")


def render(req, result: Result, fmt: str | None, *, max_age: int) -> Answer:
    resource = result.resource
    if req.version == "R4":
        resource = (result.to_r4 or r5_to_r4)(resource)
    fmt_arg = req.arg("_format")
    body, ctype = _serialise(resource, req.version, fmt, req.arg("_pretty") == "true",
                             fmt_arg in ("json", "application/json"), req, result.status)
    headers = [("Content-Type", ctype + ("; charset=utf-8" if ctype.endswith("xml") else "")),
               ("Content-Length", str(len(body)))]
    headers.extend(result.headers.items())
    get_like = req.method in ("GET", "HEAD")
    if result.status == 200 and result.cache:
        key = req.environ.get(KEY_ENV)
        if key is not None:   # a cacheable route: the ETag is the request's key, stable across workers
            headers.append(("ETag", f'W/"{key}"'))
            have = {k.lower() for k, _v in result.headers.items()}
            headers.extend(h for h in caching_headers(max_age, get_like) if h[0].lower() not in have)
            headers.append(("X-Cache", "MISS"))
            req.environ[STORE_ENV] = True
        elif get_like:
            headers.append(("ETag", f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'))
    return Answer(result.status, headers, [b""] if req.method == "HEAD" else [body])


def render_page(req, result: PageResult, *, max_age: int = 0) -> Answer:
    """A page; on a cacheable route a 200 carries the request key as its ETag and may be stored, like FHIR answers
    (the key holds Accept, Accept-Language and the query, so a page and the FHIR answer never share an entry)."""
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(result.body))),
               ("Vary", "Accept, Accept-Language"), *result.headers.items()]
    key = req.environ.get(KEY_ENV)
    if result.status == 200 and key is not None and req.method in ("GET", "HEAD"):
        headers += [("ETag", f'W/"{key}"'), ("Cache-Control", f"public, max-age={max_age}"), ("X-Cache", "MISS")]
        req.environ[STORE_ENV] = True
    return Answer(result.status, headers, [b""] if req.method == "HEAD" else [result.body])


def render_file(req, result: FileResult) -> Answer:
    headers = [("Content-Type", result.mimetype)]
    if isinstance(result.body, (bytes, bytearray)):
        headers.append(("Content-Length", str(len(result.body))))
    if result.etag:
        headers.append(("ETag", f'W/"{result.etag}"' if result.weak else f'"{result.etag}"'))
        if _matches(req.header("If-None-Match"), result.etag):
            return Answer(304, [h for h in headers if h[0] == "ETag"], [b""])
    if result.filename:
        headers.append(("Content-Disposition", f'attachment; filename="{result.filename}"'))
    headers.extend(result.headers.items())
    body = [result.body] if isinstance(result.body, (bytes, bytearray)) else result.body
    return Answer(200, headers, [b""] if req.method == "HEAD" else body)


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    return any(tag.strip().removeprefix("W/").strip('"') == etag for tag in header.split(","))


def error(req, exc: TerminologyError, fmt: str | None, *, headers: dict | None = None) -> Answer:
    """The OperationOutcome of an error, with its status (406: in JSON, whatever was asked)."""
    result = Result(to_operation_outcome(exc), status=exc.status, headers=headers or {}, cache=False)
    return render(req, result, fmt if exc.status != 406 else "json", max_age=0)


def http_error(req, status: int, text: str, fmt: str | None, *, headers: dict | None = None) -> Answer:
    code = {404: "not-found", 405: "not-supported", 406: "not-supported", 413: "too-costly",
            415: "not-supported"}.get(status, "processing")
    oo = {"resourceType": "OperationOutcome", "issue": [issue("error", code, text)]}
    return render(req, Result(oo, status=status, headers=headers or {}, cache=False), fmt, max_age=0)


def layer_path_methods(environ: dict, allow: str) -> Answer:
    """A path a layer answers (``/metrics``, ``/readyz``) for a method it does not serve: OPTIONS says what the
    path allows (204), any other method is a 405 OperationOutcome with Allow, as on every path."""
    from .request import HttpRequest

    req = HttpRequest(environ)
    if req.method == "OPTIONS":
        return Answer(204, [("Allow", allow), ("Content-Length", "0")], [b""])
    return http_error(req, 405, f"Method Not Allowed: {req.method} {req.path}", "json", headers={"Allow": allow})


def internal_error(req, exc: Exception) -> Answer:
    log.error("unexpected error on %s %s", req.method, req.path, exc_info=exc)
    oo = {"resourceType": "OperationOutcome", "issue": [issue(
        "error", "exception", f"Internal error while processing the request ({type(exc).__name__})")]}
    return render(req, Result(oo, status=500, cache=False), "json", max_age=0)
