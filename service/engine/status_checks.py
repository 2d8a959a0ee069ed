"""Status warnings for the resources an operation relies on: draft, experimental, deprecated, withdrawn.

$expand reports them as expansion parameters (warning-draft, ...); $validate-code as information
issues of tx-issue-type status-check. Active, non-experimental resources raise nothing.
"""
from __future__ import annotations

from ..errors import issue

STANDARDS_STATUS = "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status"
MESSAGE_IDS = {"draft": "MSG_DRAFT", "experimental": "MSG_EXPERIMENTAL", "deprecated": "MSG_DEPRECATED",
               "withdrawn": "MSG_WITHDRAWN", "retired": "MSG_RETIRED"}


# The value set an operation is asked about was chosen by the caller: only the end of its life (deprecated,
# withdrawn, retired) is news. A resource it relies on (code system, imported value set) also reports being
# draft or experimental, unless the value set relying on it is draft (or experimental) itself; with no value set
# asking (CodeSystem $validate-code), every flag is reported. Draft may be said by status or by the
# standards-status extension (every HL7 v3 code system carries standards-status draft).
TOP_LEVEL_FLAGS = {"retired", "deprecated", "withdrawn"}


def flags(resource: dict, *, top_level: bool = False, source: dict | None = None) -> list[str]:
    """What is worth warning about in a CodeSystem or ValueSet resource (dict), relied on by source."""
    out = _flags(resource)
    if top_level:
        return [f for f in out if f in TOP_LEVEL_FLAGS]
    if source is not None:
        inherited = {f for f in _flags(source) if f in ("draft", "experimental")}
        out = [f for f in out if f not in inherited]
    return out


def _standards_status(resource: dict) -> str | None:
    for ext in resource.get("extension", []) or []:
        if ext.get("url") == STANDARDS_STATUS:
            return ext.get("valueCode")
    return None


def _flags(resource: dict) -> list[str]:
    out = []
    status = resource.get("status")
    std = _standards_status(resource)
    if status == "draft" or (std == "draft" and status != "retired"):
        out.append("draft")
    if status == "retired":
        out.append("retired")
    if resource.get("experimental") is True:
        out.append("experimental")
    if std in ("deprecated", "withdrawn"):
        out.append(std)
    return out


def canonical(resource: dict) -> str:
    url = resource.get("url", "")
    return f"{url}|{resource['version']}" if resource.get("version") else url


def expansion_parameters(top: dict, resources: list[dict]) -> list[dict]:
    """warning-<flag> expansion parameters, one per flagged resource and flag: the expanded value set
    (top), then the resources it relies on."""
    out, seen = [], set()
    for i, res in enumerate([top, *resources]):
        for flag in flags(res, top_level=i == 0, source=top if i else None):
            key = (flag, canonical(res))
            if key not in seen:
                seen.add(key)
                out.append({"name": f"warning-{flag}", "valueUri": key[1]})
    return out


def issues(resource: dict, *, top_level: bool = False, source: dict | None = None) -> list[dict]:
    """Information issues (status-check) for a flagged resource (relied on by source, if given)."""
    kind = resource.get("resourceType", "resource")
    return [issue("information", "business-rule", f"Reference to {flag} {kind} {canonical(resource)}",
                  tx_code="status-check", message_id=MESSAGE_IDS[flag])
            for flag in flags(resource, top_level=top_level, source=source)]
