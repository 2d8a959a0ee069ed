"""The registry: the only place that resolves canonical url|version to content.

Holds indexed CodeSystems, ValueSets and ConceptMaps, keyed by id and by
(url, version). ``overlay`` gives a per-request view with tx-resources on top.
"""
from __future__ import annotations

import hashlib

import orjson

from ..lru import LRUCache
from .codesystem import CodeSystemIndex
from .implicit import is_implicit, valueset as implicit_valueset
from .versions import latest, matches, split_canonical

KINDS = ("CodeSystem", "ValueSet", "ConceptMap")


class Registry:
    def __init__(self, parent: "Registry | None" = None, *, request_scope: bool = False):
        self.parent = parent
        # a request's own resources (tx-resource, inline) win over the server's for versionless references;
        # a layer of server content over packages does not: there, complete content beats fragments wherever
        # it was loaded
        self.request_scope = request_scope
        self._by_url: dict[str, dict[str, dict]] = {k: {} for k in KINDS}   # kind -> url -> version -> entry
        self._by_id: dict[str, dict[str, object]] = {k: {} for k in KINDS}
        self._supplements: dict[str, list[CodeSystemIndex]] = {}
        self.order: dict[str, list] = {k: [] for k in KINDS}
        self._implicit: LRUCache | None = None    # url -> implicit value set (one object), made on first use

    # ---- loading ---------------------------------------------------------------
    def add(self, resource: dict, index: CodeSystemIndex | None = None):
        kind = resource.get("resourceType")
        if kind not in KINDS:
            return None
        entry = resource
        if kind == "CodeSystem":
            entry = index or CodeSystemIndex(resource)
            if entry.content == "supplement" and entry.supplements:
                base, _v = split_canonical(entry.supplements)
                self._supplements.setdefault(base, []).append(entry)
        url = resource.get("url")
        if url:
            self._by_url[kind].setdefault(url, {})[resource.get("version")] = entry
        rid = resource.get("id")
        if rid:
            self._by_id[kind][rid] = entry
        self.order[kind].append(entry)
        return entry

    def overlay(self, resources: list[dict], *, index_cache=None) -> "Registry":
        """A child registry whose own resources shadow this one's (request scope). index_cache (get/put, the
        application's) keeps the CodeSystem indexes of request resources by content hash."""
        if not resources:
            return self
        child = Registry(parent=self, request_scope=True)
        for res in resources:
            index = _index(res, index_cache) if res.get("resourceType") == "CodeSystem" else None
            child.add(res, index=index)
        return child

    # ---- lookup ----------------------------------------------------------------
    def _versions(self, kind: str, url: str) -> dict:
        merged: dict = {}
        if self.parent is not None:
            merged.update(self.parent._versions(kind, url))
        merged.update(self._by_url[kind].get(url, {}))
        return merged

    def versions_of(self, kind: str, url: str) -> list:
        return [v for v in self._versions(kind, url)]

    def resolve(self, kind: str, url: str, version: str | None = None):
        """Resolve url (optionally 'url|version') to an entry, or None.

        Without a version the latest is chosen, among the request's own resources
        when it sent any for that url (tx-resource); for CodeSystems complete content
        wins over fragments/examples/supplements of a later version, whichever layer
        (content or package) holds it: a fragment only fills in where nothing complete is loaded.
        """
        if version is None:
            url, version = split_canonical(url)
        found = self._versions(kind, url)
        if not found:
            return self._implicit_valueset(url) if kind == "ValueSet" and version is None else None
        if version is None and self.request_scope and self._by_url[kind].get(url):
            found = self._by_url[kind][url]   # resources sent with the request win over the server's own
        if version is not None:
            if version in found:
                return found[version]
            cands = [v for v in found if matches(version, v)]
            return found[latest(cands)] if cands else None
        if kind == "CodeSystem":
            usable = {v: e for v, e in found.items() if e.content != "supplement"} or found
            complete = {v: e for v, e in usable.items() if e.content == "complete"}
            usable = complete or usable   # a complete system beats fragments and examples of it
            return usable[latest(list(usable))]
        return found[latest(list(found))]

    def _implicit_valueset(self, url: str):
        """An implicit value set (``implicit``: SNOMED CT ?fhir_vs, LOINC /vs), made once per registry that
        holds code systems (a request layer without any asks the server's), so a url is one object."""
        if not is_implicit(url):
            return None
        owner = self
        while owner.parent is not None and not owner._by_url["CodeSystem"]:
            owner = owner.parent
        if owner._implicit is None:
            owner._implicit = LRUCache(max_items=1024, max_bytes=1 << 40)
        hit = owner._implicit.get(url)
        if hit is None:
            hit = implicit_valueset(url, owner)
            if hit is not None:
                owner._implicit.put(url, hit)
        return hit

    def by_id(self, kind: str, rid: str):
        hit = self._by_id[kind].get(rid)
        if hit is None and self.parent is not None:
            return self.parent.by_id(kind, rid)
        return hit

    def all(self, kind: str) -> list:
        out = list(self.parent.all(kind)) if self.parent is not None else []
        out.extend(self.order[kind])
        return out

    def all_supplements(self) -> list[CodeSystemIndex]:
        """Every supplement CodeSystem (for language packs), without scanning all code systems."""
        out = list(self.parent.all_supplements()) if self.parent is not None else []
        for sups in self._supplements.values():
            out.extend(sups)
        return out

    def supplements_for(self, url: str) -> list[CodeSystemIndex]:
        out = list(self.parent.supplements_for(url)) if self.parent is not None else []
        out.extend(self._supplements.get(url, []))
        return out


def content_hash(resource: dict) -> str:
    return hashlib.sha256(orjson.dumps(resource, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _index(resource: dict, cache) -> CodeSystemIndex:
    """Index a request-scoped CodeSystem once per distinct content (keyed by hash) when there is a cache."""
    if cache is None:
        return CodeSystemIndex(resource)
    key = content_hash(resource)
    hit = cache.get(key)
    if hit is None:
        hit = CodeSystemIndex(resource)
        cache.put(key, hit)
    return hit
