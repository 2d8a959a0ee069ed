"""The parameters openapi.yaml documents: FHIR operation parameters, control parameters, request headers.

A parameter's type is not written here but read from the code that types it: ``service.params`` (booleans,
32-bit non-negative integers, strings, repeating parameters); the values the server restricts come from the
modules that restrict them (``negotiate`` for _format, ``summary`` for _summary, ``search_params`` for the
search parameters and their modifiers). Only the words are written here.
"""
from __future__ import annotations

from ... import params as P
from .. import negotiate, search_params, summary

INT32_MAX = 2**31 - 1

# FHIR operation parameters (query string, form field or Parameters.parameter), by name
OPERATION_PARAMS = {
    "url": "Canonical URL of the resource the operation is about (may carry |version).",
    "context": "A value set canonical used in place of url (the binding context); url wins when both are given.",
    "valueSetVersion": "The version of the value set named by url.",
    "code": "The code.",
    "system": "The code system the code is from.",
    "version": "The version of the code system.",
    "systemVersion": "The version of the code system the code is from.",
    "display": "The display to check against the code system's displays and designations.",
    "date": "The date for which the answer should hold (accepted; the content is not dated).",
    "displayLanguage": "Language of the displays (BCP-47; a comma list with q-values is allowed); an invalid "
                       "tag -> 400. Overrides Accept-Language.",
    "property": "A property to return (repeatable; '*' for all).",
    "useSupplement": "Canonical of a CodeSystem supplement to apply (repeatable); an unknown one -> 422.",
    "abstract": "Whether abstract (notSelectable) codes are acceptable (default true).",
    "activeOnly": "Only active codes are acceptable / included.",
    "inferSystem": "Accepted: a code without a system is looked up in the value set's code systems anyway.",
    "lenient-display-validation": "Report a wrong display as a warning instead of an error.",
    "valueset-membership-only": "Only check membership in the value set (no display or status checks).",
    "codeA": "The 'A' code: is A subsumed by B, or does A subsume B?",
    "codeB": "The 'B' code.",
    "filter": "Text filter: every word must prefix a word of a display or designation (case- and "
              "accent-insensitive).",
    "offset": "Paging: codes to skip (after filtering).",
    "count": "Paging: codes to return (0 = only the total).",
    "includeDesignations": "Include designations in the expansion.",
    "designation": "Designation to include: a language and/or a use system|code (repeatable).",
    "includeDefinition": "Include the value set definition in the expansion.",
    "excludeNested": "Return a flat list instead of the code system hierarchy.",
    "excludeNotForUI": "Leave out abstract (notSelectable) codes.",
    "excludePostCoordinated": "Leave out post-coordinated codes (there are none in this server's content).",
    "system-version": "Version for a code system when the value set gives none: system|version (repeatable).",
    "check-system-version": "Required version (pattern) for a code system: system|version (repeatable); a "
                            "mismatch -> 422.",
    "force-system-version": "Version to use for a code system whatever the value set says: system|version "
                            "(repeatable).",
    "default-valueset-version": "Version for an imported value set that names none: url|version (repeatable).",
    "conceptMapVersion": "The version of the concept map named by url.",
    "sourceCode": "R5 name: the code to translate (with system).",
    "sourceSystem": "R5 name: the code system of the code to translate.",
    "targetCode": "R5 name: the target code of a reverse translation (with targetSystem).",
    "targetSystem": "R5 name: the code system to translate into (or, in reverse, the system of targetCode).",
    "sourceScope": "R5 name: the value set in which the source code is found.",
    "targetScope": "R5 name: the value set the target codes should come from.",
    "source": "R4 name: the value set in which the source code is found.",
    "target": "R4 name: the value set the target codes should come from.",
    "targetsystem": "R4 name: the code system to translate into.",
    "reverse": "R4 name: translate from target to source.",
    "profile": "StructureDefinition canonical to check bindings against (else meta.profile, else the base "
               "definition of the type).",
}

# parameters carried only in a POST body (Codings, CodeableConcepts, resources)
BODY_ONLY = {
    "coding": "a Coding", "codeableConcept": "a CodeableConcept", "codingA": "a Coding", "codingB": "a Coding",
    "sourceCoding": "a Coding", "sourceCodeableConcept": "a CodeableConcept", "targetCoding": "a Coding",
    "targetCodeableConcept": "a CodeableConcept", "dependency": "parts attribute/element and value/concept",
    "valueSet": "a ValueSet", "codeSystem": "a CodeSystem", "conceptMap": "a ConceptMap",
    "tx-resource": "a CodeSystem or ValueSet used for this request only (repeatable)",
    "validation": "a Parameters of one $validate-code request (repeatable)",
}


