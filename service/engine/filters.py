"""ValueSet.compose.include.filter over a CodeSystemIndex.

Each filter becomes a predicate on Concept (membership tests need no
expansion) and can enumerate its matches (expansion).
"""
from __future__ import annotations

import re2

from ..errors import TerminologyError
from .codesystem import CodeSystemIndex, Concept

CONCEPT_PROPS = {"concept", "code"}
# concept properties every code system has (FHIR concept-properties), usable in filters undeclared
STANDARD_PROPERTIES = {"display", "parent", "child", "inactive", "notSelectable", "status", "deprecated",
                       "definition", "deprecationDate", "retirementDate", "synonym", "comment", "itemWeight",
                       "partOf", "alternateCode"}
SUPPORTED_OPS = ["=", "is-a", "descendent-of", "is-not-a", "regex", "in", "not-in",
                 "generalizes", "child-of", "descendent-leaf", "exists"]


class FilterError(TerminologyError):
    status = 400
    issue_code = "invalid"
    tx_code = "vs-invalid"


def _compile(pattern: str, cs_url: str):
    """Compile with RE2: linear-time matching, so no pattern can hang the server."""
    try:
        return re2.compile(pattern)
    except re2.error as exc:
        raise FilterError(f"The regex '{pattern}' for the code system {cs_url} is not valid: {exc}",
                          issue_code="invalid") from None


def _value_text(key: str, value) -> str:
    if key == "valueCoding" and isinstance(value, dict):
        return value.get("code", "")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


STD_PROPERTY_URI = "http://hl7.org/fhir/concept-properties#"


def _standard_meaning(cs: CodeSystemIndex, prop: str) -> str | None:
    """The standard concept property a filter property denotes: by its declared uri, else by its code."""
    decl = cs.property_defs.get(prop)
    uri = (decl or {}).get("uri") or ""
    if uri.startswith(STD_PROPERTY_URI):
        return uri[len(STD_PROPERTY_URI):]
    return prop if decl is None or not uri else None


def _value_matches(key: str, value, wanted: str) -> bool:
    """Property value = filter value; a Coding matches its code or 'system|code'."""
    if key == "valueCoding" and isinstance(value, dict) and "|" in wanted:
        system, _, code = wanted.rpartition("|")
        return value.get("system") == system and value.get("code") == code
    return _value_text(key, value) == wanted


