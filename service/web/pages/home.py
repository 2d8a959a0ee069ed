"""The home page (``/``) and the search (``/search?q=``).

Home: what this server is, our CodeSystems, ValueSets and ConceptMaps (the content registry, apart from the
~2,400 resources of the FHIR core package, which are counted and searchable), a search box. API clients asking
for ``/`` get a small JSON index of the endpoints instead; for ``/search`` they get the hits as JSON.
"""
from __future__ import annotations

import orjson

from ..respond import FileResult, PageResult
from . import search as finder
from .templating import SERVER_NAME, Links, page_body

KINDS = ("CodeSystem", "ValueSet", "ConceptMap")


def index(svc, req) -> FileResult:
    """``/`` for API clients: where the FHIR endpoints are."""
    base = req.base_url
    body = {"name": SERVER_NAME, "description": "FHIR terminology server for relapsed and refractory acute "
            "lymphoblastic leukaemia (ALL): CodeSystems, ValueSets, ConceptMaps and the terminology operations.",
            "software": {"version": svc.config.get("SOFTWARE_VERSION")},
            "fhir": {"r4": {"base": f"{base}/r4", "fhirVersion": "4.0.1", "metadata": f"{base}/r4/metadata"},
                     "r5": {"base": f"{base}/r5", "fhirVersion": "5.0.0", "metadata": f"{base}/r5/metadata"}},
            "health": f"{base}/healthz", "search": f"{base}/search?q=",
            "pages": "Open this address in a browser (or add _format=html) for pages for people."}
    return FileResult(orjson.dumps(body, option=orjson.OPT_INDENT_2), "application/json")


def home_page(svc, req) -> PageResult:
    links = Links(req)
    ours = svc.content_registry
    sections = {kind: _listing(ours, kind, links) for kind in KINDS}
    code_systems = [cs for cs in sections["CodeSystem"] if cs["content"] != "fragment"]
    fragments = [cs for cs in sections["CodeSystem"] if cs["content"] == "fragment"]
    plumbing = _supporting_value_sets(ours)
    curated = [vs for vs in sections["ValueSet"] if vs["full_url"] not in plumbing]
    generated = [vs for vs in sections["ValueSet"] if vs["full_url"] in plumbing]
    core = {kind: _count(svc.registry, kind) - _count(ours, kind) if svc.registry is not ours else 0
            for kind in KINDS}
    body = page_body(req, "home.html", title=SERVER_NAME, code_systems=code_systems, fragments=fragments,
                     curated=curated, generated=generated, concept_maps=sections["ConceptMap"], core=core,
                     concepts=sum(cs["count"] or 0 for cs in code_systems),
                     content_version=_content_version(code_systems))
    return PageResult(body)


def search_json(svc, req) -> FileResult:
    """``/search?q=`` for API clients: the same hits as the page, as JSON."""
    links = Links(req)
    hits = finder.search(svc, links, req.arg("q", ""))
    body = {"q": hits.query, "concepts": [h.as_json(links) for h in hits.concepts],
            "resources": [h.as_json(links) for h in hits.resources], "core": [h.as_json(links) for h in hits.core],
            "truncated": hits.truncated}
    if hits.error:
        body["error"] = hits.error
    return FileResult(orjson.dumps(body), "application/json")


def search_page(svc, req) -> PageResult:
    hits = finder.search(svc, Links(req), req.arg("q", ""))
    body = page_body(req, "search.html", title=f"Search: {hits.query}" if hits.query else "Search", hits=hits,
                     query=hits.query, limit=finder.MAX_HITS)
    return PageResult(body)


def _listing(registry, kind: str, links: Links) -> list[dict]:
    out = []
    for entry in registry.all(kind):
        res = entry.metadata if hasattr(entry, "metadata") else entry
        if not res.get("id") or (kind == "CodeSystem" and res.get("content") == "supplement"):
            continue
        out.append({"id": res["id"], "title": res.get("title") or res.get("name") or res["id"],
                    "description": _first_sentence(res.get("description") or ""), "status": res.get("status"),
                    "purpose": res.get("purpose"), "content": res.get("content"), "version": res.get("version"),
                    "count": getattr(entry, "size", None), "url": links.resource(kind, res["id"]),
                    "full_url": res.get("url")})
    out.sort(key=lambda r: r["title"].lower())
    return out


def _supporting_value_sets(registry) -> set[str]:
    """URLs of value sets that are not pick lists: all the codes of code systems (every include a whole system),
    and the source and target scopes of our concept maps."""
    out = set()
    for vs in registry.all("ValueSet"):
        includes = (vs.get("compose") or {}).get("include", [])
        if vs.get("url") and includes and all(set(inc) <= {"system", "version"} for inc in includes):
            out.add(vs["url"])
    for cm in registry.all("ConceptMap"):
        out.update(cm[k] for k in ("sourceScopeUri", "sourceScopeCanonical", "targetScopeUri",
                                   "targetScopeCanonical") if cm.get(k))
    return out


def _count(registry, kind: str) -> int:
    return len(registry.all(kind))


def _content_version(code_systems: list[dict]) -> str | None:
    versions = {cs["version"] for cs in code_systems if cs["version"]}
    return versions.pop() if len(versions) == 1 else None


def _first_sentence(text: str, limit: int = 220) -> str:
    cut = text.find(". ")
    text = text[:cut + 1] if 0 < cut < limit else text
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