def operation_schema(name: str) -> dict:
    """The JSON schema of a FHIR operation parameter in a query string or form, from service.params."""
    if name in P.BOOLEANS:
        base = {"type": "boolean"}
    elif name in P.INTEGERS:
        base = {"type": "integer", "minimum": 0, "maximum": INT32_MAX}
    else:
        base = {"type": "string", "minLength": 1}
    if name in P.MULTI:
        return {"type": "array", "items": base, "minItems": 1}
    return base


# ---- control parameters ------------------------------------------------------------------------------------
def _format_values() -> list[str]:
    """Every _format value the server understands (an unencoded '+' arrives as a space: not listed)."""
    known = negotiate.JSON_FORMATS | negotiate.XML_FORMATS | negotiate.HTML_FORMATS
    return sorted(v for v in known if " " not in v)


def _control() -> dict[str, dict]:
    count = {"type": "integer", "minimum": 0, "maximum": INT32_MAX}
    return {
        "_format": {"description": "Answer format; wins over Accept. json and application/json give "
                                   "application/json, the other JSON values application/fhir+json; the XML values "
                                   "application/fhir+xml; html and text/html a page (text/html). Another value "
                                   "-> 406.",
                    "schema": {"type": "string", "enum": _format_values()}},
        "_pretty": {"description": "true: indented JSON.", "schema": {"type": "string", "enum": ["true", "false"]}},
        "_summary": {"description": "Summary: true (summary elements), text, data, count (search: the total only) "
                                    "or false; a subsetted resource carries the SUBSETTED tag. Another value, or "
                                    "with _elements -> 400.",
                     "schema": {"type": "string", "enum": list(summary.SUMMARY_VALUES)}},
        "_elements": {"description": "Comma-separated elements to return (plus the mandatory ones); a subsetted "
                                     "resource carries the SUBSETTED tag. With _summary (other than false) -> 400.",
                      "schema": {"type": "string", "minLength": 1}},
        "_count": {"description": "Search: page size (default 50; 0 = the total only, no next link).",
                   "schema": count},
        "_offset": {"description": "Search: entries to skip (the paging links carry it).", "schema": count},
        "_total": {"description": "Search: none leaves Bundle.total out; estimate and accurate give it (as does "
                                  "leaving this out). Another value -> 400.",
                   "schema": {"type": "string", "enum": ["none", "estimate", "accurate"]}},
        "_sort": {"description": "Search: not supported (a 400, or ignored and listed in the outcome entry under "
                                 "Prefer: handling=lenient); entries are ordered by url, version and id.",
                  "schema": {"type": "string", "minLength": 1}},
    }


CONTROL = _control()
assert set(search_params.CONTROL) <= set(CONTROL), "a search control parameter has no description"

HEADERS = {
    "Accept-Language": {"description": "Preferred languages for displays (used when displayLanguage is not "
                                       "given; a header that cannot be read is ignored).",
                        "schema": {"type": "string"}, "example": "en-GB"},
    "If-None-Match": {"description": "An ETag of an earlier answer: 304 Not Modified when it still holds.",
                      "schema": {"type": "string"}},
    "Prefer": {"description": "handling=lenient: unknown search parameters are ignored and listed in an "
                              "OperationOutcome entry (search.mode outcome) instead of a 400.",
               "schema": {"type": "string"}, "example": "handling=lenient"},
}

# ---- search parameters (from search_params: names, kinds and modifiers) --------------------------------------
SEARCH_WORDS = {
    "name": "the resource name", "title": "the title", "publisher": "the publisher",
    "description": "the description", "url": "the canonical url", "status": "the publication status "
    "(draft, active, retired, unknown)", "version": "the business version", "_id": "the resource id",
}
MODIFIER_WORDS = {
    ("string", None): "starts with, ignoring case and accents",
    ("string", "exact"): "equals, exactly",
    ("string", "contains"): "contains, ignoring case and accents",
    ("uri", None): "equals",
    ("uri", "below"): "at or below the given url (path segments)",
    ("uri", "above"): "at or above the given url (path segments)",
    ("token", None): "equals",
}


def search_parameters() -> list[tuple[str, str, dict]]:
    """(name with modifier, description, schema) of every search parameter the server understands."""
    out = []
    for name in sorted(search_params.STRING | search_params.URI | search_params.TOKEN, key=_search_order):
        kind = "string" if name in search_params.STRING else "uri" if name in search_params.URI else "token"
        for modifier in sorted(search_params.MODIFIERS[kind], key=lambda m: m or ""):
            full = f"{name}:{modifier}" if modifier else name
            words = f"{SEARCH_WORDS[name][0].upper()}{SEARCH_WORDS[name][1:]} {MODIFIER_WORDS[(kind, modifier)]}"
            out.append((full, words + "; a comma separates alternatives (OR), a repeated parameter must also "
                        "match (AND).", {"type": "string", "minLength": 1}))
    return out


def _search_order(name: str) -> tuple:
    return (name.startswith("_"), name)
