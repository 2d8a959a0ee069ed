"""Views for EHR integrators: $validate (resources), ValueSet/$bundle, $package, $expand.csv and batch.

Mounted under /r4 and /r5 like the other blueprints. Package loading (config PACKAGES)
happens once at start-up in install_packages(app).
"""
from __future__ import annotations

import hashlib
import logging
import time
from http import HTTPStatus
from urllib.parse import urlsplit

import orjson
from flask import Blueprint, Response, current_app, request, stream_with_context
from werkzeug.test import EnvironBuilder, run_wsgi_app

from .. import bundles, fhir_io, packages
from .. import operations as ops
from ..convert import r5_to_r4
from ..errors import Invalid, NotFound, TerminologyError, issue, shown
from ..resource_validation import ResourceValidator, resource_from_parameters
from .http import config, fhir_version, operation_params, raw_json_body, registry, render

log = logging.getLogger("rrall.integrator")
bp = Blueprint("integrator", __name__)
MAX_BATCH_ENTRIES = 200
BATCH_FLAG = "rrall.in_batch"


# ---- start-up --------------------------------------------------------------------------------
def install_packages(app) -> None:
    """Layer the configured FHIR packages under the content; keep the StructureDefinitions for $validate."""
    state = app.extensions["rrall"]
    cfg = state["config"]
    state["content_registry"] = state["registry"]
    combined, pset = packages.install(state["registry"], list(cfg.get("PACKAGES") or []), cfg.get("CACHE_DIR"))
    state["registry"] = combined
    state["packages"] = pset


def _package_set() -> packages.PackageSet:
    return current_app.extensions["rrall"].get("packages") or packages.PackageSet()


def _content_registry():
    return current_app.extensions["rrall"].get("content_registry") or registry()


def _base() -> str:
    return request.host_url.rstrip("/") + request.script_root + "/" + fhir_version().lower()


def _convert(resource: dict) -> dict:
    return r5_to_r4(resource) if fhir_version() == "R4" else resource


def _json_response(resource: dict, status: int = 200) -> Response:
    """JSON as is (no R5 -> R4 conversion: the caller built it in the request's version)."""
    pretty = request.args.get("_pretty") == "true"
    body = orjson.dumps(resource, option=orjson.OPT_INDENT_2 if pretty else 0)
    mimetype = "application/json" if request.args.get("_format") in ("json", "application/json") \
        else "application/fhir+json"
    return Response(body, status=status, mimetype=mimetype)


def _raw_body() -> dict:
    """The JSON request body, as sent (version-native: not converted to R5)."""
    return raw_json_body(required=True)


# ---- $validate -----------------------------------------------------------------------------------
@bp.route("/$validate", methods=["POST"])
@bp.route("/<rtype>/$validate", methods=["POST"])
def validate(rtype=None):
    version = fhir_version()
    if rtype is not None and not fhir_io.is_resource_type(rtype, version):
        raise NotFound(f"Unknown resource type '{rtype}' for FHIR {version}", status=404)
    body = _raw_body()
    profile = request.args.get("profile")
    resource = body
    if body["resourceType"] == "Parameters" and rtype != "Parameters":
        resource, given = resource_from_parameters(body)
        profile = given or profile
        if resource is None:
            raise Invalid("The Parameters body has no 'resource' parameter to validate")
    if rtype is not None and isinstance(resource, dict) and resource.get("resourceType") != rtype:
        raise Invalid(f"The resource is a {shown(resource.get('resourceType'))}, but was posted to {rtype}/$validate")
    ctx = ops.make_context(registry(), {}, request.headers.get("Accept-Language"), config())
    structures = _package_set().structures_for(version)
    validator = ResourceValidator(ctx, version, structures, release_label=version)
    return render(validator.validate(resource, profile))


