"""ValueSet.compose.include.filter over a code-system provider (``provider.CodeSystemProvider``).

Each filter becomes a predicate on a concept (membership tests need no expansion) and, where it can say
cheaply, the positions of its matches as a ``RangeSet`` (``ids``: hierarchy, listed codes, SNOMED CT refsets
and ECL, indexed property values, inactive), so that an expansion over a large system is set algebra
(``select_ids``) instead of a scan. Whole-system sets a filter derives (ECL results, property postings,
refset unions) are kept per provider (``derived``), so repeating a filter costs a dictionary look-up.
"""
from __future__ import annotations

import re2

from ..errors import TerminologyError
from .codesystem import CodeSystemIndex, Concept
from .filter_sets import (SNOMED, _child_of, _descendent_leaf, _descendent_of, _ecl, _generalizes, _is_a, _is_not_a,
                          _nothing, _refset_in, derived)
from .rangeset import RangeSet
from .uris import STD_PROPERTY_URI

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
        self._ids = None        # a RangeSet of the matching positions, a function making one, or None
        self._pred = self._build(where)

    # ---- building: (property family, operator) -> builder tables below -----------------------------
    def _build(self, where: str):
        if self.prop in CONCEPT_PROPS:   # every supported operator has a builder for the concept itself
            return CONCEPT_OPS[self.op](self, where)
        prop = self.prop
        if not self._known_property(prop):
            raise FilterError(f"The property '{prop}' is not defined by the code system {self.cs.url}, so the "
                              f"filter '{prop} {self.op} {self.value}' cannot be evaluated",
                              issue_code="not-supported", message_id="FILTER_PROPERTY_UNKNOWN", expression=where)
        for applies, table in PROPERTY_FAMILIES:
            builder = table.get(self.op) if applies(self) else None
            if builder is not None:
                return builder(self, where)
        raise FilterError(f"The filter '{prop} {self.op} {self.value}' is not supported for the code system "
                          f"{self.cs.url}", issue_code="not-supported", expression=where)

    def _root(self):
        """(the concept the hierarchy operators start from or None, its code)."""
        root = self.cs.locate(self.value)
        return root, (root.code if root else self.value)

    def _listed(self) -> set[str]:
        return {v.strip() for v in self.value.split(",")}

    @property
    def _prop(self) -> str:
        """The property code to read values of (a standard notSelectable may be declared under another code)."""
        std = _standard_meaning(self.cs, self.prop)
        if std == "notSelectable" and self.prop not in self.cs.property_defs:
            return self.cs.std_code("notSelectable")
        return self.prop

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

    def ids(self) -> RangeSet | None:
        """The positions of every concept matching, if this filter can enumerate them cheaply (else None)."""
        if callable(self._ids):
            self._ids = self._ids()
        return self._ids


# ---- builders: each returns a predicate on a concept (and may set f._ids, the enumerable matches) --------
def _code_equals(f, where):
    value = f.value
    i = f.cs.index_of(value, exact=True)
    f._ids = RangeSet() if i is None else RangeSet.span(i, i + 1)
    return lambda c: c.code == value


def _code_in(f, where):
    if f.cs.url == SNOMED and f.cs.content == "complete":
        return _refset_in(f, where)
    wanted = f._listed()
    f._ids = RangeSet.from_ids(i for i in (f.cs.index_of(w, exact=True) for w in wanted) if i is not None)
    return lambda c: c.code in wanted


def _code_not_in(f, where):
    wanted = f._listed()
    return lambda c: c.code not in wanted


def _code_regex(f, where):
    rx = _compile(f.value, f.cs.url)
    return lambda c: rx.fullmatch(c.code) is not None


def _exists_always(f, where):
    want = f._boolean(where)
    return lambda c: want


CONCEPT_OPS = {"is-a": _is_a, "descendent-of": _descendent_of, "is-not-a": _is_not_a, "generalizes": _generalizes,
               "child-of": _child_of, "descendent-leaf": _descendent_leaf, "=": _code_equals, "in": _code_in,
               "not-in": _code_not_in, "regex": _code_regex, "exists": _exists_always}


def _display_equals(f, where):
    value = f.value
    return lambda c: c.display == value


def _display_regex(f, where):
    rx = _compile(f.value, f.cs.url)
    return lambda c: c.display is not None and rx.fullmatch(c.display) is not None


def _inactive_equals(f, where):
    # the concept flag (from the inactive property or an inactive status); only the exact literals true/false
    # are booleans ('TRUE' matches nothing)
    if f.value not in ("true", "false"):
        return _nothing(f)
    want, cs = f.value == "true", f.cs
    f._ids = (lambda: cs.inactive_ids()) if want else (lambda: cs.all_ids(active_only=True))
    return lambda c: c.inactive == want


