"""$validate-code on CodeSystems and ValueSets (and $batch-validate-code): which codings are checked, then
engine.validate_code.CodeValidator."""
from __future__ import annotations

from ..engine.context import OpContext
from ..engine.languages import parse_language_list
from ..engine.requests import BatchValidateRequest, ValidateCodeRequest
from ..engine.validate_code import CodeValidator
from ..errors import Invalid, NotFound, TerminologyError, to_operation_outcome
from .context import resolve_valueset, use_supplements
from .expand import apply_valueset_defaults


def validate_code(ctx: OpContext, request: ValidateCodeRequest, *, on_codesystem: bool,
                  instance_id: str | None = None) -> dict:
    vs = None
    system = request.system
    if on_codesystem:
        system = system or request.code_system_url
        if instance_id is not None:
            cs = ctx.registry.by_id("CodeSystem", instance_id)
            if cs is None:
                raise NotFound(f"CodeSystem/{instance_id} not found")
            system = request.system or cs.url
    else:
        vs = resolve_valueset(ctx, request.value_set, instance_id)
        request = apply_valueset_defaults(ctx, vs, request)
        if not ctx.prefs and vs.get("language"):
            ctx.prefs = parse_language_list(vs["language"], "valueset")
    use_supplements(ctx, request, vs)
    kind, codings, cc = _codings(request, system, on_codesystem)
    return CodeValidator(ctx, vs, request.options).validate(kind, codings, cc)


def _codings(request: ValidateCodeRequest, system: str | None, on_codesystem: bool):
    """("code" | "Coding" | "CodeableConcept", the codings to check, the CodeableConcept)."""
    cc = request.codeable_concept
    if isinstance(cc, dict):
        codings = [c for c in cc.get("coding", []) if isinstance(c, dict)]
        if not codings:
            raise Invalid("The codeableConcept has no codings to validate")
        return "CodeableConcept", codings, cc
    if isinstance(request.coding, dict):
        return "Coding", [request.coding], None
    code = request.code
    if isinstance(code, str):
        coding = {"code": code}
        if system:
            coding["system"] = system
        if request.system_version:
            coding["version"] = request.system_version
        if request.display is not None:
            coding["display"] = request.display
        if on_codesystem and not system:
            raise Invalid("No system given for the code (use url or system)")
        return "code", [coding], None
    raise Invalid("Unable to find code to validate (looked for coding | codeableConcept | code+system | "
                  "code+inferSystem in parameters", issue_code="invalid", tx_code=None)


def batch_validate(request: BatchValidateRequest, make_ctx) -> dict:
    """Each validation with its own context (make_ctx(sub-request)); a failing one answers an OperationOutcome."""
    out = []
    for sub in request.validations:
        try:
            res = validate_code(make_ctx(sub), sub, on_codesystem=False)
        except TerminologyError as exc:
            res = to_operation_outcome(exc)
        out.append({"name": "validation", "resource": res})
    return {"resourceType": "Parameters", "parameter": out}
