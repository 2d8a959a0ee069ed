"""Read and search of CodeSystem, ValueSet and ConceptMap; metadata; $versions; healthz."""
from __future__ import annotations

from flask import Blueprint, request

from ..capabilities import FHIR_VERSIONS, capability_statement, terminology_capabilities
from ..content import full_resource
from .. import params
from ..errors import Invalid, NotFound
from .http import config, fhir_version, registry, render

bp = Blueprint("resources", __name__)
TYPES = ("CodeSystem", "ValueSet", "ConceptMap")
SEARCH_PARAMS = {"url", "version", "name", "title", "status", "_id", "_count", "_summary", "_offset",
                 "_format", "_pretty", "_elements"}


def _base() -> str:
    return request.host_url.rstrip("/") + request.script_root + "/" + fhir_version().lower()


def _resource(entry) -> dict:
    return entry.resource if hasattr(entry, "resource") else entry


@bp.route("/metadata", methods=["GET"])
def metadata():
    if request.args.get("mode") == "terminology":
        return render(terminology_capabilities(fhir_version(), config(), registry(), _base()))
    return render(capability_statement(fhir_version(), config(), _base()))


@bp.route("/$versions", methods=["GET", "POST"])
def versions():
    v = FHIR_VERSIONS[fhir_version()]
    return render({"resourceType": "Parameters", "parameter": [
        {"name": "version", "valueString": v}, {"name": "default", "valueString": v}]})


@bp.route("/<any(CodeSystem, ValueSet, ConceptMap):rtype>/<fhirid:rid>", methods=["GET"])
def read(rtype, rid):
    entry = registry().by_id(rtype, rid)
    if entry is None:
        raise NotFound(f"{rtype}/{rid} is not known")
    return render(full_resource(entry), headers={"Cache-Control": "public, max-age=300"})


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    return params.integer(name, raw)


@bp.route("/<any(CodeSystem, ValueSet, ConceptMap):rtype>", methods=["GET"])
def search(rtype):
    unknown = [k for k in request.args if k not in SEARCH_PARAMS]
    if unknown:
        raise Invalid(f"Unknown search parameter(s) for {rtype}: {', '.join(sorted(unknown))}")
    count = _int_arg("_count", 50)
    offset = _int_arg("_offset", 0)
    summary = request.args.get("_summary")
    hits = []
    for entry in registry().all(rtype):
        res = _resource(entry)
        if getattr(entry, "trimmed", False):   # a large code system: its concepts are not in the searchset
            res = dict(res, meta={**res.get("meta", {}), "tag": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "SUBSETTED",
                "display": "subsetted"}]})
        if _matches(res):
            hits.append(res)
    hits.sort(key=lambda r: (r.get("url", ""), r.get("version") or "", r.get("id", "")))
    base = _base()
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(hits)}
    query = "&".join(f"{k}={v}" for k, v in request.args.items(multi=True) if k not in ("_offset",))
    links = [{"relation": "self", "url": f"{base}/{rtype}?{query}&_offset={offset}".replace("?&", "?")}]
    if offset + count < len(hits) and summary != "count":
        links.append({"relation": "next", "url": f"{base}/{rtype}?{query}&_offset={offset + count}"
                     .replace("?&", "?")})
    bundle["link"] = links
    if summary != "count":
        bundle["entry"] = [{"fullUrl": f"{base}/{rtype}/{r.get('id')}", "resource": _summarise(r, summary),
                            "search": {"mode": "match"}} for r in hits[offset:offset + count]]
    return render(bundle)


def _matches(res: dict) -> bool:
    args = request.args
    for key in ("url", "version", "status", "_id"):
        if key in args and res.get("id" if key == "_id" else key) != args[key]:
            return False
    for key in ("name", "title"):
        if key in args and not str(res.get(key, "")).lower().startswith(args[key].lower()):
            return False
    return True


def _summarise(res: dict, summary: str | None) -> dict:
    if summary != "true":
        return res
    keep = ("resourceType", "id", "meta", "url", "identifier", "version", "name", "title", "status",
            "experimental", "date", "publisher", "description", "content", "count")
    return {k: v for k, v in res.items() if k in keep}
