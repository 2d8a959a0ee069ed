"""Route handlers for downloads: ValueSet/$bundle (streamed), $package (.tgz), ValueSet/$expand.csv."""
from __future__ import annotations

import hashlib

from .. import bundles
from .. import operations as ops
from .. import params as P
from ..convert import r5_to_r4
from ..errors import Invalid
from .parse import operation_params
from .respond import FileResult


def _convert(req):
    return r5_to_r4 if req.version == "R4" else (lambda r: r)


def valueset_bundle(svc, req) -> FileResult:
    mode = req.arg("mode", "definition")
    if mode not in bundles.MODES:
        raise Invalid(f"Unknown mode '{mode}': use one of {', '.join(bundles.MODES)}")
    unknown = [k for k in req.query if k not in ("url", "mode", "_format", "_pretty")]
    if unknown:
        raise Invalid(f"Unknown parameter(s) for ValueSet/$bundle: {', '.join(sorted(unknown))}")
    reg, cfg = svc.registry, svc.config
    vss = bundles.select_valuesets(reg, req.query.get("url", []))
    etag = bundles.bundle_etag(vss, mode, req.version, cfg["SOFTWARE_VERSION"])

    def expand(vs):
        if vs.get("url") and reg.resolve("ValueSet", vs["url"], vs.get("version")) is vs:
            # a stored value set: by canonical, so no request overlay and the expansion memo applies
            typed = {"url": [vs["url"]], **({"valueSetVersion": [vs["version"]]} if vs.get("version") else {})}
        else:
            typed = {"valueSet": [vs]}
        request = P.expand(typed)
        return ops.expand(svc.context(req, request), request)

    chunks = bundles.valueset_bundle(vss, mode, expand=expand, convert=_convert(req),
                                     bundle_id=f"rrall-valuesets-{mode}", base=req.fhir_base)
    return FileResult(chunks, "application/fhir+json", filename=f"rrall-valuesets-{mode}-{req.version.lower()}.json",
                      etag=etag, weak=True)


def package(svc, req) -> FileResult:
    cfg, version = svc.config, req.version
    reg = svc.content_registry
    key = (getattr(reg, "content_hash", None) or id(reg), version, cfg["PACKAGE_NAME"], cfg["SOFTWARE_VERSION"])
    cache = svc.caches.packages
    data = cache.get(key)
    if data is None:
        data = bundles.build_package(reg, version, name=cfg["PACKAGE_NAME"], version=cfg["SOFTWARE_VERSION"],
                                     convert=_convert(req))
        if len(cache) >= 4:   # one app's content, in R4 and R5: a few entries are plenty
            cache.clear()
        cache[key] = data
    return FileResult(data, "application/gzip", etag=hashlib.sha256(data).hexdigest()[:32],
                      filename=f"{cfg['PACKAGE_NAME']}-{cfg['SOFTWARE_VERSION']}-{version.lower()}.tgz")


def expand_csv(svc, req, rid=None) -> FileResult:
    typed = operation_params(req, "valueSet", validated=svc.caches.validated)
    typed.setdefault("excludeNested", [True])
    request = P.expand(typed)
    expanded = ops.expand(svc.context(req, request), request, rid)   # errors are raised here, before streaming
    name = rid or expanded.get("id") or "valueset"
    return FileResult(bundles.csv_chunks(bundles.expansion_rows(expanded)), "text/csv; charset=utf-8",
                      filename=f"{_safe_name(name)}-expansion.csv")


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in str(name))[:64] or "valueset"
