"""The only module that imports fhir.resources.

Validates incoming resources (content files, request bodies) against the
generated pydantic models: R4B models for FHIR R4 (the terminology resources
are identical between R4 and R4B), R5 models for FHIR R5. Everything else in
the service works on plain dicts and slotted objects.
"""
from __future__ import annotations

from functools import lru_cache

R4 = "R4"
R5 = "R5"


@lru_cache(maxsize=None)
def _model_class(fhir_version: str, resource_type: str):
    if fhir_version == R4:
        from fhir.resources.R4B import get_fhir_model_class
    else:
        from fhir.resources import get_fhir_model_class
    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError):
        return None


def _path(loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def validate_resource(resource: dict, fhir_version: str = R4, *, shape_only: bool = False) -> list[tuple[str, str]]:
    """Return every structural problem as (FHIRPath-like location, message).

    An empty list means the resource parsed. Locations start with the
    resource type, e.g. ``CodeSystem.concept[3].display``. With shape_only,
    missing required elements are not reported (only wrong JSON types/values):
    resources sent along with a request are often incomplete, and the
    operations themselves report what they cannot use.
    """
    if not isinstance(resource, dict):
        return [("", "resource is not a JSON object")]
    rtype = resource.get("resourceType")
    if not isinstance(rtype, str):
        return [("", "missing resourceType")]
    cls = _model_class(fhir_version, rtype)
    if cls is None:
        return [(rtype, f"unknown resourceType {rtype!r} for FHIR {fhir_version}")]
    from pydantic import ValidationError

    try:
        cls.model_validate(resource)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            if shape_only and str(err.get("type", "")).endswith("missing"):
                continue
            loc = _path(err.get("loc", ()))
            problems.append((f"{rtype}.{loc}" if loc else rtype, err.get("msg", "invalid")))
        return problems
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # defensive: models raise these on odd input (KeyError: unknown nested resourceType)
        return [(rtype, str(exc))]
    return []


def is_resource_type(resource_type: str, fhir_version: str = R4) -> bool:
    """True when resource_type names a FHIR resource (not a data type) in that FHIR version."""
    cls = _model_class(fhir_version, resource_type) if isinstance(resource_type, str) else None
    if cls is None:
        return False
    if fhir_version == R4:
        from fhir.resources.R4B.resource import Resource
    else:
        from fhir.resources.resource import Resource
    return issubclass(cls, Resource)
