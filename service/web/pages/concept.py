"""The concept page (``/{r4,r5}/CodeSystem/{id}/concept/{code}``): display, en-GB display, synonyms, definition,
source documents by title, maps to other terminologies, the value sets that hold it, parents and children.

The path is a page of its own, not a FHIR interaction (FHIR has no such path, so nothing clashes): a FHIR
client that asks for it gets the concept's ``$lookup`` answer instead of the page.
"""
from __future__ import annotations

from ... import operations as ops
from ... import params as P
from ...errors import NotFound
from ..respond import PageResult, Result
from . import facts
from .conceptmap import relation_of
from .templating import Links, concept_url, page_body

SYNONYM = ("http://snomed.info/sct", "900000000000013009")
DISPLAY_USE = ("http://terminology.hl7.org/CodeSystem/designation-usage", "display")
SHOWN_ELSEWHERE = {"parent", "child", "source-document"}


def _code_system(svc, rid: str):
    cs = svc.registry.by_id("CodeSystem", rid)
    if cs is None:
        raise NotFound(f"CodeSystem/{rid} is not known")
    return cs


def lookup(svc, req, rid: str, code: str) -> Result:
    """What a FHIR client gets at a concept page's address: the concept's $lookup."""
    cs = _code_system(svc, rid)
    request = P.lookup({"system": [cs.url], "code": [code]} if cs.url else {"code": [code]})
    return Result(ops.lookup(svc.context(req, request), request, rid))


def concept_page(svc, req, rid: str, code: str) -> PageResult:
    cs = _code_system(svc, rid)
    concept = cs.concept(code)
    if concept is None:
        raise NotFound(f"Code '{code}' is not in CodeSystem/{rid}")
    links = Links(req)
    titles = facts.seed_titles(svc)
    names = _Designations(concept.designations)
    cs_title = cs.title or cs.name or rid
    body = page_body(
        req, "concept.html", title=concept.display or code, code=code, concept=concept, rid=rid, cs_title=cs_title,
        cs_url=links.resource("CodeSystem", rid), system=cs.url, en_gb=names.en_gb(),
        synonyms=names.synonyms(), other_designations=names.others(),
        parents=[_link(cs, links, rid, p) for p in concept.parents],
        children=[_link(cs, links, rid, c) for c in concept.children],
        sources=[titles.get(v, v) for v in concept.property_values("source-document")],
        properties=_properties(cs, concept, links, rid, titles),
        maps=_maps(svc, links, req.version, cs.url, code),
        value_sets=[(vs.get("title") or vs.get("name") or vs["id"], links.resource("ValueSet", vs["id"]))
                    for vs in facts.containing_value_sets(svc, req, cs.url, cs.version, code) if vs.get("id")],
        lookup_url=links.fhir_url(f"CodeSystem/{rid}/$lookup", code=code, _format="json"))
    return PageResult(body)


def _link(cs, links: Links, rid: str, code: str) -> tuple[str, str, str]:
    return code, cs.display_of(code) or code, links.concept(rid, code)


class _Designations:
    def __init__(self, designations: list[dict]):
        self.items = [d for d in designations if d.get("value")]

    @staticmethod
    def _use(d: dict) -> tuple:
        use = d.get("use") or {}
        return use.get("system"), use.get("code")

    def en_gb(self) -> str | None:
        for d in self.items:
            if d.get("language") == "en-GB" and self._use(d) in (DISPLAY_USE, (None, None)):
                return d["value"]
        return None

    def synonyms(self) -> list[str]:
        return [d["value"] for d in self.items if self._use(d) == SYNONYM]

    def others(self) -> list[dict]:
        en_gb = self.en_gb()
        return [{"language": d.get("language", ""), "use": (d.get("use") or {}).get("display")
                 or (d.get("use") or {}).get("code", ""), "value": d["value"]}
                for d in self.items if self._use(d) != SYNONYM and d["value"] != en_gb]


def _properties(cs, concept, links: Links, rid: str, titles: dict[str, str]) -> list[dict]:
    """The concept's other properties: label and description from the code system, values made readable
    (codes of this code system as links, a leading source-document file name as the document's title)."""
    out = []
    for pcode, key, value in concept.properties:
        if pcode in SHOWN_ELSEWHERE:
            continue
        definition = cs.property_defs.get(pcode, {})
        item = {"code": pcode, "description": definition.get("description", ""), "text": _value_text(value),
                "url": None}
        if key == "valueCode" and isinstance(value, str) and cs.concept(value) is not None:
            item["text"], item["url"] = f"{cs.display_of(value) or value} ({value})", links.concept(rid, value)
        elif key == "valueString" and isinstance(value, str):
            item["text"] = _with_title(value, titles)
        out.append(item)
    return out


def _value_text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):   # a Coding
        return " ".join(str(x) for x in (value.get("code"), value.get("display") and f"({value['display']})") if x)
    return str(value)


def _with_title(text: str, titles: dict[str, str]) -> str:
    for file_name, title in titles.items():
        if text.startswith(file_name):
            return title + text[len(file_name):]
    return text


def _maps(svc, links: Links, version: str | None, system: str | None, code: str) -> list[dict]:
    if not system:
        return []
    ids: dict = {}
    labels = facts.system_labels(svc)
    out = []
    for hit in facts.maps_for(svc, system, code):
        target = hit.target
        target_cs = svc.registry.resolve("CodeSystem", hit.target_system) if hit.target_system else None
        target_code = target.get("code")
        label = labels.get(hit.target_system) or (target_cs.title if target_cs is not None else hit.target_system)
        out.append({"terminology": label,
                    "code": target_code or "", "display": target.get("display", ""),
                    "relation": relation_of(target, version), "comment": target.get("comment", ""),
                    "url": concept_url(svc.registry, links, hit.target_system, target_code, ids),
                    "map_title": hit.map_title, "map_url": links.resource("ConceptMap", hit.map_id)})
    return out
