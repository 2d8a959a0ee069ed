"""ConceptMap operation views ($translate)."""
from __future__ import annotations

from flask import Blueprint, request

from .. import operations as ops
from .. import translate_params
from ..convert import translate_result_r5_to_r4
from .http import config, fhir_version, operation_params, registry, render

bp = Blueprint("conceptmap", __name__)
METHODS = ["GET", "POST"]


@bp.route("/ConceptMap/$translate", methods=METHODS)
@bp.route("/ConceptMap/<fhirid:rid>/$translate", methods=METHODS)
def translate(rid=None):
    params = operation_params("conceptMap")
    ctx = ops.make_context(registry(), params, request.headers.get("Accept-Language"), config())
    # Display filling stays off by default: the HL7 tx-ecosystem tests expect target codings
    # exactly as the map states them (no display added); opt in with TRANSLATE_FILL_DISPLAY.
    result = translate_params.run(ctx, params, rid, fill_display=bool(config().get("TRANSLATE_FILL_DISPLAY")))
    if fhir_version() == "R4":
        result = translate_result_r5_to_r4(result)
    return render(result)
