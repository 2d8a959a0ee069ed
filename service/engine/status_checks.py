"""Status warnings for the resources an operation relies on: draft, experimental, deprecated, withdrawn.

$expand reports them as expansion parameters (warning-draft, ...); $validate-code as information
issues of tx-issue-type status-check. Active, non-experimental resources raise nothing.
"""
from __future__ import annotations

from ..errors import issue

STANDARDS_STATUS = "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status"
MESSAGE_IDS = {"draft": "MSG_DRAFT", "experimental": "MSG_EXPERIMENTAL", "deprecated": "MSG_DEPRECATED",
               "withdrawn": "MSG_WITHDRAWN", "retired": "MSG_RETIRED"}


def flags(resource: dict) -> list[str]:
    """What is worth warning about in a CodeSystem or ValueSet resource (dict)."""
    out = []
    status = resource.get("status")
    if status in ("draft", "retired"):
        out.append(status)
    if resource.get("experimental") is True:
        out.append("experimental")
    for ext in resource.get("extension", []) or []:
        if ext.get("url") == STANDARDS_STATUS and ext.get("valueCode") in ("deprecated", "withdrawn"):
            out.append(ext["valueCode"])
    return out


def canonical(resource: dict) -> str:
    url = resource.get("url", "")
    return f"{url}|{resource['version']}" if resource.get("version") else url


def expansion_parameters(resources: list[dict]) -> list[dict]:
    """warning-<flag> expansion parameters, one per flagged resource and flag."""
    out, seen = [], set()
    for res in resources:
        for flag in flags(res):
            key = (flag, canonical(res))
            if key not in seen:
                seen.add(key)
                out.append({"name": f"warning-{flag}", "valueUri": key[1]})
    return out


def issues(resource: dict) -> list[dict]:
    """Information issues (status-check) for a flagged resource."""
    kind = resource.get("resourceType", "resource")
    return [issue("information", "business-rule", f"Reference to {flag} {kind} {canonical(resource)}",
                  tx_code="status-check", message_id=MESSAGE_IDS[flag]) for flag in flags(resource)]
