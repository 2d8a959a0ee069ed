"""Request parsing and response rendering shared by every view (the HTTP edge)."""
from __future__ import annotations

import functools
import hashlib
import re

import orjson
from flask import Response, current_app, g, request

from .. import fhir_io
from ..cache import LRUCache
from .. import params as P
from ..convert import r4_to_r5, r5_to_r4
from ..errors import Invalid, TerminologyError

JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
XML_TYPES = ("application/fhir+xml", "application/xml", "text/xml", "application/xml+fhir")
XML_FORMATS = {"xml", "fhir+xml"} | set(XML_TYPES)
JSON_FORMATS = {"json", "fhir+json"} | set(JSON_TYPES)
FORM_TYPE = "application/x-www-form-urlencoded"
LANE_ERROR_ENV = "rrall.lane_error"   # a TerminologyError the GET lane (fastlane.py) already raised
CONTROL_PARAMS = {"_format", "_pretty", "_summary", "_elements"}
FILE_TYPES = {"$package": ("application/gzip", "application/x-gzip", "application/octet-stream"),
              "csv": ("text/csv", "text/*")}   # last path segment (or its extension) -> extra accepted types


def fhir_version() -> str:
    return g.get("fhir_version", "R5")


def raw_json_body(*, required: bool = False) -> dict | None:
    """The JSON request body as sent (not converted), or None when there is none (or it is a form)."""
    raw = request.get_data(cache=True)
    ctype = (request.mimetype or "").lower()
    if not raw.strip():
        if required:
            raise Invalid("The request body is empty: send a FHIR resource")
        return None
    if ctype == FORM_TYPE and not required:
        return None
    if ctype in XML_TYPES:
        try:
            return fhir_io.from_xml(raw, fhir_version())
        except fhir_io.XMLError as exc:
            raise Invalid(f"The request body is not acceptable FHIR XML: {exc}", status=exc.status,
                          issue_code="too-long" if exc.status == 413 else "invalid") from None
    if ctype and ctype not in JSON_TYPES:
        raise TerminologyError(f"Unsupported Content-Type '{request.content_type}': use application/fhir+json "
                               "or application/fhir+xml", status=415, issue_code="not-supported")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Invalid(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("resourceType"), str):
        raise Invalid("The request body must be a FHIR resource (a JSON object with a resourceType)")
    return body


def read_body() -> dict | None:
    """The JSON request body as a dict (R5-shaped), or None when there is none."""
    if request.method != "POST":
        return None
    body = raw_json_body()
    if body is None:
        return None
    if fhir_version() != "R4":
        return body
    try:
        return r4_to_r5(body)
    except (TypeError, AttributeError, KeyError, ValueError):
        raise Invalid("The request body is not valid FHIR R4: "
                      + _problem_text(fhir_io.validate_resource(body, fhir_io.R4, shape_only=True))) from None


def _problem_text(problems: list) -> str:
    if not problems:
        return "its structure could not be read"
    listed = "; ".join(f"{path}: {msg}" for path, msg in problems[:5])
    return listed + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")


def operation_params(body_resource_param: str | None = None) -> dict:
    """Query string, form and Parameters body merged and typed."""
    query = {k: request.args.getlist(k) for k in request.args if k not in CONTROL_PARAMS}
    sources = [query]
    if request.method == "POST" and (request.mimetype or "").lower() == FORM_TYPE:
        sources.append({k: request.form.getlist(k) for k in request.form if k not in CONTROL_PARAMS})
    body = read_body()
    if body is not None:
        if body["resourceType"] == "Parameters":
            sources.append(P.from_parameters(body))
        elif body_resource_param and body["resourceType"] in ("ValueSet", "CodeSystem", "ConceptMap"):
            sources.append({body_resource_param: [body]})
        else:
            raise Invalid(f"Expected a Parameters resource in the request body, got '{body['resourceType']}'")
    params = P.coerce(P.merge(*sources))
    for name in P.RESOURCE_PARAMS:
        for res in params.get(name, []):
            check_resource(res, name)
    return params


FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")   # a resource id (FHIR datatype id)
_VALID_HASHES = LRUCache(max_items=2048, max_bytes=1 << 40)   # thread-safe; keys of resources that validated