def _inactive_in(f, where):
    wanted = {v.strip() == "true" for v in f.value.split(",") if v.strip() in ("true", "false")}
    return lambda c: c.inactive in wanted


def _inactive_not_in(f, where):
    wanted = {v.strip() == "true" for v in f.value.split(",") if v.strip() in ("true", "false")}
    return lambda c: c.inactive not in wanted


def _status_equals(f, where):
    value = f.value
    return lambda c: (c.status or ("inactive" if c.inactive else "active")) == value


def _links(f) -> str:
    std = _standard_meaning(f.cs, f.prop)
    return "parents" if (std or f.prop) == "parent" else "children"


def _link_in(f, where):
    attr, wanted = _links(f), f._listed()
    return lambda c: any(p in wanted for p in getattr(c, attr))


def _link_exists(f, where):
    attr, want = _links(f), f._boolean(where)
    return lambda c: bool(getattr(c, attr)) == want


def _property_exists(f, where):
    prop, want = f._prop, f._boolean(where)
    return lambda c: (len(c.property_values(prop)) > 0) == want


def _property_equals(f, where):
    prop, value, cs = f._prop, f.value, f.cs
    f._ids = lambda: derived(cs, (prop, "=", value), lambda: cs.with_property(prop, lambda v: v == value))
    return lambda c: any(_value_matches(k, v, value) for p, k, v in c.properties if p == prop)


def _property_in(f, where):
    prop, wanted = f._prop, f._listed()
    return lambda c: any(_value_text(k, v) in wanted for p, k, v in c.properties if p == prop)


def _property_not_in(f, where):
    prop, wanted = f._prop, f._listed()
    return lambda c: not any(_value_text(k, v) in wanted for p, k, v in c.properties if p == prop)


def _property_regex(f, where):
    prop, rx, cs = f._prop, _compile(f.value, f.cs.url), f.cs
    f._ids = lambda: derived(cs, (prop, "regex", f.value),
                             lambda: cs.with_property(prop, lambda v: rx.fullmatch(v) is not None))
    return lambda c: any(rx.fullmatch(_value_text(k, v)) for p, k, v in c.properties if p == prop)


def _is_parent_or_child(f) -> bool:
    std = _standard_meaning(f.cs, f.prop)
    return (f.prop in ("parent", "child") and f.prop not in f.cs.property_defs) or std in ("parent", "child")


# property families in precedence order: (applies to the filter, operator -> builder); a family without a
# builder for the operator leaves it to the next one
PROPERTY_FAMILIES = [
    (lambda f: f.prop == "display", {"=": _display_equals, "regex": _display_regex}),
    (lambda f: f.prop == "constraint" and f.cs.url == SNOMED, {"=": _ecl}),
    (lambda f: _standard_meaning(f.cs, f.prop) == "inactive",
     {"=": _inactive_equals, "in": _inactive_in, "not-in": _inactive_not_in, "exists": _exists_always}),
    (lambda f: f.prop == "status" and "status" not in f.cs.property_defs, {"=": _status_equals}),
    (_is_parent_or_child, {"=": _link_in, "in": _link_in, "exists": _link_exists}),
    (lambda f: True, {"exists": _property_exists, "=": _property_equals, "in": _property_in,
                      "not-in": _property_not_in, "regex": _property_regex}),
]


def compile_filters(cs: CodeSystemIndex, filters: list[dict], where: str) -> list[Filter]:
    return [Filter(cs, f, f"{where}.filter[{i}]") for i, f in enumerate(filters)]


def select_ids(cs, filters: list[Filter], tick=None) -> RangeSet:
    """The positions of the concepts of cs satisfying every filter: the intersection of the filters' own
    sets, then the remaining filters tested concept by concept (tick() every few thousand, for the deadline)."""
    base: RangeSet | None = None
    rest = []
    for f in filters:
        ids = f.ids()
        if ids is None:
            rest.append(f)
        else:
            base = ids if base is None else base & ids
    if base is None:
        base = cs.all_ids()
    if not rest:
        return base
    keep = []
    for n, i in enumerate(base):
        if tick is not None and not n % 4096:
            tick()
        c = cs.concept_at(i)
        if all(f.matches(c) for f in rest):
            keep.append(i)
    return RangeSet.from_sorted(keep)


def select(cs: CodeSystemIndex, filters: list[Filter], tick=None) -> list[Concept]:
    """All concepts of cs satisfying every filter, in code-system order."""
    return [cs.concept_at(i) for i in select_ids(cs, filters, tick)]
