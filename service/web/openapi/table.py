"""The description table: one ``Op`` per route endpoint of ``service.web.routes`` (FHIR_RULES and ROOT_RULES).

A route without an entry here makes ``python -m service.web.openapi`` fail (and tests/test_openapi.py), so a
new route is described before it ships. Examples are real content (``examples``): they must work.
"""
from __future__ import annotations

from . import examples as X
from ..negotiate import JSON_FORMATS, XML_FORMATS
from ..routes import Route
from .components import FHIR_JSON, HTML, PLAIN_JSON, ref
from .model import Body, Ok, Op, Per, on_instance

PARAMETERS = Ok("A Parameters resource", "Parameters")
_CS, _VS, _CM = "CodeSystem", "ValueSet", "ConceptMap"

# ---- the terminology operations -----------------------------------------------------------------------------
LOOKUP = Op(
    _CS, "CodeSystem/$lookup: display, definition, designations and properties of a code", PARAMETERS,
    params=("code", "system", "version", "date", "displayLanguage", "property", "useSupplement"),
    required=("code", "system"),
    examples={"code": X.CODE, "system": X.SYMPTOM_CS, "displayLanguage": "en-GB",
              "property": ["parent"]},
    body=Body("operation", only=("coding", "tx-resource")), errors=(404, 422),
    description="An unknown code is a 404, an unknown code system (or version) a 422.")

CS_VALIDATE = Op(
    _CS, "CodeSystem/$validate-code: is the code valid in the code system (and its display right)?", PARAMETERS,
    params=("url", "code", "system", "version", "systemVersion", "display", "date", "abstract", "activeOnly",
            "displayLanguage", "lenient-display-validation", "useSupplement", "system-version",
            "check-system-version", "force-system-version"),
    required=("code",),
    examples={"url": X.SYMPTOM_CS, "code": X.CODE, "display": X.DISPLAY},
    body=Body("operation", only=("codeSystem", "coding", "codeableConcept", "tx-resource"), resource=_CS),
    errors=(422,),
    description="The code system is url (or system). The answer says result true/false with issues: an invalid "
                "code is not an HTTP error.")

SUBSUMES = Op(
    _CS, "CodeSystem/$subsumes: how two codes of a code system relate", PARAMETERS,
    params=("codeA", "codeB", "system", "version"), required=("codeA", "codeB", "system"),
    examples={"codeA": "symptom-or-sign", "codeB": "fatigue", "system": X.SYMPTOM_CS},
    body=Body("operation", only=("codingA", "codingB", "tx-resource")), errors=(422,),
    description="outcome: equivalent, subsumes, subsumed-by or not-subsumed. A code the code system does not "
                "have is a 400, an unknown code system a 422.")

EXPAND_PARAMS = ("url", "context", "valueSetVersion", "filter", "date", "offset", "count", "includeDesignations",
                 "designation", "includeDefinition", "activeOnly", "useSupplement", "excludeNested",
                 "excludeNotForUI", "excludePostCoordinated", "displayLanguage", "property", "system-version",
                 "check-system-version", "force-system-version", "default-valueset-version")
EXPAND = Op(
    _VS, "ValueSet/$expand: the codes of a value set, filtered and paged", Ok("The expanded ValueSet",
                                                                              "ExpandedValueSet"),
    params=EXPAND_PARAMS,
    examples={"url": X.SYMPTOM_VS, "filter": "anaem", "offset": 0, "count": 10,
              "displayLanguage": "en-GB", "activeOnly": True, "includeDesignations": True},
    body=Body("operation", only=("valueSet", "tx-resource"), resource=_VS), errors=(400, 422),
    description="The value set is url (or context), an inline valueSet in the body, or the instance. No value set "
                "-> 400; an unknown one, or one too large to expand without paging -> 422.")

VS_VALIDATE = Op(
    _VS, "ValueSet/$validate-code: is the code in the value set (and its display right)?", PARAMETERS,
    params=("url", "context", "valueSetVersion", "code", "system", "systemVersion", "display", "date", "abstract",
            "activeOnly", "displayLanguage", "useSupplement", "inferSystem", "lenient-display-validation",
            "valueset-membership-only", "system-version", "check-system-version", "force-system-version",
            "default-valueset-version"),
    required=("code",),
    examples={"url": X.SYMPTOM_VS, "code": X.CODE, "system": X.SYMPTOM_CS, "display": X.DISPLAY},
    body=Body("operation", only=("valueSet", "coding", "codeableConcept", "tx-resource"), resource=_VS),
    errors=(422,),
    description="The value set is url (or context), an inline valueSet in the body, or the instance (none -> 400). "
                "The answer says result true/false with issues: a code outside the value set is not an HTTP error.")

