"""CodeSystem index: concepts by code, hierarchy, properties, designations.

Built once per CodeSystem resource (dict), immutable afterwards. This is the code-system provider over FHIR
CodeSystem resources (``provider.CodeSystemProvider``); the compact memory-mapped reader (``compact``) is the
other one. Other engine modules use the provider's methods only, never ``concepts``/``ordered``/``resource``.
"""
from __future__ import annotations

from .rangeset import RangeSet
from .uris import STD_PROPERTY_URI

INACTIVE_STATUSES = {"inactive", "retired"}
SD = "http://hl7.org/fhir/StructureDefinition/"
STANDARDS_STATUS = SD + "structuredefinition-standards-status"
# concept extensions that FHIR defines as concept properties (code, value type)
EXTENSION_PROPERTIES = {
    SD + "codesystem-conceptOrder": ("order", "valueDecimal"),
    SD + "valueset-conceptOrder": ("order", "valueDecimal"),
    SD + "codesystem-label": ("label", "valueString"),
    SD + "valueset-label": ("label", "valueString"),
    SD + "itemWeight": ("weight", "valueDecimal"),
    SD + "ordinalValue": ("weight", "valueDecimal"),
}
EXTENSION_PROPERTY_URIS = {"order": "http://hl7.org/fhir/concept-properties#order",
                           "label": "http://hl7.org/fhir/concept-properties#label",
                           "weight": "http://hl7.org/fhir/concept-properties#itemWeight"}


def extension_properties(extensions: list[dict]) -> list[tuple[str, str, object]]:
    """Concept properties carried as extensions (conceptOrder, label, itemWeight)."""
    out = []
    for ext in extensions or []:
        hit = EXTENSION_PROPERTIES.get(ext.get("url"))
        if hit is None:
            continue
        value = next((v for k, v in ext.items() if k.startswith("value")), None)
        if value is not None:
            out.append((hit[0], hit[1], value))
    return out


def designation_retired(d: dict) -> str | None:
    """A designation marked withdrawn/deprecated by the standards-status extension."""
    for ext in d.get("extension", []) or []:
        if ext.get("url") == STANDARDS_STATUS and ext.get("valueCode") in ("withdrawn", "deprecated", "retired"):
            return ext["valueCode"]
    return None
VALUE_KEYS = ("valueCode", "valueCoding", "valueString", "valueInteger", "valueBoolean",
              "valueDateTime", "valueDecimal")


class Concept:
    __slots__ = ("code", "display", "definition", "designations", "properties", "parents",
                 "children", "extensions", "abstract", "inactive", "status", "deprecated", "order", "ext_props")

    def __init__(self, code: str, display: str | None, definition: str | None):
        self.code = code
        self.display = display
        self.definition = definition
        self.designations: list[dict] = []
        self.properties: list[tuple[str, str, object]] = []  # (code, valueX key, value)
        self.parents: list[str] = []
        self.children: list[str] = []
        self.extensions: list[dict] = []
        self.abstract = False
        self.inactive = False
        self.deprecated = False
        self.status: str | None = None
        self.order = 0
        self.ext_props: list[tuple[str, str, object]] = []

    def property_values(self, code: str) -> list:
        return [v for c, _k, v in self.properties if c == code]


def _prop_value(prop: dict) -> tuple[str, object] | None:
    for key in VALUE_KEYS:
        if key in prop:
            return key, prop[key]
    return None


