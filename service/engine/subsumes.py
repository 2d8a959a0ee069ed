"""CodeSystem/$subsumes."""
from __future__ import annotations

from ..errors import Invalid, TerminologyError, Unresolvable


def subsumes(ctx, system: str, version: str | None, code_a: str, code_b: str) -> dict:
    cs = ctx.registry.resolve("CodeSystem", system, version)
    if cs is None:
        ver = f" version '{version}'" if version else ""
        raise Unresolvable(f"A definition for CodeSystem '{system}'{ver} could not be found", tx_code="not-found")
    a, b = cs.locate(code_a), cs.locate(code_b)
    for label, raw, concept in (("A", code_a, a), ("B", code_b, b)):
        if concept is None:
            raise TerminologyError(f"Unknown code '{raw}' (code{label}) in the CodeSystem '{system}'", status=400,
                                   issue_code="invalid", tx_code="invalid-code", expression=f"code{label}")
    if a.code == b.code:
        outcome = "equivalent"
    elif cs.subsumes(a.code, b.code):
        outcome = "subsumes"
    elif cs.subsumes(b.code, a.code):
        outcome = "subsumed-by"
    else:
        outcome = "not-subsumed"
    return {"resourceType": "Parameters", "parameter": [{"name": "outcome", "valueCode": outcome}]}


def require_same_system(system_a, system_b):
    if system_a and system_b and system_a != system_b:
        raise Invalid(f"codingA and codingB have different systems ('{system_a}' and '{system_b}')")