# ---- ValueSet/$bundle ------------------------------------------------------------------------------
@bp.route("/ValueSet/$bundle", methods=["GET"])
def valueset_bundle():
    mode = request.args.get("mode", "definition")
    if mode not in bundles.MODES:
        raise Invalid(f"Unknown mode '{mode}': use one of {', '.join(bundles.MODES)}")
    unknown = [k for k in request.args if k not in ("url", "mode", "_format", "_pretty")]
    if unknown:
        raise Invalid(f"Unknown parameter(s) for ValueSet/$bundle: {', '.join(sorted(unknown))}")
    reg, cfg, version = registry(), config(), fhir_version()
    vss = bundles.select_valuesets(reg, request.args.getlist("url"))
    etag = bundles.bundle_etag(vss, mode, version, cfg["SOFTWARE_VERSION"])
    if request.if_none_match.contains_weak(etag):
        resp = Response(status=304)
        resp.set_etag(etag, weak=True)
        return resp
    accept_language = request.headers.get("Accept-Language")

    def expand(vs):
        ctx = ops.make_context(reg, {}, accept_language, cfg)
        if vs.get("url") and reg.resolve("ValueSet", vs["url"], vs.get("version")) is vs:
            # a stored value set: by canonical, so no request overlay and the expansion memo applies
            params = {"url": [vs["url"]], **({"valueSetVersion": [vs["version"]]} if vs.get("version") else {})}
            return ops.expand(ctx, params)
        return ops.expand(ctx, {"valueSet": [vs]})

    convert = (lambda r: r5_to_r4(r)) if version == "R4" else (lambda r: r)
    chunks = bundles.valueset_bundle(vss, mode, expand=expand, convert=convert,
                                     bundle_id=f"rrall-valuesets-{mode}", base=_base())
    resp = Response(stream_with_context(chunks), mimetype="application/fhir+json")
    resp.set_etag(etag, weak=True)
    resp.headers["Content-Disposition"] = (f'attachment; filename="rrall-valuesets-{mode}-'
                                           f'{version.lower()}.json"')
    return resp


# ---- $package -----------------------------------------------------------------------------------------
_PACKAGE_CACHE: dict[tuple, bytes] = {}


@bp.route("/$package", methods=["GET"])
def package():
    cfg, version = config(), fhir_version()
    reg = _content_registry()
    key = (getattr(reg, "content_hash", None) or id(reg), version, cfg["PACKAGE_NAME"], cfg["SOFTWARE_VERSION"])
    data = _PACKAGE_CACHE.get(key)
    if data is None:
        convert = (lambda r: r5_to_r4(r)) if version == "R4" else (lambda r: r)
        data = bundles.build_package(reg, version, name=cfg["PACKAGE_NAME"], version=cfg["SOFTWARE_VERSION"],
                                     convert=convert)
        _PACKAGE_CACHE.clear()      # one app's content at a time is plenty
        _PACKAGE_CACHE[key] = data
    etag = hashlib.sha256(data).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        resp = Response(status=304)
        resp.set_etag(etag)
        return resp
    resp = Response(data, mimetype="application/gzip")
    resp.set_etag(etag)
    fname = f"{cfg['PACKAGE_NAME']}-{cfg['SOFTWARE_VERSION']}-{version.lower()}.tgz"
    resp.headers["Content-Disposition"] = f'attachment; filename="{fname}"'
    return resp


# ---- $expand.csv ---------------------------------------------------------------------------------------
@bp.route("/ValueSet/$expand.csv", methods=["GET"])
@bp.route("/ValueSet/<rid>/$expand.csv", methods=["GET"])
def expand_csv(rid=None):
    params = operation_params("valueSet")
    params.setdefault("excludeNested", [True])
    ctx = ops.make_context(registry(), params, request.headers.get("Accept-Language"), config())
    expanded = ops.expand(ctx, params, rid)      # errors are raised here, before streaming starts
    name = rid or expanded.get("id") or "valueset"
    resp = Response(bundles.csv_chunks(bundles.expansion_rows(expanded)), mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{_safe_name(name)}-expansion.csv"'
    return resp


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in str(name))[:64] or "valueset"


