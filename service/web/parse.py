"""Request bodies and operation parameters: JSON or FHIR XML in, one merged parameter set out.

``operation_params`` merges the query string, a form body and a ``Parameters`` body (R4 bodies converted to
the internal R5 shape) and types them (``service.params``); resources carried in parameters get a shape check
(fhir.resources through ``fhir_io``), remembered by content hash in the application's cache.
"""
from __future__ import annotations

import hashlib
import re

import orjson

from .. import fhir_io
from .. import params as P
from ..convert import r4_to_r5, r5_to_r4
from ..errors import Invalid, TerminologyError
from .negotiate import JSON_TYPES, XML_TYPES
from .request import FORM_TYPE

CONTROL_PARAMS = {"_format", "_pretty", "_summary", "_elements"}
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")   # a resource id (FHIR datatype id)


def json_body(req, *, required: bool = False) -> dict | None:
    """The request body as a resource dict, as sent (not converted); None when there is none (or a form)."""
    raw = req.body()
    ctype = req.content_type
    if not raw.strip():
        if required:
            raise Invalid("The request body is empty: send a FHIR resource")
        return None
    if ctype == FORM_TYPE and not required:
        return None
    if ctype in XML_TYPES:
        try:
            return fhir_io.from_xml(raw, req.version or fhir_io.R5)
        except fhir_io.XMLError as exc:
            raise Invalid(f"The request body is not acceptable FHIR XML: {exc}", status=exc.status,
                          issue_code="too-long" if exc.status == 413 else "invalid") from None
    if ctype and ctype not in JSON_TYPES:
        raise TerminologyError(f"Unsupported Content-Type '{req.header('Content-Type')}': use "
                               "application/fhir+json or application/fhir+xml", status=415, issue_code="not-supported")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Invalid(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("resourceType"), str):
        raise Invalid("The request body must be a FHIR resource (a JSON object with a resourceType)")
    return body


def r5_body(req) -> dict | None:
    """The POSTed resource in the internal R5 shape, or None."""
    if req.method != "POST":
        return None
    body = json_body(req)
    if body is None or req.version != "R4":
        return body
    try:
        return r4_to_r5(body)
    except (TypeError, AttributeError, KeyError, ValueError):
        raise Invalid("The request body is not valid FHIR R4: "
                      + problem_text(fhir_io.validate_resource(body, fhir_io.R4, shape_only=True))) from None


def problem_text(problems: list) -> str:
    if not problems:
        return "its structure could not be read"
    listed = "; ".join(f"{path}: {msg}" for path, msg in problems[:5])
    return listed + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")


def operation_params(req, body_param: str | None = None, *, validated=None) -> dict[str, list]:
    """Query string, form and Parameters body merged and typed; body_param names the parameter a bare
    ValueSet/CodeSystem/ConceptMap body fills. validated: the app's cache of resources that passed."""
    query = {k: v for k, v in req.query.items() if k not in CONTROL_PARAMS}
    sources = [query]
    if req.method == "POST":
        form = req.form()
        if form:
            sources.append({k: v for k, v in form.items() if k not in CONTROL_PARAMS})
        body = r5_body(req)
        if body is not None:
            if body["resourceType"] == "Parameters":
                sources.append(P.from_parameters(body))
            elif body_param and body["resourceType"] in ("ValueSet", "CodeSystem", "ConceptMap"):
                sources.append({body_param: [body]})
            else:
                raise Invalid(f"Expected a Parameters resource in the request body, got '{body['resourceType']}'")
    params = P.coerce(P.merge(*sources))
    check_resources(params, req.version, validated)
    return params


def check_resources(params: dict, version: str | None, validated=None) -> None:
    """The shape check of every resource a parameter set carries (tx-resource, valueSet, codeSystem, ...)."""
    for name in P.RESOURCE_PARAMS:
        for res in params.get(name, []):
            check_resource(res, name, version or fhir_io.R5, validated)


def check_resource(res, where: str, version: str, validated=None) -> None:
    """Shape validation (fhir.resources, via fhir_io) of a resource carried by a request; remembered by
    content hash, so the same tx-resources sent with every request are validated once."""
    if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
        raise Invalid(f"The '{where}' parameter must carry a FHIR resource")
    if "id" in res and not (isinstance(res["id"], str) and FHIR_ID.fullmatch(res["id"])):
        # terminology operations identify the resources they are given by canonical url + version, and other
        # servers accept such ids: a malformed one is dropped rather than failing the whole request
        del res["id"]
    try:
        key = version + hashlib.sha256(orjson.dumps(res, option=orjson.OPT_SORT_KEYS)).hexdigest()
    except (TypeError, orjson.JSONEncodeError):   # nested deeper than a resource can sensibly be
        raise Invalid(f"The {res.get('resourceType')} in '{where}' is nested too deeply") from None
    if validated is not None and validated.get(key) is not None:
        return
    try:
        shaped = res if version == fhir_io.R5 else r5_to_r4(res)
    except (TypeError, AttributeError, KeyError, ValueError):
        shaped = res
    problems = fhir_io.validate_resource(shaped, version, shape_only=True)
    if problems:
        raise Invalid(f"The {res.get('resourceType')} in '{where}' is not valid FHIR: {problem_text(problems)}")
    if validated is not None:
        validated.put(key, True)
