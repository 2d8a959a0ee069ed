"""Terminology operation views ($lookup, $validate-code, $subsumes, $expand, $batch-validate-code)."""
from __future__ import annotations

from flask import Blueprint, request

from .. import operations as ops
from .http import config, operation_params, registry, render

bp = Blueprint("terminology", __name__)
METHODS = ["GET", "POST"]


def _ctx(params):
    return ops.make_context(registry(), params, request.headers.get("Accept-Language"), config())


@bp.route("/CodeSystem/$lookup", methods=METHODS)
@bp.route("/CodeSystem/<fhirid:rid>/$lookup", methods=METHODS)
def lookup(rid=None):
    params = operation_params()
    return render(ops.lookup(_ctx(params), params, rid))


@bp.route("/CodeSystem/$validate-code", methods=METHODS)
@bp.route("/CodeSystem/<fhirid:rid>/$validate-code", methods=METHODS)
def cs_validate_code(rid=None):
    params = operation_params("codeSystem")
    return render(ops.validate_code(_ctx(params), params, on_codesystem=True, instance_id=rid))


@bp.route("/CodeSystem/$subsumes", methods=METHODS)
@bp.route("/CodeSystem/<fhirid:rid>/$subsumes", methods=METHODS)
def subsumes(rid=None):
    params = operation_params()
    return render(ops.subsumes(_ctx(params), params, rid))


@bp.route("/ValueSet/$expand", methods=METHODS)
@bp.route("/ValueSet/<fhirid:rid>/$expand", methods=METHODS)
def expand(rid=None):
    params = operation_params("valueSet")
    return render(ops.expand(_ctx(params), params, rid))


@bp.route("/ValueSet/$validate-code", methods=METHODS)
@bp.route("/ValueSet/<fhirid:rid>/$validate-code", methods=METHODS)
def vs_validate_code(rid=None):
    params = operation_params("valueSet")
    return render(ops.validate_code(_ctx(params), params, on_codesystem=False, instance_id=rid))


@bp.route("/ValueSet/$batch-validate-code", methods=["POST"])
def batch_validate_code():
    params = operation_params()
    return render(ops.batch_validate(_ctx(params), params, _ctx))
