"""Operation parameters: query string, form body and Parameters body merged into one typed dict.

Every operation gets ``{name: [values...]}`` with booleans and integers coerced
by a small marshmallow schema per operation. Conflicting values for a
single-valued parameter -> 400.
"""
from __future__ import annotations

import re
from functools import lru_cache

from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields

from ..errors import Invalid, shown

BOOLEANS = {"activeOnly", "excludeNested", "excludeNotForUI", "excludePostCoordinated", "includeDesignations",
            "includeDefinition", "abstract", "inferSystem", "lenient-display-validation", "reverse", "_incomplete",
            "limitedExpansion", "default-to-latest-version", "useSupplement-strict", "valueset-membership-only"}
INTEGERS = {"count", "offset"}
STRINGS = {"url", "valueSetUrl", "context", "valueSetVersion", "system", "systemVersion", "version", "code",
           "display", "displayLanguage", "filter", "codeA", "codeB", "property", "designation", "system-version",
           "check-system-version", "force-system-version", "useSupplement", "conceptMapVersion",
           "default-valueset-version", "source", "target", "targetsystem", "targetSystem", "sourceCode", "targetCode", "sourceSystem",
           "sourceScope", "targetScope", "date", "mode"}
CODINGS = {"coding", "codingA", "codingB", "sourceCoding", "targetCoding"}
CONCEPTS = {"codeableConcept", "sourceCodeableConcept", "targetCodeableConcept"}
MULTI = {"property", "designation", "default-valueset-version", "system-version", "check-system-version", "force-system-version",
         "tx-resource", "useSupplement", "coding", "validation", "dependency", "target", "valueSetVersion_"}
RESOURCE_PARAMS = {"tx-resource", "valueSet", "codeSystem", "conceptMap"}
_BOOL_TEXT = {"true": True, "false": False}


class _List(fields.List):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value if isinstance(value, list) else [value], attr, data, **kwargs)


class _StrictBool(fields.Boolean):
    truthy = {"true", True}
    falsy = {"false", False}


INT32_MAX = 2**31 - 1
_INT_TEXT = re.compile(r"[+]?[0-9]+")


class _Int(fields.Field):
    """A FHIR integer (32-bit signed), here never negative: an int, or digits in a query string; anything
    else (fractions, 10^20, booleans) is refused rather than clamped or passed on."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("not an integer")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()) and len(value.strip()) <= 12:
            value = int(value.strip())
        if not isinstance(value, int) or not 0 <= value <= INT32_MAX:
            raise ValidationError("not a non-negative 32-bit integer")
        return value


class _Str(fields.String):
    """A FHIR string-ish value: must be a JSON string (numbers are not silently accepted)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("a string is required")
        return value


class CodingSchema(Schema):
    class Meta:
        unknown = INCLUDE
    system = _Str()
    version = _Str()
    code = _Str()
    display = _Str()
    userSelected = fields.Boolean()


class CodeableConceptSchema(Schema):
    class Meta:
        unknown = INCLUDE
    coding = fields.List(fields.Nested(CodingSchema))
    text = _Str()


def _schema_for(names: set[str]) -> Schema:
    declared: dict = {}
    for n in names & BOOLEANS:
        declared[n] = _List(_StrictBool())
    for n in names & INTEGERS:
        declared[n] = _List(_Int())
    for n in names & STRINGS:
        declared[n] = _List(_Str())
    for n in names & CODINGS:
        declared[n] = _List(fields.Nested(CodingSchema))
    for n in names & CONCEPTS:
        declared[n] = _List(fields.Nested(CodeableConceptSchema))
    cls = Schema.from_dict(declared)
    return cls(unknown=EXCLUDE)


TYPED = BOOLEANS | INTEGERS | STRINGS | CODINGS | CONCEPTS


@lru_cache(maxsize=256)
def _schema_for_names(names: frozenset) -> Schema:
    """A schema declaring just the parameters present (marshmallow visits every declared field)."""
    return _schema_for(set(names))
