"""Implicit value sets: canonicals that define a value set by rule (FHIR's pages on SNOMED CT and LOINC).

SNOMED CT, with an optional edition and version in the path (``http://snomed.info/sct/[module]`` or
``.../[module]/version/[date]``, else the default version of ``http://snomed.info/sct``):

* ``?fhir_vs``                 every concept of the version (inactive ones flagged, as in the code system)
* ``?fhir_vs=isa/[sctid]``     the concept and its descendants (``concept is-a``)
* ``?fhir_vs=refset``          the refsets of the release
* ``?fhir_vs=refset/[sctid]``  the members of a simple refset (``concept in``)
* ``?fhir_vs=ecl/[ECL]``       an ECL expression (``constraint =``; percent-encoding in it is decoded)

LOINC: ``http://loinc.org/vs``, every code of the loaded LOINC.

Each becomes an ordinary ValueSet (compose with one include), made by ``Registry.resolve`` when no stored value
set has the url, so every operation that resolves a canonical (``url`` of $expand / $validate-code, compose
imports) takes them, and their includes go through the same filters and indexes as any other value set. The
value set exists only while the code system it draws from is loaded (our verified fragments included).
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from .versions import latest

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
LOINC_ALL = "http://loinc.org/vs"
_SCT = re.compile(r"^http://snomed\.info/sct(?:/(?P<module>\d+)(?:/version/(?P<date>\d{8}))?)?\?fhir_vs(?:=(?P<rule>.*))?$",
                  re.S)


def is_implicit(url: str) -> bool:
    return url == LOINC_ALL or _SCT.match(url) is not None


def valueset(url: str, registry) -> dict | None:
    """The implicit value set a canonical names, or None (not one, or its code system is not loaded)."""
    if url == LOINC_ALL:
        if registry.resolve("CodeSystem", LOINC) is None:
            return None
        return _resource(url, "LOINC (all codes)", {"system": LOINC})
    m = _SCT.match(url)
    if m is None:
        return None
    version = _snomed_version(registry, m.group("module"), m.group("date"))
    if version is False:
        return None
    cs = registry.resolve("CodeSystem", SNOMED, version)
    if cs is None:
        return None
    include: dict = {"system": SNOMED}
    if version:
        include["version"] = version
    rule = m.group("rule")
    title = _rule(include, rule, cs)
    return None if title is None else _resource(url, title, include)


def _snomed_version(registry, module: str | None, date: str | None):
    """The version URI an implicit url names: None (the default version), or False (none loaded)."""
    if module is None:
        return None
    if date is not None:
        return f"{SNOMED}/{module}/version/{date}"
    prefix = f"{SNOMED}/{module}/version/"
    loaded = [v for v in registry.versions_of("CodeSystem", SNOMED) if v and v.startswith(prefix)]
    return latest(loaded) if loaded else False


def _rule(include: dict, rule: str | None, cs) -> str | None:
    """Fill the include for the rule after ``fhir_vs``; returns a title, or None for an unknown rule."""
    if rule is None or rule == "":
        return "SNOMED CT (all concepts)"
    kind, _, arg = rule.partition("/")
    if kind == "isa" and arg:
        include["filter"] = [{"property": "concept", "op": "is-a", "value": arg}]
        return f"SNOMED CT concepts subsumed by {arg}"
    if kind == "refset" and not arg:
        include["concept"] = [{"code": r} for r in cs.refset_codes]
        return "SNOMED CT reference sets"
    if kind == "refset":
        include["filter"] = [{"property": "concept", "op": "in", "value": arg}]
        return f"SNOMED CT reference set {arg}"
    if kind == "ecl" and arg:
        ecl = unquote(arg)
        include["filter"] = [{"property": "constraint", "op": "=", "value": ecl}]
        return f"SNOMED CT concepts matching {ecl}"
    return None


def _resource(url: str, title: str, include: dict) -> dict:
    includes = [] if include.get("concept") == [] else [include]    # a release without refsets: empty
    return {"resourceType": "ValueSet", "url": url, "name": "ImplicitValueSet", "title": title,
            "status": "active", "compose": {"include": includes}}
