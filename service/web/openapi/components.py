"""components: the schemas of the FHIR answers, the error answers and the response headers of openapi.yaml.

Schemas say what every answer of that kind has (resourceType, Bundle.type, what FHIR's invariants forbid),
not every element: a FHIR resource has far more than an API contract needs to state.
"""
from __future__ import annotations

FHIR_JSON, PLAIN_JSON, FHIR_XML, HTML = "application/fhir+json", "application/json", "application/fhir+xml", \
    "text/html"
RESOURCE_TYPES = ("CodeSystem", "ValueSet", "ConceptMap")


def ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _resource(rtype: str | list, properties: dict | None = None, required: tuple = (), description: str = "",
              **extra) -> dict:
    types = [rtype] if isinstance(rtype, str) else list(rtype)
    out = {"type": "object", "required": ["resourceType", *required],
           "properties": {"resourceType": {"type": "string", "enum": types}, **(properties or {})},
           "additionalProperties": True}
    if description:
        out["description"] = description
    out.update(extra)
    return out


STRING, OBJECT = {"type": "string"}, {"type": "object"}
_ISSUE = {"type": "object", "required": ["severity", "code"], "properties": {
    "severity": {"type": "string", "enum": ["fatal", "error", "warning", "information"]},
    "code": {"type": "string", "minLength": 1},
    "details": {"type": "object", "properties": {"text": STRING, "coding": {"type": "array", "items": OBJECT}}},
    "expression": {"type": "array", "items": STRING}}}
_PARAMETER = {"type": "object", "required": ["name"], "properties": {
    "name": {"type": "string", "minLength": 1}, "part": {"type": "array", "items": OBJECT},
    "resource": ref("schemas", "Resource")},
    "description": "name plus one value[x], a resource, or parts"}
_NO_TOTAL = {"not": {"required": ["total"]}}   # FHIR bdl-1: total only in a searchset or history
_NO_SEARCH = {"not": {"required": ["search"]}}   # FHIR bdl-2: entry.search only in a searchset


def _bundle(btype: str, entry: dict, description: str, required: tuple = (), **extra) -> dict:
    return _resource("Bundle", {"type": {"type": "string", "enum": [btype]},
                                "entry": {"type": "array", "items": entry}}, ("type", *required), description,
                     **extra)


def _searchset(rtype: str) -> dict:
    link = {"type": "object", "required": ["relation", "url"], "properties": {
        "relation": {"type": "string", "enum": ["self", "first", "previous", "next", "last"]}, "url": STRING}}
    entry = {"type": "object", "required": ["resource", "search"], "properties": {
        "fullUrl": STRING,
        "resource": _resource([rtype, "OperationOutcome"]),
        "search": {"type": "object", "required": ["mode"],
                   "properties": {"mode": {"type": "string", "enum": ["match", "outcome"]}}}}}
    out = _bundle("searchset", entry, f"A searchset Bundle of {rtype} resources (an OperationOutcome entry, "
                                      "search.mode outcome, lists ignored parameters under handling=lenient).",
                  ("link",))
    out["properties"]["total"] = {"type": "integer", "minimum": 0}
    out["properties"]["link"] = {"type": "array", "minItems": 1, "items": link}
    return out


def schemas() -> dict:
    out = {
        "Resource": _resource_any(),
        "Parameters": _resource("Parameters", {"parameter": {"type": "array", "items": _PARAMETER}},
                                description="A FHIR Parameters (R4 shape on /r4, R5 shape on /r5)."),
        "OperationOutcome": _resource("OperationOutcome", {"issue": {"type": "array", "minItems": 1,
                                                                    "items": _ISSUE}}, ("issue",),
                                      "A FHIR OperationOutcome."),
        "CapabilityStatementOrTerminologyCapabilities": _resource(
            ["CapabilityStatement", "TerminologyCapabilities"], {"fhirVersion": {"type": "string",
                                                                                 "enum": ["4.0.1", "5.0.0"]}},
            description="The CapabilityStatement, or with mode=terminology the TerminologyCapabilities."),
        "ExpandedValueSet": _resource("ValueSet", {"expansion": {
            "type": "object", "required": ["timestamp"], "properties": {
                "identifier": STRING, "timestamp": STRING, "total": {"type": "integer", "minimum": 0},
                "offset": {"type": "integer", "minimum": 0}, "parameter": {"type": "array", "items": OBJECT},
                "contains": {"type": "array", "items": OBJECT}}}}, ("expansion",),
            "A ValueSet with its expansion (R4 shape on /r4, R5 shape on /r5)."),
        "CollectionBundle": _bundle(
            "collection", {"type": "object", "required": ["resource"], "properties": {
                "fullUrl": STRING, "resource": _resource(["ValueSet", "OperationOutcome"])}, **_NO_SEARCH},
            "A collection Bundle of ValueSets; an OperationOutcome entry (warning) follows a value set that "
            "could not be expanded.", **_NO_TOTAL),
        "BatchBundle": _bundle(
            "batch", {"type": "object", "required": ["request"], "properties": {
                "request": {"type": "object", "required": ["method", "url"], "properties": {
                    "method": {"type": "string", "enum": ["GET", "POST"]}, "url": {"type": "string",
                                                                                   "minLength": 1}}},
                "resource": ref("schemas", "Resource")}},
            "A batch Bundle: each entry an operation or read/search relative to this endpoint (at most 200)."),
        "BatchResponseBundle": _bundle(
            "batch-response", {"type": "object", "required": ["response"], "properties": {
                "response": {"type": "object", "required": ["status"], "properties": {
                    "status": {"type": "string", "pattern": "^[1-5][0-9][0-9]( .*)?$"}}},
                "resource": ref("schemas", "Resource")}, **_NO_SEARCH},
            "A batch-response Bundle: one entry per request entry, in order, each with response.status and the "
            "answer (an OperationOutcome when it failed).", **_NO_TOTAL),
        "Health": {"type": "object", "required": ["status"], "additionalProperties": False,
                   "properties": {"status": {"type": "string", "enum": ["ok"]}}},
        "HomeIndex": {"type": "object", "required": ["name", "fhir", "health", "search"], "properties": {
            "name": STRING, "description": STRING, "software": OBJECT, "health": STRING, "search": STRING,
            "pages": STRING, "fhir": {"type": "object", "required": ["r4", "r5"], "properties": {
                v: {"type": "object", "required": ["base", "fhirVersion", "metadata"], "properties": {
                    "base": STRING, "metadata": STRING,
                    "fhirVersion": {"type": "string", "enum": [fv]}}} for v, fv in (("r4", "4.0.1"),
                                                                                    ("r5", "5.0.0"))}}},
            "description": "Where the FHIR endpoints are."},
        "SearchHits": {"type": "object", "required": ["q", "concepts", "resources", "core", "truncated"],
                       "properties": {"q": STRING, "concepts": {"type": "array", "items": OBJECT},
                                      "resources": {"type": "array", "items": OBJECT},
                                      "core": {"type": "array", "items": OBJECT}, "truncated": {"type": "boolean"},
                                      "error": STRING},
                       "description": "The hits of a search, as the search page lists them."},
    }
    for rtype in RESOURCE_TYPES:
        out[rtype] = _resource(rtype, {"url": STRING, "version": STRING, "status": STRING}, ("status",),
                               f"A FHIR {rtype} (R4 shape on /r4, R5 shape on /r5).")
        out[f"{rtype}Searchset"] = _searchset(rtype)
    return out