def check_resource(res, where: str) -> None:
    """Structural validation (fhir.resources, via fhir_io) of a resource carried by a request.

    Results are remembered by content hash, so the same tx-resources sent with every request
    are validated once."""
    if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
        raise Invalid(f"The '{where}' parameter must carry a FHIR resource")
    if "id" in res and not (isinstance(res["id"], str) and FHIR_ID.fullmatch(res["id"])):
        # terminology operations identify the resources they are given by canonical url + version, and other
        # servers accept such ids: a malformed one is dropped rather than failing the whole request
        del res["id"]
    key = fhir_version() + hashlib.sha256(orjson.dumps(res, option=orjson.OPT_SORT_KEYS)).hexdigest()
    if _VALID_HASHES.get(key) is not None:
        return
    version = fhir_io.R4 if fhir_version() == "R4" else fhir_io.R5
    try:
        shaped = res if version == fhir_io.R5 else r5_to_r4(res)
    except (TypeError, AttributeError, KeyError, ValueError):
        shaped = res
    problems = fhir_io.validate_resource(shaped, version, shape_only=True)
    if problems:
        raise Invalid(f"The {res.get('resourceType')} in '{where}' is not valid FHIR: {_problem_text(problems)}")
    _VALID_HASHES.put(key, True)


def render(resource: dict, status: int = 200, headers: dict | None = None) -> Response:
    if fhir_version() == "R4":
        resource = r5_to_r4(resource)
    body = None
    if wants_xml():
        try:
            body, mimetype = fhir_io.to_xml(resource, fhir_version()), "application/fhir+xml"
        except fhir_io.XMLError:
            current_app.logger.exception("cannot render %s as XML; answering in JSON", resource.get("resourceType"))
    if body is None:
        pretty = request.args.get("_pretty") == "true"
        body, mimetype = orjson.dumps(resource, option=orjson.OPT_INDENT_2 if pretty else 0), _response_mimetype()
    resp = Response(body, status=status, mimetype=mimetype)
    if headers:
        resp.headers.update(headers)
    if request.method == "GET" and status == 200 and "rrall.cache_key" not in request.environ:
        # (cacheable routes get their ETag from the response cache's request key instead)
        resp.set_etag(hashlib.sha256(body).hexdigest()[:32], weak=True)
    return resp


def _response_mimetype() -> str:
    fmt = request.args.get("_format", "")
    if fmt in ("json", "application/json"):
        return "application/json"
    return "application/fhir+json"


MAX_MEMO_ACCEPT = 512   # longer Accept headers are negotiated without the memo (it holds 512 of them at most)


def negotiate(fmt: str | None, accept: str | None, last_segment: str = "") -> str | None:
    """The response format for a _format value and an Accept header: "json", "xml", or None when the
    client accepts neither (-> 406). Memoised for short values: clients send the same few Accept headers
    over and over. last_segment matters only for file downloads, so it is reduced to that first."""
    ext = last_segment.rsplit(".", 1)[-1]
    ext = ext if ext in FILE_TYPES else ""
    if (fmt is not None and len(fmt) > 64) or (accept is not None and len(accept) > MAX_MEMO_ACCEPT):
        return _negotiate(fmt, accept, ext)
    return _negotiate_memo(fmt, accept, ext)


def _negotiate(fmt: str | None, accept: str | None, ext: str) -> str | None:
    if fmt is not None:
        low = fmt.lower()
        return "xml" if low in XML_FORMATS else "json" if low in JSON_FORMATS else None
    if not accept:
        return "json"
    best = {"json": -1.0, "xml": -1.0}
    types = []
    for item in accept.split(","):
        mtype, _, rest = item.partition(";")
        mtype = mtype.strip().lower()
        types.append(mtype)
        q = 1.0
        for param in rest.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        kind = "xml" if mtype in XML_TYPES else "json" if mtype in JSON_TYPES or mtype in ("*/*", "application/*") \
            else None
        if kind:
            best[kind] = max(best[kind], q)
    if best["json"] < 0 and best["xml"] < 0:
        # file downloads (service/api/integrator.py): $package, $expand.csv accept their own types
        extra = FILE_TYPES.get(ext, ())
        return "json" if any(t in extra for t in types) else None
    return "xml" if best["xml"] > best["json"] else "json"


_negotiate_memo = functools.lru_cache(maxsize=512)(_negotiate)


def _negotiated() -> str | None:
    return negotiate(request.args.get("_format"), request.headers.get("Accept"), request.path.rsplit("/", 1)[-1])


def wants_xml() -> bool:
    """XML when _format asks for it, or when Accept prefers an XML type to every JSON one."""
    return _negotiated() == "xml"


def check_accept() -> None:
    """406 when the client accepts neither JSON nor XML."""
    if _negotiated() is not None:
        return
    fmt = request.args.get("_format")
    if fmt is not None:
        raise TerminologyError(f"Unsupported _format '{fmt}': use json or xml", status=406,
                               issue_code="not-supported")
    raise TerminologyError(f"Cannot produce any of the accepted types '{request.headers.get('Accept')}': use "
                           "application/fhir+json", status=406, issue_code="not-supported")


def config() -> dict:
    return current_app.extensions["rrall"]["config"]


def registry():
    return current_app.extensions["rrall"]["registry"]
