"""Route handlers of the terminology operations: parameters in, the operation's resource out.

$lookup, $validate-code (CodeSystem and ValueSet), $subsumes, $expand, $batch-validate-code, $translate.
Each one reads its parameters (``parse.operation_params``), builds the engine context and calls the handler in
``service.operations``; the pipeline renders what comes back.
"""
from __future__ import annotations

from .. import operations as ops
from .. import translate_params
from ..convert import translate_result_r5_to_r4
from .parse import operation_params
from .respond import Result


def _params(svc, req, body_param=None) -> dict:
    return operation_params(req, body_param, validated=svc.caches.validated)


def lookup(svc, req, rid=None) -> Result:
    params = _params(svc, req)
    return Result(ops.lookup(svc.context(req, params), params, rid))


def cs_validate_code(svc, req, rid=None) -> Result:
    params = _params(svc, req, "codeSystem")
    return Result(ops.validate_code(svc.context(req, params), params, on_codesystem=True, instance_id=rid))


def subsumes(svc, req, rid=None) -> Result:
    params = _params(svc, req)
    return Result(ops.subsumes(svc.context(req, params), params, rid))


def expand(svc, req, rid=None) -> Result:
    params = _params(svc, req, "valueSet")
    return Result(ops.expand(svc.context(req, params), params, rid))


def vs_validate_code(svc, req, rid=None) -> Result:
    params = _params(svc, req, "valueSet")
    return Result(ops.validate_code(svc.context(req, params), params, on_codesystem=False, instance_id=rid))


def batch_validate_code(svc, req) -> Result:
    params = _params(svc, req)
    return Result(ops.batch_validate(svc.context(req, params), params, lambda p: svc.context(req, p)))


def translate(svc, req, rid=None) -> Result:
    params = _params(svc, req, "conceptMap")
    # Display filling stays off by default: the HL7 tx-ecosystem tests expect target codings exactly as the
    # map states them (no display added); opt in with TRANSLATE_FILL_DISPLAY.
    out = translate_params.run(svc.context(req, params), params, rid,
                               fill_display=bool(svc.config.get("TRANSLATE_FILL_DISPLAY")))
    return Result(out, to_r4=translate_result_r5_to_r4)
