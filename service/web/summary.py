"""``_summary`` and ``_elements`` on read and search (FHIR R4/R5 search, 3.1.1.5.10-11).

A subsetted resource carries the SUBSETTED tag in meta. Summary elements are those the FHIR definitions of
CodeSystem, ValueSet and ConceptMap mark isSummary; mandatory elements are always kept.
"""
from __future__ import annotations

from ..errors import Invalid

SUBSETTED = {"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "SUBSETTED",
             "display": "subsetted"}
SUMMARY_VALUES = ("true", "text", "data", "count", "false")
ALWAYS = ("resourceType", "id", "meta")
COMMON_SUMMARY = ("implicitRules", "modifierExtension", "url", "identifier", "version", "name",
                  "title", "status", "experimental", "date", "publisher", "contact", "useContext", "jurisdiction",
                  "versionAlgorithmString", "versionAlgorithmCoding", "copyrightLabel")
SUMMARY_ELEMENTS = {
    "CodeSystem": COMMON_SUMMARY + ("caseSensitive", "valueSet", "hierarchyMeaning", "compositional",
                                    "versionNeeded", "content", "supplements", "count", "filter", "property"),
    "ValueSet": COMMON_SUMMARY + ("immutable",),
    "ConceptMap": COMMON_SUMMARY + ("sourceUri", "sourceCanonical", "targetUri", "targetCanonical",
                                    "sourceScopeUri", "sourceScopeCanonical", "targetScopeUri",
                                    "targetScopeCanonical"),
}
MANDATORY = {"CodeSystem": ("status", "content"), "ValueSet": ("status",), "ConceptMap": ("status",)}


def check(summary: str | None, elements: str | None) -> None:
    if summary is not None and summary not in SUMMARY_VALUES:
        raise Invalid(f"Unknown _summary value '{summary}': use one of {', '.join(SUMMARY_VALUES)}")
    if summary not in (None, "false") and elements:
        raise Invalid("_summary and _elements cannot be combined")


def apply(resource: dict, summary: str | None, elements: str | None) -> dict:
    """The resource as _summary / _elements ask for it (the resource itself when they ask for all of it)."""
    rtype = resource.get("resourceType", "")
    if elements:
        wanted = {e.strip() for e in elements.split(",") if e.strip()}
        keep = set(ALWAYS) | set(MANDATORY.get(rtype, ())) | wanted
    elif summary == "true":
        keep = set(ALWAYS) | set(SUMMARY_ELEMENTS.get(rtype, COMMON_SUMMARY)) | set(MANDATORY.get(rtype, ()))
    elif summary == "text":
        keep = set(ALWAYS) | {"text"} | set(MANDATORY.get(rtype, ()))
    elif summary == "data":
        keep = set(resource) - {"text"}
    else:
        return resource
    out = {k: v for k, v in resource.items() if k in keep}
    if len(out) < len(resource):
        out = mark_subsetted(out)
    return out


def mark_subsetted(resource: dict) -> dict:
    meta = dict(resource.get("meta") or {})
    tags = [t for t in meta.get("tag", []) if t.get("code") != "SUBSETTED"]
    meta["tag"] = tags + [SUBSETTED]
    out = dict(resource)
    out["meta"] = meta
    if "resourceType" in out:   # keep resourceType first
        out = {"resourceType": out.pop("resourceType"), **out}
    return out
