"""Search for people (``/search?q=``): our concepts by display, synonym, en-GB display or code (the engine's
word-prefix text index, as ``$expand?filter=`` matches; a code also exactly), our CodeSystems, ValueSets and
ConceptMaps by title, name or id, and the core package's resources by title, name or id (not their concepts).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import Invalid
from .templating import Links

MAX_HITS = 100
MAX_QUERY = 200
KINDS = ("CodeSystem", "ValueSet", "ConceptMap")


@dataclass
class Hit:
    kind: str           # "concept" or the resource type
    title: str
    url: str            # the page
    code: str | None = None
    system: str | None = None
    where: str | None = None   # the code system's title (concepts) or the resource id
    matched: str | None = None  # the synonym or designation that matched, when not the display

    def as_json(self, links: Links) -> dict:
        return {k: v for k, v in {"type": self.kind, "title": self.title, "page": links.absolute(self.url),
                                  "code": self.code,
                                  "system": self.system, "in": self.where, "matched": self.matched}.items()
                if v is not None}


@dataclass
class Hits:
    query: str
    concepts: list[Hit] = field(default_factory=list)
    resources: list[Hit] = field(default_factory=list)
    core: list[Hit] = field(default_factory=list)
    truncated: bool = False
    error: str | None = None


def search(svc, links: Links, raw: str) -> Hits:
    query = " ".join((raw or "").split())[:MAX_QUERY]
    hits = Hits(query)
    if not query:
        return hits
    try:
        hits.concepts = _concepts(svc.content_registry, links, query, hits)
    except Invalid as exc:   # e.g. too many words for the text index
        hits.error = str(exc)
    hits.resources = _resources(svc.content_registry, links, query, hits)
    if svc.registry is not svc.content_registry:
        ours = {id(e) for kind in KINDS for e in svc.content_registry.all(kind)}
        hits.core = _resources(svc.registry, links, query, hits, skip=ours)
    return hits


def _concepts(registry, links: Links, query: str, hits: Hits) -> list[Hit]:
    out: list[Hit] = []
    folded = query.lower()
    for cs in registry.all("CodeSystem"):
        rid = cs.metadata.get("id")
        if not rid or cs.content == "supplement":
            continue
        seen: set[str] = set()
        exact = cs.locate(query)
        found = [exact] if exact is not None else []
        positions = cs.text_search(query) or []
        found.extend(cs.concept_at(p) for p in positions)
        for concept in found:
            if concept.code in seen:
                continue
            seen.add(concept.code)
            if len(out) >= MAX_HITS:
                hits.truncated = True
                return out
            out.append(Hit("concept", concept.display or concept.code, links.concept(rid, concept.code),
                           concept.code, cs.url, cs.title or cs.name or rid, _matched(concept, folded)))
    return out


def _matched(concept, folded: str) -> str | None:
    """The designation a hit was found by, when the display does not show it."""
    first = folded.split()[0]
    if concept.display and first in concept.display.lower():
        return None
    for d in concept.designations:
        if first in str(d.get("value", "")).lower():
            return d["value"]
    return None


def _resources(registry, links: Links, query: str, hits: Hits, skip: set | None = None) -> list[Hit]:
    out: list[Hit] = []
    folded = query.lower()
    for kind in KINDS:
        for entry in registry.all(kind):
            if skip and id(entry) in skip:
                continue
            res = entry.metadata if hasattr(entry, "metadata") else entry
            rid = res.get("id")
            texts = (res.get("title"), res.get("name"), rid, res.get("url"))
            if not rid or not any(folded in str(t).lower() for t in texts if t):
                continue
            if len(out) >= MAX_HITS:
                hits.truncated = True
                return out
            out.append(Hit(kind, res.get("title") or res.get("name") or rid, links.resource(kind, rid),
                           where=rid, system=res.get("url")))
    return out
