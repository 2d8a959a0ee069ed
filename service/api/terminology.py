"""Terminology operation views ($lookup, $validate-code, $subsumes, $expand, $batch-validate-code)."""
from __future__ import annotations

from flask import Blueprint, request

from .. import operations as ops
from .http import LANE_ERROR_ENV, config, operation_params, registry, render

bp = Blueprint("terminology", __name__)
METHODS = ["GET", "POST"]


def _ctx(params):
    return ops.make_context(registry(), params, request.headers.get("Accept-Language"), config())


# (resource type, operation) -> (the parameter a body resource fills, handler). One table for the Flask views
# below and for the lean GET lane (service/api/fastlane.py), so both run the same handler.
OPERATIONS = {
    ("CodeSystem", "$lookup"): (None, lambda ctx, params, rid: ops.lookup(ctx, params, rid)),
    ("CodeSystem", "$validate-code"): ("codeSystem", lambda ctx, params, rid: ops.validate_code(
        ctx, params, on_codesystem=True, instance_id=rid)),
    ("CodeSystem", "$subsumes"): (None, lambda ctx, params, rid: ops.subsumes(ctx, params, rid)),
    ("ValueSet", "$expand"): ("valueSet", lambda ctx, params, rid: ops.expand(ctx, params, rid)),
    ("ValueSet", "$validate-code"): ("valueSet", lambda ctx, params, rid: ops.validate_code(
        ctx, params, on_codesystem=False, instance_id=rid)),
}


def _run(rtype: str, op: str, rid: str | None):
    pending = request.environ.pop(LANE_ERROR_ENV, None)
    if pending is not None:   # the GET lane already ran this request and it failed: answer with that error
        raise pending
    body_param, handler = OPERATIONS[(rtype, op)]
    params = operation_params(body_param)
    return render(handler(_ctx(params), params, rid))


@bp.route("/CodeSystem/$lookup", methods=METHODS)
@bp.route("/CodeSystem/<fhirid:rid>/$lookup", methods=METHODS)
def lookup(rid=None):
    return _run("CodeSystem", "$lookup", rid)


@bp.route("/CodeSystem/$validate-code", methods=METHODS)
@bp.route("/CodeSystem/<fhirid:rid>/$validate-code", methods=METHODS)
def cs_validate_code(rid=None):
    return _run("CodeSystem", "$validate-code", rid)


@bp.route("/CodeSystem/$subsumes", methods=METHODS)
@bp.route("/CodeSystem/<fhirid:rid>/$subsumes", methods=METHODS)
def subsumes(rid=None):
    return _run("CodeSystem", "$subsumes", rid)


@bp.route("/ValueSet/$expand", methods=METHODS)
@bp.route("/ValueSet/<fhirid:rid>/$expand", methods=METHODS)
def expand(rid=None):
    return _run("ValueSet", "$expand", rid)


@bp.route("/ValueSet/$validate-code", methods=METHODS)
@bp.route("/ValueSet/<fhirid:rid>/$validate-code", methods=METHODS)
def vs_validate_code(rid=None):
    return _run("ValueSet", "$validate-code", rid)


@bp.route("/ValueSet/$batch-validate-code", methods=["POST"])
def batch_validate_code():
    params = operation_params()
    return render(ops.batch_validate(_ctx(params), params, _ctx))
