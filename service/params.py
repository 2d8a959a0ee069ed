"""Operation parameters: query string, form body and Parameters body merged into one typed dict.

Every operation gets ``{name: [values...]}`` with booleans and integers coerced
by a small marshmallow schema per operation. Conflicting values for a
single-valued parameter -> 400.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .errors import Invalid

BOOLEANS = {"activeOnly", "excludeNested", "excludeNotForUI", "excludePostCoordinated", "includeDesignations",
            "includeDefinition", "abstract", "inferSystem", "lenient-display-validation", "reverse", "_incomplete",
            "limitedExpansion", "default-to-latest-version", "useSupplement-strict"}
INTEGERS = {"count", "offset"}
MULTI = {"property", "designation", "system-version", "check-system-version", "force-system-version",
         "tx-resource", "useSupplement", "coding", "validation", "dependency", "target", "valueSetVersion_"}
RESOURCE_PARAMS = {"tx-resource", "valueSet", "codeSystem", "conceptMap"}
_BOOL_TEXT = {"true": True, "false": False}


class _List(fields.List):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value if isinstance(value, list) else [value], attr, data, **kwargs)


class _StrictBool(fields.Boolean):
    truthy = {"true", True}
    falsy = {"false", False}


def _schema_for(names: set[str]) -> Schema:
    declared = {}
    for n in names & BOOLEANS:
        declared[n] = _List(_StrictBool())
    for n in names & INTEGERS:
        declared[n] = _List(fields.Integer(strict=False, validate=validate.Range(min=0)))
    cls = Schema.from_dict(declared)
    return cls(unknown=EXCLUDE)


_SCHEMA = _schema_for(BOOLEANS | INTEGERS)


def _value_of(param: dict):
    for key, value in param.items():
        if key.startswith("value"):
            return value
    if "resource" in param:
        return param["resource"]
    if "part" in param:
        return {p.get("name"): _value_of(p) for p in param["part"]}
    return None


def from_parameters(body: dict) -> dict[str, list]:
    if body.get("resourceType") != "Parameters":
        raise Invalid(f"Expected a Parameters resource, got '{body.get('resourceType')}'")
    out: dict[str, list] = {}
    for p in body.get("parameter", []) or []:
        if not isinstance(p, dict) or not isinstance(p.get("name"), str):
            raise Invalid("Each Parameters.parameter needs a name")
        out.setdefault(p["name"], []).append(_value_of(p))
    return out


def merge(*sources: dict[str, list]) -> dict[str, list]:
    """Merge parameter sources; the same single-valued parameter with different values -> 400."""
    merged: dict[str, list] = {}
    for src in sources:
        for name, values in src.items():
            if name in merged and name not in MULTI:
                if [_norm(v) for v in merged[name]] != [_norm(v) for v in values]:
                    raise Invalid(f"Conflicting values for parameter '{name}': {merged[name]!r} and {values!r}")
                continue
            merged.setdefault(name, []).extend(values)
    return merged


def _norm(value):
    return str(value).lower() if isinstance(value, (bool, int, str)) else value


def coerce(params: dict[str, list]) -> dict[str, list]:
    """Type booleans and integers (marshmallow); bad values -> 400 quoting the value."""
    typed = {k: v for k, v in params.items() if k in BOOLEANS or k in INTEGERS}
    if not typed:
        return params
    try:
        loaded = _SCHEMA.load({k: [(_BOOL_TEXT.get(x, x) if k in BOOLEANS and isinstance(x, str) else x) for x in v]
                               for k, v in typed.items()})
    except ValidationError as exc:
        name = next(iter(exc.messages))
        raise Invalid(f"Invalid value for parameter '{name}': {params.get(name)!r} "
                      f"({'a boolean' if name in BOOLEANS else 'a non-negative integer'} is required)") from None
    out = dict(params)
    out.update(loaded)
    return out


def first(params: dict, name: str, default=None):
    vals = params.get(name)
    return vals[0] if vals else default