class CodeSystemIndex:
    """An indexed CodeSystem (or supplement)."""

    def __init__(self, resource: dict):
        self.resource = resource
        self.trimmed = False        # True when resource no longer holds the concepts (large systems)
        self.source_path = None     # the content file it came from, if any
        self.url: str | None = resource.get("url")
        self.version: str | None = resource.get("version")
        self.name = resource.get("name")
        self.title = resource.get("title")
        self.status = resource.get("status")
        self.content = resource.get("content", "complete")
        self.case_sensitive = resource.get("caseSensitive", True) is not False
        self.language = resource.get("language")
        self.supplements = resource.get("supplements")
        self.hierarchy_meaning = resource.get("hierarchyMeaning")
        self.property_defs: dict[str, dict] = {p["code"]: p for p in resource.get("property", []) if "code" in p}
        self.filters = resource.get("filter", [])
        self.concepts: dict[str, Concept] = {}
        self.ordered: list[Concept] = []
        self.roots: list[str] = []
        self._folded: dict[str, str] = {}
        self._desc_cache: dict[str, frozenset] = {}
        # uri -> local property code (e.g. notSelectable may be declared under another code)
        self._uri_codes = {p.get("uri"): c for c, p in self.property_defs.items() if p.get("uri")}
        self._load(resource.get("concept", []), None)
        self._link_property_parents()
        self.roots = [c.code for c in self.ordered if not c.parents]

    # ---- building -----------------------------------------------------------
    def _std_code(self, std: str) -> str:
        return self._uri_codes.get(STD_PROPERTY_URI + std, std)

    def _load(self, items: list, parent: str | None) -> None:
        not_selectable = self._std_code("notSelectable")
        status_code = self._std_code("status")
        inactive_code = self._std_code("inactive")
        deprecated_code = self._std_code("deprecated")
        for item in items:
            code = item.get("code")
            if not isinstance(code, str):
                continue
            c = self.concepts.get(code)
            if c is None:
                c = Concept(code, item.get("display"), item.get("definition"))
                c.order = len(self.ordered)
                self.concepts[code] = c
                self.ordered.append(c)
                self._folded.setdefault(code.lower(), code)
                c.designations = list(item.get("designation", []))
                c.extensions = list(item.get("extension", []))
                c.ext_props = extension_properties(c.extensions)
                for ext in c.extensions:
                    if ext.get("url") == STANDARDS_STATUS and ext.get("valueCode"):
                        c.status = ext["valueCode"]
                        if ext["valueCode"] == "deprecated":
                            c.deprecated = True
                        elif ext["valueCode"] == "withdrawn":
                            c.inactive = True
                for prop in item.get("property", []):
                    pv = _prop_value(prop)
                    if pv is None or "code" not in prop:
                        continue
                    pcode = prop["code"]
                    c.properties.append((pcode, pv[0], pv[1]))
                    if pcode == not_selectable and pv[1] is True:
                        c.abstract = True
                    elif pcode == status_code and isinstance(pv[1], str):
                        c.status = pv[1]
                        if pv[1] in INACTIVE_STATUSES:
                            c.inactive = True
                        if pv[1] == "deprecated":
                            c.deprecated = True
                    elif pcode == inactive_code and pv[1] is True:
                        c.inactive = True
                    elif pcode == deprecated_code and pv[1] not in (False, None):
                        c.deprecated = True
            if parent is not None and parent not in c.parents:
                c.parents.append(parent)
                self.concepts[parent].children.append(code)
            self._load(item.get("concept", []), code)

    def _link_property_parents(self) -> None:
        for c in self.ordered:
            for pcode, _k, value in c.properties:
                if pcode == "parent" and isinstance(value, str) and value in self.concepts:
                    if value not in c.parents:
                        c.parents.append(value)
                        self.concepts[value].children.append(c.code)
                elif pcode == "child" and isinstance(value, str) and value in self.concepts:
                    if value not in c.children:
                        c.children.append(value)
                        self.concepts[value].parents.append(c.code)

    def keep_concepts_on_disk(self, path: str, reader) -> None:
        """Drop the concepts from the held resource (the index still answers everything); ``reader()`` gives
        the whole resource again for the read route (``full_resource``)."""
        self.resource = {k: v for k, v in self.resource.items() if k != "concept"}
        self.trimmed = True
        self.source_path = path
        self._reader = reader

    # ---- the provider surface (provider.CodeSystemProvider) -------------------
    @property
    def metadata(self) -> dict:
        """The CodeSystem resource as held (without its concepts when they are kept on disk)."""
        return self.resource

    def full_resource(self) -> dict:
        """The whole CodeSystem resource, concepts included (read again when they are kept on disk)."""
        reader = self.__dict__.get("_reader")
        if self.trimmed and reader is not None:
            try:
                return reader()
            except (OSError, ValueError):
                return self.resource
        return self.resource

    def concept(self, code: str) -> Concept | None:
        """The concept with exactly this code (no case folding)."""
        return self.concepts.get(code)

    def has(self, code: str) -> bool:
        return code in self.concepts

    def iter_concepts(self):
        """Every concept, in code-system order."""
        return iter(self.ordered)

    def concept_at(self, order: int) -> Concept:
        """The concept at a position in code-system order (its ``order``)."""
        return self.ordered[order]

    def display_of(self, code: str) -> str | None:
        c = self.concepts.get(code)
        return c.display if c is not None else None

    def std_code(self, std: str) -> str:
        """The local property code of a standard concept property (e.g. notSelectable)."""
        return self._std_code(std)

    def text_search(self, text: str | None):
        """Ascending positions (code-system order) of the concepts whose texts match a text filter
        (text_index rules); None when the text filters nothing."""
        from .text_index import for_codesystem, terms_of
        terms = terms_of(text)
        return None if terms is None else for_codesystem(self).search(terms)

    # ---- queries -------------------------------------------------------------
    def locate(self, code: str) -> Concept | None:
        c = self.concepts.get(code)
        if c is None and not self.case_sensitive and isinstance(code, str):
            canon = self._folded.get(code.lower())
            if canon is not None:
                c = self.concepts[canon]
        return c

    def descendants(self, code: str) -> frozenset:
        """All codes strictly below code (transitive), cycle-safe, cached."""
        hit = self._desc_cache.get(code)
        if hit is not None:
            return hit
        seen: set[str] = set()
        stack = list(self.concepts[code].children) if code in self.concepts else []
        while stack:
            cur = stack.pop()
            if cur in seen or cur == code:
                continue
            seen.add(cur)
            stack.extend(self.concepts[cur].children)
        result = frozenset(seen)
        self._desc_cache[code] = result
        return result

    def ancestors(self, code: str) -> set[str]:
        seen: set[str] = set()
        stack = list(self.concepts[code].parents) if code in self.concepts else []
        while stack:
            cur = stack.pop()
            if cur in seen or cur == code:
                continue
            seen.add(cur)
            stack.extend(self.concepts[cur].parents)
        return seen

    def subsumes(self, a: str, b: str) -> bool:
        """True if concept a subsumes concept b (a is b or an ancestor of b)."""
        return a == b or a in self.ancestors(b)

    @property
    def designations_only(self) -> bool:
        """A supplement that adds designations and nothing else (a language pack)."""
        return all(not c.properties and not c.ext_props for c in self.ordered)

    @property
    def size(self) -> int:
        """How many concepts the code system holds."""
        return len(self.ordered)

    def is_inactive(self, concept: Concept) -> bool:
        return concept.inactive

    @property
    def canonical(self) -> str:
        return f"{self.url}|{self.version}" if self.version else (self.url or "")

    # ---- the scale surface (positions = Concept.order) ---------------------------------------------------
    refset_codes: tuple = ()

    def index_of(self, code: str, *, exact: bool = False) -> int | None:
        c = self.concepts.get(code) if exact else self.locate(code)
        return None if c is None else c.order

    def code_at(self, i: int) -> str:
        return self.ordered[i].code

    def parent_ids(self, i: int) -> list[int]:
        return [self.concepts[p].order for p in self.ordered[i].parents]

    def child_ids(self, i: int) -> list[int]:
        return [self.concepts[k].order for k in self.ordered[i].children]

    def ancestor_ids(self, i: int) -> set[int]:
        return {self.concepts[a].order for a in self.ancestors(self.ordered[i].code)}

    def reach(self, i: int) -> RangeSet:
        """Descendants-or-self of position i (cached, as ``descendants``)."""
        cache = self.__dict__.setdefault("_reach_cache", {})
        hit = cache.get(i)
        if hit is None:
            code = self.ordered[i].code
            hit = cache[i] = RangeSet.from_ids([i] + [self.concepts[d].order for d in self.descendants(code)])
        return hit

    def is_descendant_or_self(self, i: int, ancestor: int) -> bool:
        return i == ancestor or ancestor in self.ancestor_ids(i)

    def all_ids(self, *, active_only: bool = False) -> RangeSet:
        if not active_only:
            return RangeSet.span(0, len(self.ordered))
        return RangeSet.from_sorted(c.order for c in self.ordered if not c.inactive)

    def inactive_ids(self) -> RangeSet:
        return RangeSet.from_sorted(c.order for c in self.ordered if c.inactive)

    def abstract_ids(self) -> RangeSet:
        return RangeSet.from_sorted(c.order for c in self.ordered if c.abstract)

    def linked_ids(self, kind: str) -> RangeSet:
        attr = "parents" if kind == "par" else "children"
        return RangeSet.from_sorted(c.order for c in self.ordered if getattr(c, attr))

    def refset_members(self, refset: str):
        return None                    # FHIR CodeSystem resources carry no SNOMED CT refsets

    def with_property(self, prop: str, match):
        return None                    # no value postings: filters test each concept
