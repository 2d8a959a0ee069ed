"""The only module that imports fhir.resources.

Validates incoming resources (content files, request bodies) against the
generated pydantic models: R4B models for FHIR R4 (the terminology resources
are identical between R4 and R4B), R5 models for FHIR R5. Everything else in
the service works on plain dicts and slotted objects.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .errors import shown

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
class XMLError(ValueError):
    """XML that is not a safe, well-formed FHIR resource."""


def _safe_parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True)


def from_xml(data: bytes, fhir_version: str = R5) -> dict:
    """A FHIR XML resource as a JSON-shaped dict. Refuses DTDs and entities (no XXE, no entity bombs)."""
    import defusedxml.ElementTree as safe_et
    from lxml import etree
    from pydantic import ValidationError

    try:
        root = safe_et.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception as exc:  # defusedxml raises several kinds of errors for unsafe or broken XML
        raise XMLError(f"the XML is not well-formed or not allowed ({type(exc).__name__}: {exc})") from None
    rtype = root.tag.split("}", 1)[-1]
    if not root.tag.startswith("{http://hl7.org/fhir}"):
        raise XMLError("the XML root element is not in the FHIR namespace http://hl7.org/fhir")
    cls = _model_class(fhir_version, rtype)
    if cls is None:
        raise XMLError(f"unknown resourceType {shown(rtype)} for FHIR {fhir_version}")
    try:
        model = cls.model_validate_xml(data, xmlparser=_safe_parser())
    except (ValidationError, etree.XMLSyntaxError, ValueError, TypeError, KeyError) as exc:
        raise XMLError(f"the XML is not a valid {rtype}: {exc}") from None
    return model.model_dump(mode="json", exclude_none=True)


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