class Filter:
    """A compiled filter: ``matches(concept)`` and ``candidates()``."""

    def __init__(self, cs: CodeSystemIndex, flt: dict, where: str):
        self.cs = cs
        self.prop = flt.get("property")
        self.op = flt.get("op")
        self.value = flt.get("value")
        if self.value is None or self.value == "":
            raise FilterError(f"The system {cs.url} filter with property = {self.prop}, op = {self.op} has no value",
                              message_id="UNABLE_TO_HANDLE_SYSTEM_FILTER_WITH_NO_VALUE", expression=where)
        if self.op not in SUPPORTED_OPS:
            raise FilterError(f"The filter operator '{self.op}' is not supported for property '{self.prop}' "
                              f"of the code system {cs.url}", issue_code="not-supported", expression=where)
        self._codes: frozenset | None = None
        self._pred = self._build(where)

    # ---- building ---------------------------------------------------------------
    def _build(self, where: str):
        cs, op, value = self.cs, self.op, self.value
        if self.prop in CONCEPT_PROPS:
            if op in ("is-a", "descendent-of", "is-not-a", "generalizes", "child-of", "descendent-leaf"):
                root = cs.locate(value)
                root_code = root.code if root else value
                if op == "is-a":
                    self._codes = (cs.descendants(root_code) | {root_code}) if root else frozenset()
                elif op == "descendent-of":
                    self._codes = cs.descendants(root_code) if root else frozenset()
                elif op == "is-not-a":
                    excl = (cs.descendants(root_code) | {root_code}) if root else frozenset()
                    return lambda c: c.code not in excl
                elif op == "generalizes":
                    self._codes = frozenset(cs.ancestors(root_code) | {root_code}) if root else frozenset()
                elif op == "child-of":
                    self._codes = frozenset(root.children) if root else frozenset()
                else:  # descendent-leaf
                    self._codes = frozenset(c for c in cs.descendants(root_code)
                                            if not cs.concepts[c].children) if root else frozenset()
                codes = self._codes
                return lambda c: c.code in codes
            if op == "=":
                return lambda c: c.code == value
            if op in ("in", "not-in"):
                wanted = {v.strip() for v in value.split(",")}
                if op == "in":
                    self._codes = frozenset(wanted & set(cs.concepts))
                    return lambda c: c.code in wanted
                return lambda c: c.code not in wanted
            if op == "regex":
                rx = _compile(value, cs.url)
                return lambda c: rx.fullmatch(c.code) is not None
            if op == "exists":
                want = self._boolean(where)
                return lambda c: want
        # properties: declared or standard
        prop = self.prop
        if not self._known_property(prop):
            raise FilterError(f"The property '{prop}' is not defined by the code system {cs.url}, so the filter "
                              f"'{prop} {op} {value}' cannot be evaluated", issue_code="not-supported",
                              message_id="FILTER_PROPERTY_UNKNOWN", expression=where)
        if prop == "display":
            if op == "=":
                return lambda c: c.display == value
            if op == "regex":
                rx = _compile(value, cs.url)
                return lambda c: c.display is not None and rx.fullmatch(c.display) is not None
        std = _standard_meaning(cs, prop)
        if std == "notSelectable" and prop not in cs.property_defs:
            prop = cs._std_code("notSelectable")   # named by its standard code, declared under another
        if std == "inactive":
            # the concept flag (from the inactive property or an inactive status); only the exact
            # literals true/false are booleans ('TRUE' matches nothing)
            attr = "inactive"
            if op == "=":
                if value not in ("true", "false"):
                    return lambda c: False
                want = value == "true"
                return lambda c: getattr(c, attr) == want
            if op in ("in", "not-in"):
                wanted = {v.strip() == "true" for v in value.split(",") if v.strip() in ("true", "false")}
                if op == "in":
                    return lambda c: getattr(c, attr) in wanted
                return lambda c: getattr(c, attr) not in wanted
            if op == "exists":
                want = self._boolean(where)
                return lambda c: want
        if prop == "status" and "status" not in cs.property_defs and op == "=":
            return lambda c: (c.status or ("inactive" if c.inactive else "active")) == value
        if prop in ("parent", "child") and prop not in cs.property_defs or std in ("parent", "child"):
            attr = "parents" if (std or prop) == "parent" else "children"
            if op in ("=", "in"):
                wanted = {v.strip() for v in value.split(",")}
                return lambda c: any(p in wanted for p in getattr(c, attr))
            if op == "exists":
                want = self._boolean(where)
                return lambda c: bool(getattr(c, attr)) == want
        if op == "exists":
            want = self._boolean(where)
            return lambda c: (len(c.property_values(prop)) > 0) == want
        if op == "=":
            return lambda c: any(_value_matches(k, v, value) for p, k, v in c.properties if p == prop)
        if op in ("in", "not-in"):
            wanted = {v.strip() for v in value.split(",")}
            if op == "in":
                return lambda c: any(_value_text(k, v) in wanted for p, k, v in c.properties if p == prop)
            return lambda c: not any(_value_text(k, v) in wanted for p, k, v in c.properties if p == prop)
        if op == "regex":
            rx = _compile(value, cs.url)
            return lambda c: any(rx.fullmatch(_value_text(k, v)) for p, k, v in c.properties if p == prop)
        raise FilterError(f"The filter '{prop} {op} {value}' is not supported for the code system {cs.url}",
                          issue_code="not-supported", expression=where)

    def _boolean(self, where: str) -> bool:
        if self.value not in ("true", "false"):
            raise FilterError(f"The value of the filter '{self.prop} {self.op}' must be 'true' or 'false', not "
                              f"'{self.value}'", expression=where)
        return self.value == "true"

    def _known_property(self, prop: str) -> bool:
        """Declared by the code system (as a property or a filter), or a standard concept property."""
        cs = self.cs
        if prop in cs.property_defs or any(f.get("code") == prop for f in cs.filters):
            return True
        return prop in STANDARD_PROPERTIES

    # ---- use ------------------------------------------------------------------
    def matches(self, concept: Concept) -> bool:
        return self._pred(concept)

    def candidates(self) -> list[Concept] | None:
        """Concepts possibly matching, in code-system order, if this filter can enumerate cheaply."""
        if self._codes is None:
            return None
        return sorted((self.cs.concepts[c] for c in self._codes if c in self.cs.concepts), key=lambda c: c.order)


def compile_filters(cs: CodeSystemIndex, filters: list[dict], where: str) -> list[Filter]:
    return [Filter(cs, f, f"{where}.filter[{i}]") for i, f in enumerate(filters)]


def select(cs: CodeSystemIndex, filters: list[Filter]) -> list[Concept]:
    """All concepts of cs satisfying every filter, in code-system order."""
    base: list[Concept] | None = None
    for f in filters:
        cands = f.candidates()
        if cands is not None and (base is None or len(cands) < len(base)):
            base = cands
    if base is None:
        base = cs.ordered
    return [c for c in base if all(f.matches(c) for f in filters)]