_EXPECT = {**{n: "a boolean" for n in BOOLEANS}, **{n: f"an integer from 0 to {INT32_MAX}" for n in INTEGERS},
           **{n: "a string" for n in STRINGS}, **{n: "a Coding" for n in CODINGS},
           **{n: "a CodeableConcept" for n in CONCEPTS}}


MAX_PART_DEPTH = 16


def _value_of(param: dict, depth: int = 0):
    if depth > MAX_PART_DEPTH:
        raise Invalid(f"Parameters.parameter.part is nested deeper than {MAX_PART_DEPTH} levels")
    for key, value in param.items():
        if key.startswith("value"):
            return value
    if "resource" in param:
        return param["resource"]
    if "part" in param:
        parts = param["part"]
        if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
            raise Invalid(f"Parameters.parameter.part of '{param.get('name')}' must be a list of parameters")
        return {p.get("name"): _value_of(p, depth + 1) for p in parts}
    return None


def from_parameters(body: dict) -> dict[str, list]:
    if body.get("resourceType") != "Parameters":
        raise Invalid(f"Expected a Parameters resource, got '{body.get('resourceType')}'")
    out: dict[str, list] = {}
    plist = body.get("parameter", []) or []
    if not isinstance(plist, list):
        raise Invalid("Parameters.parameter must be a list")
    for p in plist:
        if not isinstance(p, dict) or not isinstance(p.get("name"), str):
            raise Invalid("Each Parameters.parameter needs a name")
        out.setdefault(p["name"], []).append(_value_of(p))
    return out


def merge(*sources: dict[str, list]) -> dict[str, list]:
    """Merge parameter sources; the same single-valued parameter with different values -> 400."""
    merged: dict[str, list] = {}
    for src in sources:
        for name, values in src.items():
            if name not in MULTI and len({repr(_norm(v)) for v in values}) > 1:   # repeated within one source
                raise Invalid(f"Conflicting values for parameter '{name}': {shown(values)}")
            if name in merged and name not in MULTI:
                if [_norm(v) for v in merged[name]] != [_norm(v) for v in values]:
                    raise Invalid(f"Conflicting values for parameter '{name}': {shown(merged[name])} and {shown(values)}")
                continue
            merged.setdefault(name, []).extend(values)
    return merged


def _norm(value):
    return str(value).lower() if isinstance(value, (bool, int, str)) else value


def _already_typed(name: str, values: list) -> bool:
    """Plain strings for string parameters (every GET query value) need no schema run."""
    return name in STRINGS and all(isinstance(v, str) for v in values)


def coerce(params: dict[str, list]) -> dict[str, list]:
    """Type every known parameter (marshmallow); a wrongly typed value -> 400 quoting it."""
    typed = {k: v for k, v in params.items() if k in TYPED and not _already_typed(k, v)}
    if not typed:
        return params
    try:
        loaded = _schema_for_names(frozenset(typed)).load({k: [(_BOOL_TEXT.get(x, x) if k in BOOLEANS and isinstance(x, str) else x) for x in v]
                               for k, v in typed.items()})
    except ValidationError as exc:
        name = next(iter(exc.messages))
        values = params.get(name) or []
        value = shown(values[0]) if len(values) == 1 else shown(values)
        raise Invalid(f"Invalid value for parameter '{name}': {value} "
                      f"({_EXPECT.get(name, 'another type')} is required)") from None
    out = dict(params)
    out.update(loaded)
    return out


def integer(name: str, raw) -> int:
    """One FHIR integer parameter outside the operation schemas (search _count, _offset) -> 400 if bad."""
    try:
        return _Int().deserialize(raw)
    except ValidationError:
        raise Invalid(f"Invalid value for parameter '{name}': {shown(raw)} (an integer from 0 to {INT32_MAX} "
                      "is required)") from None


def first(params: dict, name: str, default=None):
    vals = params.get(name)
    return vals[0] if vals else default
