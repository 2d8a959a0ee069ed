"""Route handler of $validate: an EHR resource (or Bundle, or Parameters with resource and profile) checked
for structure, terminology and bindings (service.resource_validation)."""
from __future__ import annotations

from .. import fhir_io
from ..errors import Invalid, NotFound, shown
from ..packages import PackageSet
from ..resource_validation import ResourceValidator, resource_from_parameters
from .parse import json_body
from .respond import Result


def validate(svc, req, rtype=None) -> Result:
    version = req.version
    if rtype is not None and not fhir_io.is_resource_type(rtype, version):
        raise NotFound(f"Unknown resource type '{rtype}' for FHIR {version}", status=404)
    body = json_body(req, required=True)
    profile = req.arg("profile")
    resource = body
    if body["resourceType"] == "Parameters" and rtype != "Parameters":
        resource, given = resource_from_parameters(body)
        profile = given or profile
        if resource is None:
            raise Invalid("The Parameters body has no 'resource' parameter to validate")
    if rtype is not None and isinstance(resource, dict) and resource.get("resourceType") != rtype:
        raise Invalid(f"The resource is a {shown(resource.get('resourceType'))}, but was posted to {rtype}/$validate")
    structures = (svc.state.get("packages") or PackageSet()).structures_for(version)
    validator = ResourceValidator(svc.context(req), version, structures, release_label=version)
    # the outcome speaks of the resource as sent: it is already in the request's FHIR version
    return Result(validator.validate(resource, profile), to_r4=lambda r: r)