# ---- batch ------------------------------------------------------------------------------------------
@bp.route("", methods=["POST"])
def batch():
    if request.environ.get(BATCH_FLAG):
        raise Invalid("A batch cannot contain another batch")
    body = _raw_body()
    if body["resourceType"] != "Bundle":
        raise Invalid(f"POST to the base expects a batch Bundle, got '{body['resourceType']}'")
    if body.get("type") != "batch":
        raise TerminologyError(f"Only Bundle.type 'batch' is supported here, not {shown(body.get('type'))}",
                               status=422 if body.get("type") == "transaction" else 400,
                               issue_code="not-supported" if body.get("type") == "transaction" else "invalid")
    entries = body.get("entry", [])
    if not isinstance(entries, list):
        raise Invalid("Bundle.entry must be a list")
    if len(entries) > MAX_BATCH_ENTRIES:
        raise TerminologyError(f"Too many entries in the batch ({len(entries)} > {MAX_BATCH_ENTRIES})",
                               status=422, issue_code="too-costly")
    deadline = time.monotonic() + float(config().get("DEADLINE_SECONDS", 10.0))   # for the whole batch
    out = []
    for i, e in enumerate(entries):
        if time.monotonic() > deadline:
            out.append(_entry_error(422, f"Bundle.entry[{i}] was not run: the batch took too long", "too-costly"))
        else:
            out.append(_batch_entry(e, i))
    return _json_response({"resourceType": "Bundle", "type": "batch-response", "entry": out})


def _entry_error(status: int, text: str, code: str = "invalid") -> dict:
    phrase = HTTPStatus(status).phrase
    return {"resource": {"resourceType": "OperationOutcome", "issue": [issue("error", code, text)]},
            "response": {"status": f"{status} {phrase}"}}


def _batch_entry(entry, i: int) -> dict:
    if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
        return _entry_error(400, f"Bundle.entry[{i}] has no request")
    req = entry["request"]
    method, url = req.get("method"), req.get("url")
    if method not in ("GET", "POST") or not isinstance(url, str) or not url.strip():
        return _entry_error(400, f"Bundle.entry[{i}].request needs method GET or POST and a url")
    parts = urlsplit(url.strip())
    path = parts.path
    prefix = "/" + fhir_version().lower()
    if parts.scheme or parts.netloc:
        base = _base()
        if not url.startswith(base + "/"):
            return _entry_error(400, f"Bundle.entry[{i}].request.url must be relative (or start with {base}/)")
        path = "/" + url[len(base) + 1:].split("?", 1)[0]
    path = path.lstrip("/")
    if path.startswith(("r4/", "r5/")):
        return _entry_error(400, f"Bundle.entry[{i}].request.url must be relative to this endpoint ({prefix})")
    segments = path.split("/")
    if not path or any(s in ("", ".", "..") for s in segments):
        return _entry_error(400, f"Bundle.entry[{i}].request.url '{url}' is not an operation or resource path")
    if path in ("$package", "ValueSet/$bundle") or path.endswith(".csv"):
        return _entry_error(400, f"Bundle.entry[{i}]: '{path}' returns a file and cannot be part of a batch",
                            "not-supported")
    resource = entry.get("resource")
    data = None
    if method == "POST":
        if resource is not None and not isinstance(resource, dict):
            return _entry_error(400, f"Bundle.entry[{i}].resource must be a resource")
        data = orjson.dumps(resource) if resource is not None else b""
    elif resource is not None:
        return _entry_error(400, f"Bundle.entry[{i}]: a GET cannot carry a resource")
    headers = {"Accept": "application/fhir+json"}
    if request.headers.get("Accept-Language"):
        headers["Accept-Language"] = request.headers["Accept-Language"]
    builder = EnvironBuilder(path=f"{request.script_root}{prefix}/{path}", method=method,
                             query_string=parts.query, data=data, headers=headers,
                             content_type="application/fhir+json" if data else None,
                             base_url=request.host_url)
    environ = builder.get_environ()
    environ[BATCH_FLAG] = True
    try:
        app_iter, status, _headers = run_wsgi_app(current_app.wsgi_app, environ, buffered=True)
        raw = b"".join(app_iter)
        if hasattr(app_iter, "close"):
            app_iter.close()
    finally:
        builder.close()
    code = int(status.split(" ", 1)[0])
    try:
        res = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        return _entry_error(502, f"Bundle.entry[{i}]: the operation did not return JSON", "exception")
    out: dict = {"response": {"status": f"{code} {HTTPStatus(code).phrase}"}}
    if isinstance(res, dict):
        out["resource"] = res     # an OperationOutcome when the operation failed
    return out