def _resource_any() -> dict:
    return {"type": "object", "required": ["resourceType"], "additionalProperties": True,
            "properties": {"resourceType": {"type": "string", "pattern": "^[A-Z][A-Za-z]+$"}},
            "description": "Any FHIR resource (JSON)."}


# ---- responses --------------------------------------------------------------------------------------------
def fhir_content(schema: dict, *, formats: tuple = (FHIR_JSON, PLAIN_JSON, FHIR_XML, HTML)) -> dict:
    """The answer in every format it can take: FHIR JSON, plain JSON (_format=json), FHIR XML, a page."""
    out = {}
    for media in formats:
        out[media] = {"schema": schema if media in (FHIR_JSON, PLAIN_JSON) else
                      {"type": "string", "description": "FHIR XML" if media == FHIR_XML else "an HTML page"}}
    return out


_OO = ref("schemas", "OperationOutcome")
ERRORS = {   # status -> (description, formats)
    400: ("Bad request: an invalid, conflicting or badly typed parameter, a query string that is not UTF-8, a body "
          "that is not a FHIR resource", None),
    404: ("Not found: an unknown resource id (or, for $lookup, an unknown code; for [type]/$validate an unknown "
          "resource type)", None),
    406: ("Not acceptable: an unknown _format, or an Accept header that refuses every type the answer can take "
          "(always FHIR JSON)", (FHIR_JSON,)),
    413: ("The request body is larger than the server accepts", (FHIR_JSON, PLAIN_JSON)),
    415: ("Unsupported Content-Type: send FHIR JSON, FHIR XML, or (operations) a form", None),
    422: ("Unprocessable: an unresolvable canonical, an unknown code system or supplement, a broken or too costly "
          "value set, a version check that fails", None),
    500: ("Internal error: an OperationOutcome without internals", (FHIR_JSON, PLAIN_JSON)),
}


def responses() -> dict:
    out = {}
    for status, (text, formats) in ERRORS.items():
        out[f"E{status}"] = {"description": text, "content": fhir_content(_OO, **({"formats": formats}
                                                                                  if formats else {}))}
    out["E405"] = {"description": "Method not allowed (any method a path does not list); Allow names the ones "
                                  "it does", "headers": {"Allow": header("Allow", required=True)},
                   "content": fhir_content(_OO)}
    out["OptionsNotFound"] = {"description": "The path names no route (e.g. a path parameter that routes nowhere)",
                              "content": fhir_content(_OO, formats=(FHIR_JSON, PLAIN_JSON))}
    return out


HEADERS = {   # name -> (description, pattern of the value)
    "ETag": ("Entity tag: send it back in If-None-Match for a 304", '^(W/)?"[^"]+"$'),
    "Cache-Control": ("How long a cache may keep the answer (HTTP_MAX_AGE seconds)", "^public, max-age=[0-9]+$"),
    "Content-Disposition": ("A download: the file name", '^attachment; filename="[^"/]+"$'),
    "Allow": ("The methods the path allows", "^[A-Z]+(, [A-Z]+)*$"),
}


def header(name: str, *, required: bool) -> dict:
    description, pattern = HEADERS[name]
    return {"description": description, "required": required, "schema": {"type": "string", "pattern": pattern}}
