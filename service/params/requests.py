"""Typed parameters -> the operation request dataclasses (service.engine.requests).

Each dataclass field names the FHIR parameter it is read from (``requests.fhir``); the builders here read
those fields generically and assemble the composite parts (version choices, request-scoped resources, the
value set asked about, the parameters an expansion echoes). The values were typed by marshmallow
(``raw.coerce``) before they get here.
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache

from ..engine import requests as R
from ..engine.versions import split_canonical
from .raw import first

# expansion parameters echoed in ValueSet.expansion.parameter: (name, value[x] key), single and repeating
ECHOED = [("activeOnly", "valueBoolean"), ("count", "valueInteger"), ("displayLanguage", "valueCode"),
          ("excludeNested", "valueBoolean"), ("excludeNotForUI", "valueBoolean"),
          ("excludePostCoordinated", "valueBoolean"), ("filter", "valueString"),
          ("includeDefinition", "valueBoolean"), ("includeDesignations", "valueBoolean"),
          ("offset", "valueInteger")]
ECHOED_MULTI = [("designation", "valueString"), ("force-system-version", "valueUri")]
VERSION_PARAMS = {"system_version": "system-version", "force_system_version": "force-system-version",
                  "check_system_version": "check-system-version",
                  "default_valueset_version": "default-valueset-version"}


@lru_cache(maxsize=None)
def _plain_fields(cls) -> tuple:
    return tuple((f.name, f.metadata["fhir"], f.metadata["many"]) for f in dataclasses.fields(cls)
                 if "fhir" in f.metadata)


def _plain(cls, typed: dict, **extra):
    """cls built from its FHIR-named fields (first value, or all values for repeating ones) plus extra."""
    kw = {}
    for attr, name, many in _plain_fields(cls):
        values = typed.get(name)
        if values:
            kw[attr] = tuple(values) if many else values[0]
    kw.update(extra)
    return cls(**kw)


def version_choices(typed: dict) -> R.VersionChoices:
    kw = {}
    for attr, name in VERSION_PARAMS.items():
        pairs = []
        for value in typed.get(name, ()):
            if isinstance(value, str):
                url, ver = split_canonical(value)
                if ver:
                    pairs.append((url, ver))
        if pairs:
            kw[attr] = tuple(pairs)
    vm = typed.get("versionsMatch")
    if vm:
        kw["versions_match"] = str(vm[0]).lower() == "true"
    return R.VersionChoices(**kw) if kw else _NO_VERSIONS


_NO_VERSIONS = R.VersionChoices()


def _common(typed: dict) -> dict:
    resources = [r for r in typed.get("tx-resource", ()) if isinstance(r, dict)]
    for name in ("valueSet", "codeSystem"):
        resources.extend(r for r in typed.get(name, ()) if isinstance(r, dict) and r.get("url"))
    return {"tx_resources": tuple(resources), "versions": version_choices(typed), "source": typed}


def _value_set(typed: dict) -> R.ValueSetChoice:
    inline = first(typed, "valueSet")
    url = first(typed, "url") or first(typed, "valueSetUrl") or first(typed, "context")
    version = first(typed, "valueSetVersion")
    if inline is None and url is None and version is None:
        return _NO_VALUE_SET
    return R.ValueSetChoice(url=url, version=version, inline=inline)


_NO_VALUE_SET = R.ValueSetChoice()


# ---- one builder per operation -----------------------------------------------------------------------------
def lookup(typed: dict) -> R.LookupRequest:
    return _plain(R.LookupRequest, typed, **_common(typed))


def subsumes(typed: dict) -> R.SubsumesRequest:
    return _plain(R.SubsumesRequest, typed, **_common(typed))


def validate_code(typed: dict, *, on_codesystem: bool) -> R.ValidateCodeRequest:
    if on_codesystem:   # CodeSystem/$validate-code: url and version name the code system
        url, version = first(typed, "url"), first(typed, "systemVersion") or first(typed, "version")
        value_set = _NO_VALUE_SET
    else:
        url, version, value_set = None, first(typed, "systemVersion"), _value_set(typed)
    return _plain(R.ValidateCodeRequest, typed, value_set=value_set, code_system_url=url, system_version=version,
                  options=_plain(R.ValidationOptions, typed), **_common(typed))


def expand(typed: dict) -> R.ExpandRequest:
    # displayLanguage not given: a placeholder where the Accept-Language header is echoed, if it decided
    echo = [(name, key, typed[name][0] if typed.get(name) else None) for name, key in ECHOED
            if typed.get(name) or name == "displayLanguage"]
    echo.extend((name, key, value) for name, key in ECHOED_MULTI for value in typed.get(name, ()))
    return _plain(R.ExpandRequest, typed, value_set=_value_set(typed), echo=tuple(echo), **_common(typed))


def with_defaults(request, defaults: dict):
    """The request with the parameters a value set declares (valueset-expansion-parameter) where it set none."""
    merged = dict(request.source)
    merged.update({k: v for k, v in defaults.items() if k not in merged})
    if isinstance(request, R.ExpandRequest):
        return expand(merged)
    return validate_code(merged, on_codesystem=False)


def validations(typed: dict) -> list[dict]:
    """The typed parameters of each validation of a $batch-validate-code (a Parameters resource, or parts),
    merged over the request's other parameters."""
    from ..errors import Invalid
    from .raw import coerce, from_parameters

    outer = {k: v for k, v in typed.items() if k != "validation"}
    out = []
    for item in typed.get("validation", ()):
        if not isinstance(item, dict):
            raise Invalid("Each validation parameter must carry a Parameters resource")
        raw = from_parameters(item) if item.get("resourceType") == "Parameters" else \
            {k: [v] for k, v in item.items() if v is not None}
        out.append({**outer, **coerce(raw)})
    return out


def batch_validate(typed: dict, subs: list[dict] | None = None) -> R.BatchValidateRequest:
    """subs: the validations' typed parameters (``validations``), already checked by the caller."""
    subs = validations(typed) if subs is None else subs
    return R.BatchValidateRequest(validations=tuple(validate_code(s, on_codesystem=False) for s in subs),
                                  **_common(typed))
