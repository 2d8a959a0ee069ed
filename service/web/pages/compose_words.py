"""A value set's definition (``compose``, R5 shape) in plain English, for the ValueSet page.

Each include or exclude becomes one statement: which code system (or value set), and which of its codes: all,
a list, or those meeting the filters (each filter operator phrased as a sentence part). Displays of filter
values come from the code system when the server holds it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...engine.versions import split_canonical
from .templating import Links, code_system_of, concept_url

MAX_LISTED = 60   # codes listed by name in one statement; more are counted


@dataclass
class Ref:
    """Something a statement names, with its page when the server has one."""
    text: str
    url: str | None = None
    code: str | None = None


@dataclass
class Statement:
    kind: str                              # "include" | "exclude"
    lead: str                              # "All codes of", "These 4 codes of", "Codes of"
    source: Ref | None = None              # the code system
    value_sets: list[Ref] = field(default_factory=list)
    conditions: list[list] = field(default_factory=list)   # each: text parts and Refs, read in order
    codes: list[Ref] = field(default_factory=list)
    more_codes: int = 0
    version: str | None = None


class ComposeWords:
    def __init__(self, registry, links: Links):
        self.registry = registry
        self.links = links
        self.cs_cache: dict = {}

    def statements(self, vs: dict) -> list[Statement]:
        compose = vs.get("compose") or {}
        out = [self._part("include", inc) for inc in compose.get("include", [])]
        out.extend(self._part("exclude", exc) for exc in compose.get("exclude", []))
        return out

    def notes(self, vs: dict) -> list[str]:
        compose = vs.get("compose") or {}
        out = []
        if compose.get("inactive") is False:
            out.append("Inactive codes are left out.")
        elif compose.get("inactive") is True:
            out.append("Inactive codes are included.")
        if compose.get("lockedDate"):
            out.append(f"Code system versions are those current on {compose['lockedDate']}.")
        if not compose and vs.get("expansion"):
            out.append("This value set has no definition, only a stored expansion.")
        return out

    # ---- one include or exclude --------------------------------------------------------------------------
    def _part(self, kind: str, part: dict) -> Statement:
        system = part.get("system")
        stmt = Statement(kind, "All codes of", version=part.get("version"))
        if system:
            rid, cs = code_system_of(self.registry, system, self.cs_cache)
            title = (cs.title or cs.name) if cs is not None else None
            stmt.source = Ref(title or system, self.links.resource("CodeSystem", rid) if rid else None)
        stmt.value_sets = [self._value_set(ref) for ref in part.get("valueSet", [])]
        concepts = part.get("concept") or []
        if concepts:
            stmt.lead = f"{'This code' if len(concepts) == 1 else f'These {len(concepts)} codes'} of"
            stmt.codes = [self._concept(system, c.get("code", ""), c.get("display")) for c in concepts[:MAX_LISTED]]
            stmt.more_codes = max(0, len(concepts) - MAX_LISTED)
        elif part.get("filter"):
            stmt.lead = "Codes of"
            stmt.conditions = [self._filter(system, f) for f in part["filter"]]
        elif not system:
            stmt.lead = "All codes of"
        return stmt

    def _value_set(self, canonical: str) -> Ref:
        vs = self.registry.resolve("ValueSet", canonical)
        if vs is not None and vs.get("id"):
            return Ref(vs.get("title") or vs.get("name") or vs["id"], self.links.resource("ValueSet", vs["id"]))
        return Ref(split_canonical(canonical)[0])

    def _concept(self, system: str | None, code: str, display: str | None = None) -> Ref:
        _rid, cs = code_system_of(self.registry, system, self.cs_cache)
        shown = display or (cs.display_of(code) if cs is not None else None) or code
        return Ref(shown, concept_url(self.registry, self.links, system, code, self.cs_cache), code)

    def _filter(self, system: str | None, f: dict) -> list:
        prop, op, value = f.get("property", ""), f.get("op", "="), str(f.get("value", ""))
        phrase = None
        if prop in ("concept", "code") and op in ("in", "not-in"):
            parts: list = ["the concept is one of " if op == "in" else "the concept is none of "]
            for i, code in enumerate(c.strip() for c in value.split(",") if c.strip()):
                parts.extend(([", "] if i else []) + [self._concept(system, code)])
            return parts
        if prop in ("concept", "code"):
            phrase = HIERARCHY_PHRASES.get(op)
        elif prop in ("parent", "child") and op == "=":
            phrase = ("the concept is a direct child of ", "") if prop == "parent" else \
                ("the concept is a direct parent of ", "")
        if phrase is not None:
            target = self._concept(system, value)
            before, after = phrase
            return [before, target, after] if after else [before, target]
        return _property_phrase(prop, op, value)


HIERARCHY_PHRASES = {
    "is-a": ("the concept is ", " or a kind of it (anything below it)"),
    "descendent-of": ("the concept is below ", ", not that concept itself"),
    "is-not-a": ("the concept is neither ", " nor below it"),
    "generalizes": ("the concept is ", " or above it"),
    "child-of": ("the concept is a direct child of ", ""),
    "descendent-leaf": ("the concept is below ", " and has no children of its own"),
    "=": ("the concept is ", ""),
}


def _property_phrase(prop: str, op: str, value: str) -> list:
    values = ", ".join(v.strip() for v in value.split(",") if v.strip())
    phrases = {
        "=": f"its property “{prop}” is “{value}”",
        "in": f"its property “{prop}” is one of: {values}",
        "not-in": f"its property “{prop}” is none of: {values}",
        "regex": f"its property “{prop}” matches the pattern “{value}”",
        "exists": f"it {'has' if value.lower() != 'false' else 'has no'} property “{prop}”",
        "is-a": f"its property “{prop}” is “{value}” or a kind of it",
        "descendent-of": f"its property “{prop}” is below “{value}”",
        "is-not-a": f"its property “{prop}” is neither “{value}” nor below it",
        "generalizes": f"its property “{prop}” is “{value}” or above it",
    }
    return [phrases.get(op, f"its property “{prop}” {op} “{value}”")]