TRANSLATE = Op(
    _CM, "ConceptMap/$translate: the codes a concept map gives for a code", PARAMETERS,
    params=("url", "conceptMapVersion", "code", "system", "version", "sourceCode", "sourceSystem", "targetCode",
            "targetSystem", "sourceScope", "targetScope", "source", "target", "targetsystem", "reverse"),
    examples={"url": X.TO_ICD10CM, "system": X.STATUS_CS, "code": Per(r4="relapse"),
              "sourceCode": Per(r5="relapse"), "targetsystem": Per(r4=X.ICD10CM),
              "targetSystem": Per(r5=X.ICD10CM)},
    body=Body("operation", only=("conceptMap", "coding", "codeableConcept", "sourceCoding",
                                 "sourceCodeableConcept", "targetCoding", "targetCodeableConcept", "dependency",
                                 "tx-resource"), resource=_CM),
    errors=(422,),
    description="Both FHIR versions' parameter names work on both endpoints. Exactly one of code (R4) / sourceCode, "
                "targetCode, or a Coding/CodeableConcept in the body; a code needs its system (else 400). "
                "An unknown concept map -> 422.")

BATCH_VALIDATE = Op(
    _VS, "ValueSet/$batch-validate-code: several $validate-code requests in one", PARAMETERS,
    params=("url", "valueSetVersion", "displayLanguage"),
    body=Body("operation", only=("validation", "valueSet", "tx-resource"), example=X.BATCH_VALIDATE),
    description="Each validation parameter carries a Parameters resource of one $validate-code request; the "
                "outer parameters apply to each. The answer has one validation per request: the $validate-code "
                "Parameters, or an OperationOutcome when that request failed.")

# ---- resources -----------------------------------------------------------------------------------------------
READ = Op(
    Per(**{t: t for t in (_CS, _VS, _CM)}), "Read a {rtype} by id", Ok("The resource", Per(
        **{t: t for t in (_CS, _VS, _CM)})),
    control=("_summary", "_elements", "_format", "_pretty"), headers=(), errors=(404,),
    own={name: Per(ValueSet=(f"The ValueSet page only (a FHIR answer ignores it): {words}", schema))
         for name, words, schema in (
             ("filter", "the expansion's text filter.", {"type": "string", "minLength": 1}),
             ("displayLanguage", "the language of the displays (an invalid tag -> 400).",
              {"type": "string", "minLength": 1}),
             ("offset", "codes of the expansion to skip.", {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}),
             ("count", "codes per page (default 50, at most 500).",
              {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}))},
    description="A browser (or _format=html) gets the resource's page: a CodeSystem's hierarchy, a ValueSet's "
                "definition in words and its expansion (filter, language, paging), a ConceptMap's table. "
                "Resources from loaded packages whose concepts are not served carry the SUBSETTED tag.")

SEARCH = Op(
    Per(**{t: t for t in (_CS, _VS, _CM)}), "Search {rtype} resources", Ok("A searchset Bundle", Per(
        **{t: f"{t}Searchset" for t in (_CS, _VS, _CM)})),
    control=("_count", "_offset", "_summary", "_elements", "_total", "_format", "_pretty"),
    headers=("Prefer",), search=True,
    examples={"url:below": f"{X.RR}/", "status": "active", "_count": 10},
    description="Our content and the loaded packages (the FHIR R4 core package when present), ordered by url, "
                "version and id. Unknown parameters or modifiers (and _sort, not supported) -> 400, unless Prefer: "
                "handling=lenient: then they are ignored and listed in an OperationOutcome entry.")

# ---- the server ------------------------------------------------------------------------------------------------
METADATA = Op(
    "server", "CapabilityStatement, or the TerminologyCapabilities with mode=terminology",
    Ok("CapabilityStatement or TerminologyCapabilities", "CapabilityStatementOrTerminologyCapabilities"),
    own={"mode": ("terminology: the TerminologyCapabilities; full (or any other value, or none): the "
                  "CapabilityStatement.", {"type": "string", "enum": ["full", "normative", "terminology"]})},
    examples={"mode": "terminology"}, headers=())

VERSIONS = Op("server", "$versions: the FHIR version this endpoint speaks",
              Ok("Parameters with version and default", "Parameters"), headers=())

