"""Route handler of a batch: POST [base] with a batch Bundle; each entry goes through the same pipeline.

Entries are answered in order by ``Service.dispatch`` (the pipeline's own ``handle``: same routing,
negotiation, handlers and error rendering as any request), under one deadline for the whole batch. Downloads
and nested batches cannot be entries.
"""
from __future__ import annotations

import time
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode, urlsplit

import orjson
from werkzeug.test import EnvironBuilder

from ..errors import Invalid, TerminologyError, issue, shown
from .parse import json_body
from .request import HttpRequest
from .respond import Result

MAX_BATCH_ENTRIES = 200
BATCH_FLAG = "rrall.in_batch"


def batch(svc, req) -> Result:
    if req.environ.get(BATCH_FLAG):
        raise Invalid("A batch cannot contain another batch")
    body = json_body(req, required=True)
    if body["resourceType"] != "Bundle":
        raise Invalid(f"POST to the base expects a batch Bundle, got '{body['resourceType']}'")
    if body.get("type") != "batch":
        transaction = body.get("type") == "transaction"
        raise TerminologyError(f"Only Bundle.type 'batch' is supported here, not {shown(body.get('type'))}",
                               status=422 if transaction else 400,
                               issue_code="not-supported" if transaction else "invalid")
    entries = body.get("entry", [])
    if not isinstance(entries, list):
        raise Invalid("Bundle.entry must be a list")
    if len(entries) > MAX_BATCH_ENTRIES:
        raise TerminologyError(f"Too many entries in the batch ({len(entries)} > {MAX_BATCH_ENTRIES})",
                               status=422, issue_code="too-costly")
    deadline = time.monotonic() + float(svc.config.get("DEADLINE_SECONDS", 10.0))   # for the whole batch
    out = []
    for i, e in enumerate(entries):
        if time.monotonic() > deadline:
            out.append(_entry_error(422, f"Bundle.entry[{i}] was not run: the batch took too long", "too-costly"))
        else:
            out.append(_entry(svc, req, e, i))
    # the entries' resources are already in the request's FHIR version
    return Result({"resourceType": "Bundle", "type": "batch-response", "entry": out}, to_r4=lambda r: r,
                  cache=False)


def _entry_error(status: int, text: str, code: str = "invalid") -> dict:
    return {"resource": {"resourceType": "OperationOutcome", "issue": [issue("error", code, text)]},
            "response": {"status": f"{status} {HTTPStatus(status).phrase}"}}


def _target(req, entry, i: int):
    """(method, path, query, data) of an entry, or an error entry."""
    if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
        return _entry_error(400, f"Bundle.entry[{i}] has no request")
    method, url = entry["request"].get("method"), entry["request"].get("url")
    if method not in ("GET", "POST") or not isinstance(url, str) or not url.strip():
        return _entry_error(400, f"Bundle.entry[{i}].request needs method GET or POST and a url")
    parts = urlsplit(url.strip())
    path, prefix = parts.path, "/" + req.version.lower()
    if parts.scheme or parts.netloc:
        base = req.fhir_base
        if not url.startswith(base + "/"):
            return _entry_error(400, f"Bundle.entry[{i}].request.url must be relative (or start with {base}/)")
        path = "/" + url[len(base) + 1:].split("?", 1)[0]
    path = path.lstrip("/")
    if path.startswith(("r4/", "r5/")):
        return _entry_error(400, f"Bundle.entry[{i}].request.url must be relative to this endpoint ({prefix})")
    if not path or any(s in ("", ".", "..") for s in path.split("/")):
        return _entry_error(400, f"Bundle.entry[{i}].request.url '{url}' is not an operation or resource path")
    resource = entry.get("resource")
    data = None
    if method == "POST":
        if resource is not None and not isinstance(resource, dict):
            return _entry_error(400, f"Bundle.entry[{i}].resource must be a resource")
        data = orjson.dumps(resource) if resource is not None else b""
    elif resource is not None:
        return _entry_error(400, f"Bundle.entry[{i}]: a GET cannot carry a resource")
    # presentation parameters are the batch's business: entries answer FHIR JSON
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if k not in ("_format", "_pretty")])
    return method, f"{prefix}/{path}", query, data


def _entry(svc, req, entry, i: int) -> dict:
    target = _target(req, entry, i)
    if isinstance(target, dict):
        return target
    method, path, query, data = target
    headers = {"Accept": "application/fhir+json"}
    if req.header("Accept-Language"):
        headers["Accept-Language"] = req.header("Accept-Language")
    builder = EnvironBuilder(path=path, method=method, query_string=query,
                             data=data, headers=headers, content_type="application/fhir+json" if data else None,
                             base_url=req.base_url)
    try:
        environ = builder.get_environ()
        environ[BATCH_FLAG] = True
        route = svc.route_of(environ)
        if route is not None and not route.in_batch:   # judged by the route the path reaches, however encoded
            return _entry_error(400, f"Bundle.entry[{i}]: '{path}' returns a file or is a batch, and cannot be "
                                     "part of a batch", "not-supported")
        answer = svc.dispatch(HttpRequest(environ, max_body=svc.max_body))
        raw = b"".join(answer.body)
    finally:
        builder.close()
    try:
        res = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        return _entry_error(502, f"Bundle.entry[{i}]: the operation did not return JSON", "exception")
    out: dict = {"response": {"status": f"{answer.status} {HTTPStatus(answer.status).phrase}"}}
    if isinstance(res, dict):
        out["resource"] = res     # an OperationOutcome when the operation failed
    return out
