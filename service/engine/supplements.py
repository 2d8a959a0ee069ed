"""CodeSystem supplements: extra designations and properties applied on request."""
from __future__ import annotations

from ..errors import TerminologyError
from .versions import split_canonical


VS_SUPPLEMENT = "http://hl7.org/fhir/StructureDefinition/valueset-supplement"


def requested_supplements(use_supplement, vs: dict | None) -> list[str]:
    """Canonicals of supplements asked for by useSupplement or the valueset-supplement extension."""
    out = [s for s in use_supplement if isinstance(s, str)]
    if vs is not None:
        for ext in vs.get("extension", []):
            if ext.get("url") == VS_SUPPLEMENT and ext.get("valueCanonical"):
                out.append(ext["valueCanonical"])
    return list(dict.fromkeys(out))


def for_system(supplements: list, url: str) -> list:
    return [s for s in supplements if split_canonical(s.supplements or "")[0] == url]


def resolve_supplements(registry, cs, canonicals: list[str]) -> list:
    """The supplement indexes named (useSupplement / valueset-supplement) that apply to cs."""
    out = []
    for canon in canonicals:
        url, version = split_canonical(canon)
        sup = registry.resolve("CodeSystem", url, version)
        if sup is None or sup.content != "supplement":
            raise TerminologyError(f"Required supplement not found: {canon}", status=422, issue_code="not-found",
                                   tx_code="not-found", message_id="VALUESET_SUPPLEMENT_MISSING")
        base, _v = split_canonical(sup.supplements or "")
        if cs is None or base == cs.url:
            out.append(sup)
    return out


def extra_designations(supplements: list, code: str) -> list[dict]:
    out = []
    for sup in supplements:
        c = sup.locate(code)
        if c is None:
            continue
        for d in c.designations:
            d2 = dict(d)
            d2["_source"] = sup.canonical
            out.append(d2)
        if c.display:
            out.append({"language": sup.language, "value": c.display, "_source": sup.canonical}
                       if sup.language else {"value": c.display, "_source": sup.canonical})
    return out


def extra_properties(supplements: list, code: str) -> list[tuple[str, str, object]]:
    out = []
    for sup in supplements:
        c = sup.locate(code)
        if c is not None:
            out.extend(c.properties)
    return out
