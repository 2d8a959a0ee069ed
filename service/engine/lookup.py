"""CodeSystem/$lookup: name, version, display, definition, designations, properties."""
from __future__ import annotations

from ..errors import TerminologyError, Unresolvable
from .languages import DISPLAY_USES, choose_display, lang_matches
from .supplements import extra_designations, extra_properties, for_system
from .uris import PREFERRED_FOR_LANGUAGE

LANGUAGE_EXT = "http://hl7.org/fhir/StructureDefinition/language"


def _designation_param(d: dict) -> dict:
    parts = []
    if d.get("language"):
        parts.append({"name": "language", "valueCode": d["language"]})
    if d.get("use"):
        parts.append({"name": "use", "valueCoding": d["use"]})
    if d.get("_source"):
        parts.append({"name": "source", "valueCanonical": d["_source"]})
    parts.append({"name": "value", "valueString": d.get("value", "")})
    return {"name": "designation", "part": parts}


def _property_param(code: str, key: str, value, description: str | None = None) -> dict:
    parts = [{"name": "code", "valueCode": code}, {"name": "value", key: value}]
    if description:
        parts.insert(1, {"name": "description", "valueString": description})
    return {"name": "property", "part": parts}


def _fallback_display(concept, designations: list[dict], prefs) -> dict:
    """display is 1..1 in $lookup's output: for a concept without a display (v2-0210#OR has only a Dutch
    designation) the best designation stands in, its language said with the standard language extension;
    the code itself is the last resort."""
    wanted = [t for t in (prefs.tags if prefs else []) if t != "*"]
    usable = [d for d in designations if d.get("value")]
    ranked = sorted(usable, key=lambda d: (
        next((i for i, t in enumerate(wanted) if lang_matches(t, d.get("language"))), len(wanted)),
        ((d.get("use") or {}).get("system"), (d.get("use") or {}).get("code")) not in DISPLAY_USES))
    if not ranked:
        return {"name": "display", "valueString": concept.code}
    best = ranked[0]
    param = {"name": "display", "valueString": best["value"]}
    if best.get("language"):
        param["_valueString"] = {"extension": [{"url": LANGUAGE_EXT, "valueCode": best["language"]}]}
    return param


def _code_system(ctx, system: str, version: str | None):
    reg = ctx.registry
    cs = reg.resolve("CodeSystem", system, version)
    if cs is None:
        known = [v for v in reg.versions_of("CodeSystem", system) if v]
        if version and known:
            msg = (f"A definition for CodeSystem '{system}' version '{version}' could not be found, so the code "
                   f"cannot be looked up. Valid versions: {' or '.join(sorted(known))}")
        else:
            msg = f"A definition for CodeSystem '{system}' could not be found, so the code cannot be looked up"
        raise Unresolvable(msg, message_id="UNKNOWN_CODESYSTEM", tx_code="not-found")
    if cs.content == "supplement":
        raise TerminologyError(f"CodeSystem {cs.canonical} is a supplement, so it cannot be used for $lookup",
                               status=422, tx_code="invalid-data")
    return cs


def lookup(ctx, system: str, code: str, version: str | None, *, properties: list[str]) -> dict:
    """$lookup of one code; supplements come from ctx.supplements (useSupplement, language packs)."""
    cs = _code_system(ctx, system, version)
    concept = cs.locate(code)
    if concept is None:
        ver = f" version '{cs.version}'" if cs.version else ""
        raise TerminologyError(f"Unknown code '{code}' in the CodeSystem '{system}'{ver}", status=404,
                               issue_code="not-found", tx_code="invalid-code", message_id="Unknown_Code_in_Version",
                               expression="code")
    sups = for_system(ctx.supplements, cs.url)
    extra_des = extra_designations(sups, concept.code)
    wanted = set(properties)
    want_all = not properties or "*" in wanted

    def want(name: str) -> bool:
        return want_all or name in wanted

    params = [{"name": "code", "valueCode": concept.code}, {"name": "system", "valueUri": cs.url},
              {"name": "name", "valueString": cs.name or cs.title or cs.url}]   # name is 1..1
    if cs.version:
        params.append({"name": "version", "valueString": cs.version})
    display = choose_display(concept, cs.language, ctx.prefs, extra_des) if ctx.prefs else concept.display
    if display:
        params.append({"name": "display", "valueString": display})
    else:
        params.append(_fallback_display(concept, list(concept.designations) + extra_des, ctx.prefs))
    if concept.definition and want("definition"):
        params.append({"name": "definition", "valueString": concept.definition})
    params.append({"name": "abstract", "valueBoolean": concept.abstract})
    params.extend(_designations(cs, concept, extra_des))
    params.extend(_properties(cs, concept, sups, want))
    params.extend({"name": "used-supplement", "valueCanonical": sup.canonical} for sup in sups)
    return {"resourceType": "Parameters", "parameter": params}


def _designations(cs, concept, extra_des: list) -> list[dict]:
    """The display in the code system's language (preferred for it), then every designation."""
    out = []
    if concept.display and cs.language:
        out.append(_designation_param({"language": cs.language, "use": PREFERRED_FOR_LANGUAGE, "value": concept.display}))
    out.extend(_designation_param(d) for d in list(concept.designations) + extra_des)
    return out


def _properties(cs, concept, sups: list, want) -> list[dict]:
    out = []
    if want("parent"):
        out.extend(_property_param("parent", "valueCode", p, cs.display_of(p)) for p in concept.parents)
    if want("child"):
        out.extend(_property_param("child", "valueCode", c, cs.display_of(c)) for c in concept.children)
    if want("inactive"):
        out.append(_property_param("inactive", "valueBoolean", concept.inactive))
    for pcode, key, value in list(concept.properties) + extra_properties(sups, concept.code):
        if pcode not in ("parent", "child", "inactive") and want(pcode):
            out.append(_property_param(pcode, key, value))
    return out
