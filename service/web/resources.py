"""Route handlers for the server and its resources: metadata, $versions, read and search, health."""
from __future__ import annotations

from .. import params
from ..capabilities import FHIR_VERSIONS, capability_statement, terminology_capabilities
from ..content import full_resource
from ..errors import NotFound
from . import search_params, summary
from .respond import FileResult, Result

DEFAULT_COUNT = 50
MAX_COUNT = 200   # a larger _count gets pages of this size (FHIR lets a server return fewer): bounded work per page


def healthz(svc, req) -> FileResult:
    return FileResult(b'{"status":"ok"}', "application/json")


def metadata(svc, req) -> Result:
    if req.arg("mode") == "terminology":
        return Result(terminology_capabilities(req.version, svc.config, svc.registry, req.fhir_base))
    return Result(capability_statement(req.version, svc.config, req.fhir_base))


def versions(svc, req) -> Result:
    v = FHIR_VERSIONS[req.version]
    return Result({"resourceType": "Parameters", "parameter": [
        {"name": "version", "valueString": v}, {"name": "default", "valueString": v}]})


def read(svc, req, rtype: str, rid: str) -> Result:
    entry = svc.registry.by_id(rtype, rid)
    if entry is None:
        raise NotFound(f"{rtype}/{rid} is not known")
    summary_, elements = req.arg("_summary"), req.arg("_elements")
    summary.check(summary_, elements)
    resource = full_resource(entry)
    if getattr(entry, "trimmed", False) and resource is entry.metadata:   # concepts not served: say so
        resource = summary.mark_subsetted(resource)
    return Result(summary.apply(resource, summary_, elements))


def search(svc, req, rtype: str) -> Result:
    """search-type over our content and the loaded packages (FHIR search: string, uri and token parameters,
    _summary, _elements, _count/_offset paging, _total; Prefer: handling=lenient ignores what it cannot do)."""
    criteria, ignored = search_params.parse(req)
    count = params.integer("_count", req.arg("_count")) if req.arg("_count") is not None else DEFAULT_COUNT
    count = min(count, MAX_COUNT)
    offset = params.integer("_offset", req.arg("_offset")) if req.arg("_offset") is not None else 0
    summary_, elements = req.arg("_summary"), req.arg("_elements")
    summary.check(summary_, elements)
    hits = []
    for entry in svc.registry.all(rtype):
        res = entry.metadata if hasattr(entry, "metadata") else entry
        if search_params.matches(res, criteria):
            hits.append(summary.mark_subsetted(res) if getattr(entry, "trimmed", False) else res)
    hits.sort(key=lambda r: (r.get("url", ""), r.get("version") or "", r.get("id", "")))
    bundle = {"resourceType": "Bundle", "type": "searchset"}
    if req.arg("_total") != "none":
        bundle["total"] = len(hits)
    bundle["link"] = search_params.links(req, rtype, len(hits), offset, count, summary_, ignored)
    entries = [] if summary_ == "count" else [
        {"fullUrl": f"{req.fhir_base}/{rtype}/{r.get('id')}", "resource": summary.apply(r, summary_, elements),
         "search": {"mode": "match"}} for r in hits[offset:offset + count]]
    if ignored:
        entries.append({"resource": search_params.ignored_outcome(ignored), "search": {"mode": "outcome"}})
    if entries:
        bundle["entry"] = entries
    # Prefer: handling=lenient changes the answer (the response cache keys on it too)
    return Result(bundle, headers={"Vary": "Accept, Accept-Language, Prefer"})
