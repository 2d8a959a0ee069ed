"""Request parsing and response rendering shared by every view (the HTTP edge)."""
from __future__ import annotations

import hashlib

import orjson
from flask import Response, current_app, g, request

from .. import params as P
from ..convert import r4_to_r5, r5_to_r4
from ..errors import Invalid, TerminologyError

JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
FORM_TYPE = "application/x-www-form-urlencoded"
CONTROL_PARAMS = {"_format", "_pretty", "_summary", "_elements"}


def fhir_version() -> str:
    return g.get("fhir_version", "R5")


def read_body() -> dict | None:
    """The JSON request body as a dict (R5-shaped), or None when there is none."""
    if request.method != "POST":
        return None
    raw = request.get_data(cache=True)
    ctype = (request.mimetype or "").lower()
    if not raw.strip():
        return None
    if ctype == FORM_TYPE:
        return None
    if ctype and ctype not in JSON_TYPES:
        raise TerminologyError(f"Unsupported Content-Type '{request.content_type}': use application/fhir+json",
                               status=415, issue_code="not-supported")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Invalid(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("resourceType"), str):
        raise Invalid("The request body must be a FHIR resource (a JSON object with a resourceType)")
    return r4_to_r5(body) if fhir_version() == "R4" else body


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
    return P.coerce(P.merge(*sources))


def render(resource: dict, status: int = 200, headers: dict | None = None) -> Response:
    if fhir_version() == "R4":
        resource = r5_to_r4(resource)
    pretty = request.args.get("_pretty") == "true"
    body = orjson.dumps(resource, option=orjson.OPT_INDENT_2 if pretty else 0)
    resp = Response(body, status=status, mimetype=_response_mimetype())
    if headers:
        resp.headers.update(headers)
    if request.method == "GET" and status == 200:
        etag = hashlib.sha256(body).hexdigest()[:32]
        resp.set_etag(etag, weak=True)
    return resp


def _response_mimetype() -> str:
    fmt = request.args.get("_format", "")
    if fmt in ("json", "application/json"):
        return "application/json"
    return "application/fhir+json"


def check_accept() -> None:
    """406 when the client accepts neither JSON flavour."""
    fmt = request.args.get("_format")
    if fmt is not None:
        if fmt not in ("json", "application/json", "application/fhir+json", "fhir+json"):
            raise TerminologyError(f"Unsupported _format '{fmt}': this server speaks JSON", status=406,
                                   issue_code="not-supported")
        return
    accept = request.headers.get("Accept")
    if not accept:
        return
    types = [a.split(";")[0].strip().lower() for a in accept.split(",")]
    if any(t in JSON_TYPES or t in ("*/*", "application/*") for t in types):
        return
    raise TerminologyError(f"Cannot produce any of the accepted types '{accept}': use application/fhir+json",
                           status=406, issue_code="not-supported")


def config() -> dict:
    return current_app.extensions["rrall"]["config"]


def registry():
    return current_app.extensions["rrall"]["registry"]