_PAGE_FORMAT = ("html: the page whatever the Accept header says; the other values: the JSON answer. Without it the "
                "Accept header decides (a browser's, text/html first, gets the page). Another value -> 406.",
                {"type": "string", "enum": sorted(v for v in ("html", "text/html", *JSON_FORMATS, *XML_FORMATS)
                                                  if " " not in v)})
HOME = Op(
    "pages", "Home: the page for a browser (or _format=html); a JSON index of the endpoints for other clients",
    Ok("The home page, or the JSON index (without an ETag)", etag=False,
       media={PLAIN_JSON: ref("schemas", "HomeIndex"), HTML: {"type": "string", "description": "an HTML page"}}),
    own={"_format": _PAGE_FORMAT}, control=(), headers=())

SEARCH_PAGE = Op(
    "pages", "Search our concepts (display, synonyms, en-GB display, code) and resources (title, name, id), and the "
             "core package's resources: a page for a browser, the hits as JSON for other clients",
    Ok("The search page, or the hits as JSON (without an ETag)", etag=False,
       media={PLAIN_JSON: ref("schemas", "SearchHits"), HTML: {"type": "string", "description": "an HTML page"}}),
    own={"q": ("The text to search for (word prefixes, as $expand's filter; a code also exactly).",
               {"type": "string"}), "_format": _PAGE_FORMAT},
    examples={"q": "anaem"}, control=(), headers=())

CONCEPT = Op(
    _CS, "The page of one concept (a browser, or _format=html); FHIR clients get the concept's $lookup", PARAMETERS,
    path_params={"code": ("The concept's code (percent-encoded; it may hold a slash).",
                          {"type": "string", "minLength": 1}, X.CODE)},
    description="Not a FHIR interaction (FHIR has no such path): a page for people, at an address a person can "
                "read. An unknown code system or code -> 404.")

METRICS = Op(
    "server", "Prometheus metrics (text exposition format), when the METRICS setting is on (the default)",
    Ok("The metrics (Cache-Control: no-store)", media={"text/plain": {"type": "string"}}),
    control=(), headers=(), only_errors=(),
    description="Answered by the metrics layer (service/web/layers/metrics.py), outside the route table; with METRICS "
                "off the path is a 404. No authentication: keep it off the public side of a proxy.")

READYZ = Op(
    "server", "Readiness: content loaded and every worker running (503 otherwise)",
    Ok("Ready (Cache-Control: no-store)", media={PLAIN_JSON: {"type": "object", "required": ["status"],
                                                              "properties": {"status": {"type": "string"}}}}),
    control=(), headers=(), only_errors=(),
    description="Answered by the intake layer (service/web/layers/intake.py), outside the route table; a 503 with the "
                "same shape while content is loading or a worker is missing. For load balancers and Kubernetes "
                "readiness probes; /healthz is liveness.")

HEALTHZ = Op("server", "Liveness check", Ok("The server is up", media={PLAIN_JSON: ref("schemas", "Health")}),
             control=(), headers=(), description="Not content negotiated: always JSON.")

# ---- integrators -----------------------------------------------------------------------------------------------
_DOWNLOAD = ("Content-Disposition",)
VALUESET_BUNDLE = Op(
    "integrators", "ValueSet/$bundle: value sets as one collection Bundle (a download)",
    Ok("A collection Bundle of ValueSets, streamed", media={FHIR_JSON: ref("schemas", "CollectionBundle")},
       headers=_DOWNLOAD),
    own={"url": ("Value set canonical (url or url|version), repeatable; none = every value set the server holds "
                 "(loaded packages included). An unknown one -> 422.",
                 {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}),
         "mode": ("definition: the ValueSets; expanded: with their expansion (a value set that cannot be expanded "
                  "keeps its definition and an OperationOutcome entry says why); metadata: metadata elements "
                  "only. Another value -> 400.",
                  {"type": "string", "enum": ["definition", "expanded", "metadata"], "default": "definition"}),
         "_format": ("Accepted for clients that always send it: the file is FHIR JSON whatever it says (an unknown "
                     "value -> 406).", {"type": "string", "enum": sorted(v for v in JSON_FORMATS if " " not in v)}),
         "_pretty": ("Accepted and not applied: the file is compact JSON.",
                     {"type": "string", "enum": ["true", "false"]})},
    examples={"url": [X.SYMPTOM_VS], "mode": "expanded"}, conditional=True, errors=(422,), control=(),
    description="Always FHIR JSON (a _format asking for XML or a page still gets the JSON file). Any other "
                "parameter -> 400.")

