"""Route handlers for the server and its resources: metadata, $versions, read and search, health."""
from __future__ import annotations

from .. import params
from ..capabilities import FHIR_VERSIONS, capability_statement, terminology_capabilities
from ..content import SUBSETTED, full_resource
from ..errors import Invalid, NotFound
from .respond import FileResult, Result

SEARCH_PARAMS = {"url", "version", "name", "title", "status", "_id", "_count", "_summary", "_offset",
                 "_format", "_pretty", "_elements"}
SUMMARY_KEYS = ("resourceType", "id", "meta", "url", "identifier", "version", "name", "title", "status",
                "experimental", "date", "publisher", "description", "content", "count")


def healthz(svc, req) -> FileResult:
    return FileResult(b'{"status":"ok"}', "application/json")


def metadata(svc, req) -> Result:
    if req.arg("mode") == "terminology":
        return Result(terminology_capabilities(req.version, svc.config, svc.registry, req.fhir_base))
    return Result(capability_statement(req.version, svc.config, req.fhir_base))


def versions(svc, req) -> Result:
    v = FHIR_VERSIONS[req.version]
    return Result({"resourceType": "Parameters", "parameter": [
        {"name": "version", "valueString": v}, {"name": "default", "valueString": v}]}, cache=False)


def read(svc, req, rtype: str, rid: str) -> Result:
    entry = svc.registry.by_id(rtype, rid)
    if entry is None:
        raise NotFound(f"{rtype}/{rid} is not known")
    return Result(full_resource(entry))


def search(svc, req, rtype: str) -> Result:
    unknown = [k for k in req.query if k not in SEARCH_PARAMS]
    if unknown:
        raise Invalid(f"Unknown search parameter(s) for {rtype}: {', '.join(sorted(unknown))}")
    count = params.integer("_count", req.arg("_count")) if req.arg("_count") is not None else 50
    offset = params.integer("_offset", req.arg("_offset")) if req.arg("_offset") is not None else 0
    summary = req.arg("_summary")
    hits = []
    for entry in svc.registry.all(rtype):
        res = entry.metadata if hasattr(entry, "metadata") else entry
        if getattr(entry, "trimmed", False):   # a large code system: its concepts are not in the searchset
            res = dict(res, meta={**res.get("meta", {}), "tag": [SUBSETTED]})
        if _matches(req, res):
            hits.append(res)
    hits.sort(key=lambda r: (r.get("url", ""), r.get("version") or "", r.get("id", "")))
    base = req.fhir_base
    query = "&".join(f"{k}={v}" for k, v in req.query_pairs if k != "_offset")
    links = [{"relation": "self", "url": f"{base}/{rtype}?{query}&_offset={offset}".replace("?&", "?")}]
    if offset + count < len(hits) and summary != "count" and count > 0:
        links.append({"relation": "next", "url": f"{base}/{rtype}?{query}&_offset={offset + count}"
                     .replace("?&", "?")})
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(hits), "link": links}
    if summary != "count":
        bundle["entry"] = [{"fullUrl": f"{base}/{rtype}/{r.get('id')}", "resource": _summarise(r, summary),
                            "search": {"mode": "match"}} for r in hits[offset:offset + count]]
    return Result(bundle)


def _matches(req, res: dict) -> bool:
    for key in ("url", "version", "status", "_id"):
        want = req.arg(key)
        if want is not None and res.get("id" if key == "_id" else key) != want:
            return False
    for key in ("name", "title"):
        want = req.arg(key)
        if want is not None and not str(res.get(key, "")).lower().startswith(want.lower()):
            return False
    return True


def _summarise(res: dict, summary: str | None) -> dict:
    if summary != "true":
        return res
    return {k: v for k, v in res.items() if k in SUMMARY_KEYS}
