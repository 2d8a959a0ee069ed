"""$translate parameters (R4 and R5 names) -> a TranslateRequest: one TranslateCall per coding.

Both FHIR versions' parameter names are accepted on both endpoints (HL7's test
client sends R5 names to R4 servers too):

* map:      url (may carry |version), conceptMapVersion, conceptMap (inline), instance id
* forward:  R5 sourceCode + system/sourceSystem [+ version], sourceCoding, sourceCodeableConcept;
            R4 code + system [+ version], coding, codeableConcept
* reverse:  R5 targetCode + targetSystem, targetCoding, targetCodeableConcept;
            R4 reverse=true with code/coding/codeableConcept
* restrict: R5 targetSystem (forward) / sourceSystem or system (reverse), R4 targetsystem;
            R5 sourceScope/targetScope, R4 source/target (value sets); dependency
"""
from __future__ import annotations

from ..engine.requests import TranslateCall, TranslateRequest
from ..engine.versions import split_canonical
from ..errors import Invalid, shown
from .raw import first


def _str(params: dict, *names: str) -> str | None:
    for name in names:
        value = first(params, name)
        if value is not None:
            if not isinstance(value, str):
                raise Invalid(f"The parameter '{name}' must be a string value, got {shown(value)}")
            return value
    return None


def _dict(params: dict, *names: str) -> tuple[str | None, dict | None]:
    for name in names:
        value = first(params, name)
        if value is not None:
            if not isinstance(value, dict):
                raise Invalid(f"The parameter '{name}' must be a complex value (Coding/CodeableConcept)")
            return name, value
    return None, None


def _codings_of(name: str, value: dict) -> list[dict]:
    if name.endswith("odeableConcept"):
        codings = [c for c in value.get("coding", []) or [] if isinstance(c, dict) and c.get("code")]
        if not codings:
            raise Invalid(f"The {name} has no codings with a code to translate")
        return codings
    if not value.get("code"):
        raise Invalid(f"The {name} has no code to translate")
    return [value]


def translate(params: dict) -> TranslateRequest:
    """The typed $translate request: one call per coding to translate."""
    reverse, shape, codings, other = _what(params)
    map_url = _str(params, "url")
    map_version = _str(params, "conceptMapVersion")
    if map_url:
        map_url, url_version = split_canonical(map_url)
        map_version = map_version or url_version
    scopes = {"source_scope": _str(params, "sourceScope", "source"),
              "target_scope": _str(params, "targetScope") or _first_str(params.get("target"))}
    inline = [m for m in params.get("conceptMap", []) if isinstance(m, dict)]
    for m in inline:
        if m.get("resourceType") != "ConceptMap":
            raise Invalid(f"The conceptMap parameter must be a ConceptMap, not {shown(m.get('resourceType'))}")
    dependencies = tuple(d for d in params.get("dependency", []) if isinstance(d, dict))
    calls = []
    for coding in codings:
        if not coding.get("system"):
            raise Invalid(f"The coding with code '{coding.get('code')}' has no system")
        calls.append(TranslateCall(source_code=coding["code"], source_system=coding["system"],
                                   source_version=coding.get("version"), target_system=other, map_url=map_url,
                                   map_version=map_version, reverse=reverse, inline_maps=tuple(inline),
                                   dependencies=dependencies, reverse_shape=shape, **scopes))
    from .requests import _common
    return TranslateRequest(calls=tuple(calls), **_common(params))


def _what(params: dict):
    """(reverse, reverse shape, the codings to translate, the system on the other side)."""
    src_code = _str(params, "sourceCode", "code")
    tgt_code = _str(params, "targetCode")
    src_name, src_value = _dict(params, "sourceCoding", "coding", "sourceCodeableConcept", "codeableConcept")
    tgt_name, tgt_value = _dict(params, "targetCoding", "targetCodeableConcept")
    given = [x for x in (src_code, tgt_code, src_value, tgt_value) if x is not None]
    if not given:
        raise Invalid("Unable to find a code to translate: give sourceCode + system, sourceCoding, "
                      "sourceCodeableConcept, targetCode + targetSystem, targetCoding or targetCodeableConcept "
                      "(R4: code + system, coding or codeableConcept)")
    if len(given) > 1:
        raise Invalid("Only one of sourceCode, sourceCoding, sourceCodeableConcept, targetCode, targetCoding "
                      "and targetCodeableConcept (R4: code, coding, codeableConcept) may be given")
    source_system, system = _str(params, "sourceSystem"), _str(params, "system")
    r4_reverse = first(params, "reverse") is True
    if tgt_code is not None or tgt_value is not None:               # R5 reverse
        if r4_reverse:
            raise Invalid("reverse=true cannot be combined with targetCode/targetCoding/targetCodeableConcept")
        if tgt_code is None:
            return True, "target", _codings_of(tgt_name, tgt_value), source_system or system
        target_system = _str(params, "targetSystem", "targetsystem")
        if not target_system:
            raise Invalid("A targetCode needs a targetSystem")
        return True, "target", [{"system": target_system, "code": tgt_code}], source_system or system
    other = _str(params, "targetSystem", "targetsystem")            # forward, or R4 reverse=true
    if src_code is None:
        return r4_reverse, "source", _codings_of(src_name, src_value), other
    code_system = system or source_system
    if not code_system:
        raise Invalid(f"A {'sourceCode' if 'sourceCode' in params else 'code'} needs a system")
    version = _str(params, "version", "sourceVersion")
    return r4_reverse, "source", [{"system": code_system, "code": src_code,
                                   **({"version": version} if version else {})}], other


def _first_str(values) -> str | None:
    for v in values or []:
        if isinstance(v, str):
            return v
    return None


