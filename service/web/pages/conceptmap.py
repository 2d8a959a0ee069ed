"""The ConceptMap page: a table source -> target per group, with the equivalence as the endpoint's FHIR version
words it (R4 ``equivalence`` on /r4, R5 ``relationship`` on /r5) and the target's comment."""
from __future__ import annotations

from ...convert import REL_TO_EQUIV, r4_equivalence
from ...engine.versions import split_canonical
from ...errors import NotFound
from ..respond import PageResult
from . import facts
from .templating import Links, code_system_of, concept_url, page_body

R4_WORDS = {"equivalent": "the same meaning", "equal": "identical", "wider": "the target is broader",
            "subsumes": "the target subsumes the source", "narrower": "the target is narrower",
            "specializes": "the target specialises the source", "relatedto": "related, neither broader nor narrower",
            "inexact": "an inexact match", "unmatched": "no match", "disjoint": "not related"}
R5_WORDS = {"equivalent": "the same meaning", "source-is-narrower-than-target": "the target is broader",
            "source-is-broader-than-target": "the target is narrower",
            "related-to": "related, neither broader nor narrower", "not-related-to": "not related"}
METADATA = (("url", "URL"), ("version", "Version"), ("name", "Name"), ("status", "Status"),
            ("experimental", "Experimental"), ("publisher", "Publisher"), ("date", "Date"))


def relation_of(target: dict, version: str | None) -> tuple[str, str]:
    """(the FHIR word, a plain-English gloss) for a map target (R5 shape) on /r4 or /r5."""
    rel = target.get("relationship")
    if version == "R4":
        word = r4_equivalence(target) or REL_TO_EQUIV.get(rel or "", "relatedto")
        return word, R4_WORDS.get(word, "")
    word = rel or "related-to"
    return word, R5_WORDS.get(word, "")


def conceptmap_page(svc, req, rid: str) -> PageResult:
    cm = svc.registry.by_id("ConceptMap", rid)
    if cm is None:
        raise NotFound(f"ConceptMap/{rid} is not known")
    links = Links(req)
    ids: dict = {}
    groups = [_group(svc, links, req.version, g, ids) for g in cm.get("group", [])]
    metadata = [(label, cm[key] if not isinstance(cm[key], bool) else ("yes" if cm[key] else "no"))
                for key, label in METADATA if cm.get(key) is not None]
    body = page_body(req, "conceptmap.html", title=cm.get("title") or cm.get("name") or rid, cm=cm, rid=rid,
                     groups=groups, metadata=metadata, scopes=_scopes(svc, links, cm),
                     relation_label="Equivalence" if req.version == "R4" else "Relationship",
                     json_url=links.resource("ConceptMap", rid, _format="json"),
                     xml_url=links.resource("ConceptMap", rid, _format="xml"))
    return PageResult(body)


def _scopes(svc, links: Links, cm: dict) -> list[tuple[str, str, str | None]]:
    """(role, value set title or URL, its page) of the source and target scopes (R5 sourceScope/targetScope)."""
    out = []
    for role, key in (("Source", "sourceScopeUri"), ("Source", "sourceScopeCanonical"),
                      ("Target", "targetScopeUri"), ("Target", "targetScopeCanonical")):
        url = cm.get(key)
        if not url:
            continue
        vs = svc.registry.resolve("ValueSet", url)
        if vs is not None and vs.get("id"):
            out.append((role, vs.get("title") or vs.get("name") or url, links.resource("ValueSet", vs["id"])))
        else:
            out.append((role, url, None))
    return out


def _title(url: str, cs, labels: dict[str, str]) -> str:
    return labels.get(url) or ((cs.title or cs.name) if cs is not None else None) or url


def _group(svc, links: Links, version: str | None, group: dict, ids: dict) -> dict:
    labels = facts.system_labels(svc)
    reg = svc.registry
    source_id, source_cs = code_system_of(reg, group.get("source"), ids)
    target_id, target_cs = code_system_of(reg, group.get("target"), ids)
    rows = []
    for element in group.get("element", []):
        source = {"code": element.get("code", ""), "display": element.get("display", ""),
                  "url": concept_url(reg, links, group.get("source"), element.get("code"), ids)}
        targets = element.get("target") or []
        if element.get("noMap") or not targets:
            rows.append({"source": source, "target": None, "relation": ("unmatched", R4_WORDS["unmatched"])
                         if version == "R4" else ("noMap", R4_WORDS["unmatched"]), "comment": ""})
        for target in targets:
            code = target.get("code", "")
            rows.append({"source": source, "relation": relation_of(target, version),
                         "target": {"code": code, "display": target.get("display", ""),
                                    "url": concept_url(reg, links, group.get("target"), code, ids)},
                         "comment": target.get("comment", "")})
    source, target = split_canonical(group.get("source", ""))[0], split_canonical(group.get("target", ""))[0]
    return {"source": source, "target": target, "rows": rows,
            "source_title": _title(source, source_cs, labels), "target_title": _title(target, target_cs, labels),
            "source_url": links.resource("CodeSystem", source_id) if source_id else None,
            "target_url": links.resource("CodeSystem", target_id) if target_id else None}
