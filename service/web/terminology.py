"""Route handlers of the terminology operations: parameters in, the operation's resource out.

$lookup, $validate-code (CodeSystem and ValueSet), $subsumes, $expand, $batch-validate-code, $translate.
Each one reads its parameters into the operation's typed request (``parse.operation_params`` then
``service.params``), builds the engine context and calls the handler in ``service.operations``; the pipeline
renders what comes back.
"""
from __future__ import annotations

from .. import operations as ops
from .. import params as P
from ..convert import translate_result_r5_to_r4
from .parse import check_resources, operation_params
from .respond import Result


def _typed(svc, req, body_param=None) -> dict:
    return operation_params(req, body_param, validated=svc.caches.validated)


def _same(resource: dict) -> dict:
    return resource


# $lookup, $subsumes and $validate-code answer Parameters (and an OperationOutcome) that are the same in R4 and
# R5: no conversion to walk through on /r4
def lookup(svc, req, rid=None) -> Result:
    request = P.lookup(_typed(svc, req))
    return Result(ops.lookup(svc.context(req, request), request, rid), to_r4=_same)


def cs_validate_code(svc, req, rid=None) -> Result:
    request = P.validate_code(_typed(svc, req, "codeSystem"), on_codesystem=True)
    return Result(ops.validate_code(svc.context(req, request), request, on_codesystem=True, instance_id=rid),
                  to_r4=_same)


def subsumes(svc, req, rid=None) -> Result:
    request = P.subsumes(_typed(svc, req))
    return Result(ops.subsumes(svc.context(req, request), request, rid), to_r4=_same)


def expand(svc, req, rid=None) -> Result:
    request = P.expand(_typed(svc, req, "valueSet"))
    return Result(ops.expand(svc.context(req, request), request, rid))


def vs_validate_code(svc, req, rid=None) -> Result:
    request = P.validate_code(_typed(svc, req, "valueSet"), on_codesystem=False)
    return Result(ops.validate_code(svc.context(req, request), request, on_codesystem=False, instance_id=rid),
                  to_r4=_same)


def batch_validate_code(svc, req) -> Result:
    typed = _typed(svc, req)
    subs = P.validations(typed)
    for sub in subs:   # resources inside a validation get the same shape check as the request's own
        check_resources(sub, req.version, svc.caches.validated)
    request = P.batch_validate(typed, subs)
    return Result(ops.batch_validate(request, lambda sub: svc.context(req, sub)))


def translate(svc, req, rid=None) -> Result:
    request = P.translate(_typed(svc, req, "conceptMap"))
    # Display filling stays off by default: the HL7 tx-ecosystem tests expect target codings exactly as the
    # map states them (no display added); opt in with TRANSLATE_FILL_DISPLAY.
    out = ops.translate(svc.context(req, request), request, rid,
                        fill_display=bool(svc.config.get("TRANSLATE_FILL_DISPLAY")))
    return Result(out, to_r4=translate_result_r5_to_r4)
