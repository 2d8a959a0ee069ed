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
# withdrawn, retired) is news. Resources it relies on (code systems, imported value sets) report every flag.
TOP_LEVEL_FLAGS = {"retired", "deprecated", "withdrawn"}


def flags(resource: dict, *, top_level: bool = False) -> list[str]:
    """What is worth warning about in a CodeSystem or ValueSet resource (dict)."""
    out = _flags(resource)
    return [f for f in out if f in TOP_LEVEL_FLAGS] if top_level else out


def _flags(resource: dict) -> list[str]:
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


def expansion_parameters(top: dict, resources: list[dict]) -> list[dict]:
    """warning-<flag> expansion parameters, one per flagged resource and flag: the expanded value set
    (top), then the resources it relies on."""
    out, seen = [], set()
    for i, res in enumerate([top, *resources]):
        for flag in flags(res, top_level=i == 0):
            key = (flag, canonical(res))
            if key not in seen:
                seen.add(key)
                out.append({"name": f"warning-{flag}", "valueUri": key[1]})
    return out


def issues(resource: dict, *, top_level: bool = False) -> list[dict]:
    """Information issues (status-check) for a flagged resource."""
    kind = resource.get("resourceType", "resource")
    return [issue("information", "business-rule", f"Reference to {flag} {kind} {canonical(resource)}",
                  tx_code="status-check", message_id=MESSAGE_IDS[flag])
            for flag in flags(resource, top_level=top_level)]
