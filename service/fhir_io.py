"""The only module that imports fhir.resources.

Validates incoming resources (content files, request bodies) against the
generated pydantic models: R4B models for FHIR R4 (the terminology resources
are identical between R4 and R4B), R5 models for FHIR R5. Everything else in
the service works on plain dicts and slotted objects.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import xml_in
from .errors import shown
from .xml_in import XMLError  # noqa: F401 - raised by from_xml and to_xml; callers catch fhir_io.XMLError

R4 = "R4"
R5 = "R5"


def _model_class(fhir_version: str, resource_type: str):
    """The model class for a resource type, or None; names that cannot be FHIR types are not looked up."""
    if not isinstance(resource_type, str) or not _TYPE_NAME.match(resource_type):
        return None
    return _model_class_cached(fhir_version, resource_type)


_TYPE_NAME = re.compile(r"^[A-Z][A-Za-z]{1,63}$")


@lru_cache(maxsize=512)
def _model_class_cached(fhir_version: str, resource_type: str):
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
        return [(rtype, f"unknown resourceType {shown(rtype)} for FHIR {fhir_version}")]
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


# ---- XML (application/fhir+xml) -----------------------------------------------------------------
def from_xml(data: bytes, fhir_version: str = R5, limits=None) -> dict:
    """A FHIR XML resource as a JSON-shaped dict, in time linear in its size and within the limits of
    service/xml_in.py (bytes, depth, attributes, elements). Refuses DTDs and entities."""
    return xml_in.parse(data, fhir_version, element_table, limits)


@lru_cache(maxsize=2048)
def element_table(fhir_version: str, type_name: str) -> tuple[bool, dict] | None:
    """How the elements of a FHIR type appear in XML, for xml_in: (is a resource, {element name: (repeats,
    kind, type)}), kind one of "primitive", "complex", "resource", "xhtml"; None for an unknown type.
    Element.id and Extension.url are XML attributes and not in the table."""
    cls = _model_class(fhir_version, type_name)
    if cls is None:
        return None
    from fhir_core.utils import determine_version_prefix, get_fhir_type_name, is_list_type, is_primitive_type

    root = "fhir.resources.R4B" if fhir_version == R4 else "fhir.resources"
    prefix = determine_version_prefix(root)
    resource = is_resource_type(type_name, fhir_version)
    table: dict[str, tuple[bool, str, str]] = {}
    for name, field in cls.model_fields.items():
        alias = field.alias or name
        if name.endswith("__ext") or alias.startswith("_") or name in ("fhir_comments", "resource_type"):
            continue
        if (not resource and alias == "id") or (type_name == "Extension" and alias == "url"):
            continue
        try:
            ftype = get_fhir_type_name(field, prefix=prefix)
        except ValueError:
            continue
        if ftype == "xhtml":
            kind = "xhtml"
        elif is_primitive_type(field):
            kind = "primitive"
        elif ftype == "Resource" or is_resource_type(ftype, fhir_version):
            kind = "resource"
        else:
            kind = "complex"
        table[alias] = (is_list_type(field), kind, ftype)
    return resource, table


def to_xml(resource: dict, fhir_version: str = R5) -> bytes:
    """A resource dict as FHIR XML (element order from the FHIR definitions, via the models)."""
    cls = _model_class(fhir_version, resource.get("resourceType", ""))
    if cls is None:
        raise XMLError(f"cannot render resourceType {shown(resource.get('resourceType'))} as XML")
    from pydantic import ValidationError

    try:
        return cls.model_validate(resource).model_dump_xml()
    except (ValidationError, ValueError, TypeError) as exc:
        raise XMLError(f"the {resource.get('resourceType')} cannot be rendered as XML: {exc}") from None