PACKAGE = Op(
    "integrators", "$package: our CodeSystems, ValueSets and ConceptMaps as a FHIR NPM package (.tgz)",
    Ok("The package (package/package.json, package/.index.json, one JSON file per resource)",
       media={"application/gzip": {"type": "string", "format": "binary"}}, headers=_DOWNLOAD),
    conditional=True, control=(), headers=(),
    description="Only the server's own content, not loaded packages. The same as rrall-tx package --out FILE.")

CSV_PARAMS = ("url", "context", "valueSetVersion", "filter", "offset", "count", "activeOnly", "excludeNotForUI",
              "displayLanguage", "useSupplement", "system-version", "check-system-version", "force-system-version",
              "default-valueset-version")
EXPAND_CSV = Op(
    "integrators", "ValueSet/$expand.csv: the expansion as CSV (a download)",
    Ok("CSV (UTF-8; header code,display,system,version), streamed",
       media={"text/csv": {"type": "string"}}, headers=_DOWNLOAD),
    params=CSV_PARAMS, examples={"url": X.SYMPTOM_VS, "filter": "anaem", "displayLanguage": "en-GB"},
    control=(), errors=(400, 422),
    description="The same value set choice and errors as $expand; the expansion is flat.")

VALIDATE = Op(
    "integrators", "$validate: check any FHIR resource (structure, codes, bindings)",
    Ok("The OperationOutcome: 200 whether or not the resource is valid", "OperationOutcome"),
    own={"profile": ("StructureDefinition canonical to check bindings against (else meta.profile, else the base "
                     "definition of the type).", {"type": "string", "minLength": 1})},
    body=Body("resource", example=X.CONDITION),
    description="Structure (error), terminology (unknown code: error; wrong display, inactive or deprecated: "
                "warning; unknown system: information) and bindings (required: error, extensible: warning, "
                "preferred/example: information), each issue with a FHIRPath expression. The body is a resource, "
                "a Bundle (checked entry by entry) or a Parameters with resource (and profile).")

BATCH = Op(
    "integrators", "batch: several requests in one Bundle", Ok("The batch-response Bundle", "BatchResponseBundle"),
    body=Body("batch", example=X.BATCH), errors=(422,),
    description="Each entry: request.method GET or POST and a url relative to this endpoint, and for a POST the "
                "Parameters (or resource) in entry.resource. Batches do not nest; downloads ($package, $bundle, "
                "$expand.csv) are refused per entry. A transaction, or more than 200 entries -> 422; another "
                "Bundle.type -> 400.")

# paths a WSGI layer answers outside the route table (and Flask's url_map), described like routes
LAYER_RULES = [("/metrics", "metrics", ["GET"], Route("metrics", None, negotiated=False)),
               ("/readyz", "readyz", ["GET"], Route("readyz", None, negotiated=False))]

DESCRIBED: dict[str, Op] = {
    "metadata": METADATA,
    "versions": VERSIONS,
    "lookup": LOOKUP,
    "lookup-instance": on_instance(LOOKUP, drop=("system", "version")),
    "cs-validate-code": CS_VALIDATE,
    "cs-validate-code-instance": on_instance(CS_VALIDATE, drop=("url",)),
    "subsumes": SUBSUMES,
    "subsumes-instance": on_instance(SUBSUMES, drop=("system", "version")),
    "expand": EXPAND,
    "expand-instance": on_instance(EXPAND, drop=("url", "context", "valueSetVersion")),
    "vs-validate-code": VS_VALIDATE,
    "vs-validate-code-instance": on_instance(VS_VALIDATE, drop=("url", "context", "valueSetVersion")),
    "batch-validate-code": BATCH_VALIDATE,
    "translate": TRANSLATE,
    "translate-instance": on_instance(TRANSLATE, drop=("url", "conceptMapVersion")),
    "valueset-bundle": VALUESET_BUNDLE,
    "expand-csv": EXPAND_CSV,
    "expand-csv-instance": on_instance(EXPAND_CSV, drop=("url", "context", "valueSetVersion")),
    "package": PACKAGE,
    "validate": VALIDATE,
    "validate-type": VALIDATE,
    "read": READ,
    "search": SEARCH,
    "batch": BATCH,
    "concept": CONCEPT,
    "home": HOME,
    "search-page": SEARCH_PAGE,
    "healthz": HEALTHZ,
    "metrics": METRICS,
    "readyz": READYZ,
}
