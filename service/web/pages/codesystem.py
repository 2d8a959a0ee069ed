"""The CodeSystem page: metadata, properties, filters and the hierarchy as a tree of links to concept pages.

A concept with several parents is shown under each of them (and says so). The tree is bounded
(``MAX_TREE_NODES``): a large code system shows its top levels and points to the search and its value set.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import NotFound
from ..respond import PageResult
from .templating import Links, page_body

MAX_TREE_NODES = 3000
OPEN_ALL_BELOW = 80      # code systems this small show the whole tree open
METADATA = (("url", "URL"), ("version", "Version"), ("name", "Name"), ("status", "Status"),
            ("experimental", "Experimental"), ("publisher", "Publisher"), ("date", "Date"),
            ("content", "Content"), ("caseSensitive", "Case-sensitive codes"),
            ("hierarchyMeaning", "Hierarchy meaning"), ("language", "Language"), ("supplements", "Supplements"))


@dataclass
class Node:
    code: str
    display: str
    url: str
    abstract: bool = False
    inactive: bool = False
    other_parents: list[tuple[str, str, str]] = field(default_factory=list)   # (code, display, url)
    children: list["Node"] = field(default_factory=list)
    open: bool = False


class TreeBuilder:
    """Nodes of a code system's hierarchy, each concept under each of its parents, at most ``budget`` nodes."""

    def __init__(self, cs, links: Links, cs_id: str, budget: int = MAX_TREE_NODES):
        self.cs, self.links, self.cs_id = cs, links, cs_id
        self.budget = budget
        self.count = 0
        self.truncated = False
        self.open_depth = 99 if cs.size <= OPEN_ALL_BELOW else 1

    def roots(self) -> list[Node]:
        return self._nodes(list(self.cs.roots), None, (), 0)

    def _nodes(self, codes: list[str], parent: str | None, path: tuple, depth: int) -> list[Node]:
        out = []
        for code in codes:
            if self.count >= self.budget:
                self.truncated = True
                break
            concept = self.cs.concept(code)
            if concept is None or code in path:   # a cycle in bad content is not followed
                continue
            self.count += 1
            node = Node(code, concept.display or code, self.links.concept(self.cs_id, code), concept.abstract,
                        self.cs.is_inactive(concept), open=depth < self.open_depth)
            node.other_parents = [(p, self.cs.display_of(p) or p, self.links.concept(self.cs_id, p))
                                  for p in concept.parents if p != parent]
            node.children = self._nodes(list(concept.children), code, path + (code,), depth + 1)
            out.append(node)
        return out


def codesystem_page(svc, req, rid: str) -> PageResult:
    cs = svc.registry.by_id("CodeSystem", rid)
    if cs is None:
        raise NotFound(f"CodeSystem/{rid} is not known")
    res = cs.metadata
    links = Links(req)
    tree = TreeBuilder(cs, links, rid)
    roots = tree.roots()
    value_set = _value_set_link(svc, links, res.get("valueSet"))
    metadata = [(label, _text(res.get(key))) for key, label in METADATA if res.get(key) is not None]
    properties = [{"code": code, "type": p.get("type", ""), "uri": p.get("uri", ""),
                   "description": p.get("description", "")} for code, p in cs.property_defs.items()]
    filters = [{"code": f.get("code", ""), "ops": ", ".join(f.get("operator", [])), "value": f.get("value", ""),
                "description": f.get("description", "")} for f in cs.filters]
    body = page_body(req, "codesystem.html", title=res.get("title") or res.get("name") or rid, res=res, rid=rid,
                     metadata=metadata, properties=properties, filters=filters, roots=roots, size=cs.size,
                     shown=tree.count, truncated=tree.truncated, value_set=value_set,
                     json_url=links.resource("CodeSystem", rid, _format="json"),
                     xml_url=links.resource("CodeSystem", rid, _format="xml"))
    return PageResult(body)


def _value_set_link(svc, links: Links, url: str | None) -> tuple[str, str] | None:
    """(title, page URL) of the code system's all-codes value set when the server holds it."""
    if not url:
        return None
    vs = svc.registry.resolve("ValueSet", url)
    if vs is None or not vs.get("id"):
        return None
    return vs.get("title") or vs.get("name") or vs["id"], links.resource("ValueSet", vs["id"])


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
