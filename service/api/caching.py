"""HTTP caching: rendered-response cache, ETag / If-None-Match, Cache-Control.

Installed by ``create_app`` as a before/after-request pair, so views stay unaware of it; it also
prepares the memoised expansions of large whole-code-system value sets before workers fork.

* Cacheable requests: GET/POST of the terminology operations ($lookup, $validate-code,
  $subsumes, $expand, $translate, $batch-validate-code) and GET reads/searches of CodeSystem,
  ValueSet, ConceptMap and metadata, under /r4 and /r5.
* Key: method family, path, normalised query (sorted; repeated parameters keep their order),
  sha256 of a POST body (so inline resources and tx-resource are keyed on their hash),
  Accept-Language, Accept, base URL (search bundles and capability statements carry it), a fingerprint
  of the configuration, and the content fingerprint (registry content hash + code version).
* ETag: weak, derived from the key: stable across workers and restarts while content, code and
  configuration are unchanged (expansions carry a fresh timestamp/identifier, so a body hash
  would change on every call). A GET whose If-None-Match matches gets 304 without any work.
* Only 200 responses are stored; ``X-Cache: HIT|MISS`` tells which.
* Cache-Control: ``public, max-age=HTTP_MAX_AGE`` on cacheable GETs (stored resources keep their
  own header), ``Vary: Accept, Accept-Language``.

Configuration: RESPONSE_CACHE_ITEMS (0 disables the store; ETags stay), RESPONSE_CACHE_BYTES,
HTTP_MAX_AGE; environment RRALL_RESPONSE_CACHE_ITEMS, RRALL_RESPONSE_CACHE_BYTES, RRALL_HTTP_MAX_AGE.
"""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from flask import Response, current_app, g, request

from ..cache import CachedResponse, LRUCache

OPERATIONS = {"$lookup", "$validate-code", "$subsumes", "$expand", "$translate", "$batch-validate-code"}
RESOURCE_TYPES = {"CodeSystem", "ValueSet", "ConceptMap"}
DEFAULTS = {"RESPONSE_CACHE_ITEMS": 4096, "RESPONSE_CACHE_BYTES": 32 * 1024 * 1024, "HTTP_MAX_AGE": 300}
_DROP_HEADERS = {"content-length", "date", "set-cookie", "x-cache"}
_EXT = "rrall_http_cache"


def _setting(cfg: dict, name: str) -> int:
    env = os.environ.get("RRALL_" + name)
    if env is not None and env.strip():
        return int(env)
    return int(cfg.get(name, DEFAULTS[name]))


def _code_fingerprint() -> str:
    """A hash of the service's source: a deploy of new code changes every ETag."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.rglob("*.py")):
        try:
            h.update(path.read_bytes())
        except OSError:
            pass
    return h.hexdigest()[:16]


def _content_fingerprint(state: dict) -> str:
    reg = state.get("content_registry") or state["registry"]
    base = getattr(reg, "content_hash", None) or f"unhashed-{uuid.uuid4()}"   # per process: still correct
    parts = [base]
    for p in state["config"].get("PACKAGES") or []:
        try:
            st = os.stat(p)
            parts.append(f"{p}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(str(p))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def cacheable(method: str, path: str) -> bool:
    if method not in ("GET", "HEAD", "POST"):
        return False
    parts = path.split("/")
    if len(parts) < 3 or parts[1] not in ("r4", "r5"):
        return False
    last = parts[-1]
    if last.startswith("$"):
        return last in OPERATIONS and parts[2] in RESOURCE_TYPES and len(parts) in (4, 5)
    if method == "POST":
        return False
    if parts[2] == "metadata":
        return len(parts) == 3
    return parts[2] in RESOURCE_TYPES and len(parts) in (3, 4)


def install(app) -> None:
    state = app.extensions["rrall"]
    cfg = state["config"]
    store = LRUCache(_setting(cfg, "RESPONSE_CACHE_ITEMS"), _setting(cfg, "RESPONSE_CACHE_BYTES"))
    app.extensions[_EXT] = {"cache": store, "code": _code_fingerprint(), "max_age": _setting(cfg, "HTTP_MAX_AGE"),
                            "config": hashlib.sha256(repr(sorted((k, repr(v)) for k, v in cfg.items()))
                                                     .encode()).hexdigest()[:12]}
    app.before_request(_before)
    app.after_request(_after)
    from ..engine import expansion_cache
    expansion_cache.prewarm(state["registry"], max_expansion=cfg["MAX_EXPANSION"])   # before the fork


def response_cache(app=None) -> LRUCache:
    return (app or current_app).extensions[_EXT]["cache"]


def _request_key() -> str:
    state = current_app.extensions["rrall"]
    ext = current_app.extensions[_EXT]
    if "content" not in ext or ext.get("registry") is not state["registry"]:
        ext["content"] = _content_fingerprint(state)   # computed once (again if the registry is swapped)
        ext["registry"] = state["registry"]
    # the raw query, ordered by parameter name (stable: repeated parameters keep their order)
    query = sorted(request.query_string.split(b"&"), key=lambda kv: kv.split(b"=", 1)[0])
    body = ""
    if request.method == "POST":
        body = hashlib.sha256(request.get_data(cache=True)).hexdigest() + "|" + (request.mimetype or "")
    raw = repr(("POST" if request.method == "POST" else "GET", request.path, query, body,
                request.headers.get("Accept-Language", ""), request.headers.get("Accept", ""),
                request.scheme, request.host, request.script_root, ext["config"], ext["content"], ext["code"]))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _before():
    if not cacheable(request.method, request.path):
        return None
    key = _request_key()
    g.http_cache_key = key
    if request.method in ("GET", "HEAD") and request.if_none_match.contains_weak(key):
        resp = Response(status=304)
        resp.set_etag(key, weak=True)
        _common_headers(resp)
        return resp
    hit = response_cache().get(key)
    if hit is None:
        return None
    resp = Response(hit.body, status=hit.status, headers=hit.headers + (("X-Cache", "HIT"),))
    g.http_cache_hit = True
    return resp


def _common_headers(resp) -> None:
    if request.method in ("GET", "HEAD") and "Cache-Control" not in resp.headers:
        resp.headers["Cache-Control"] = f"public, max-age={current_app.extensions[_EXT]['max_age']}"
    resp.vary.add("Accept")
    resp.vary.add("Accept-Language")


def _after(resp):
    key = g.get("http_cache_key")
    if key is None or g.get("http_cache_hit") or resp.status_code != 200:
        return resp
    resp.set_etag(key, weak=True)
    _common_headers(resp)
    resp.headers["X-Cache"] = "MISS"
    if not resp.direct_passthrough and not resp.is_streamed:
        headers = tuple((k, v) for k, v in resp.headers.items() if k.lower() not in _DROP_HEADERS)
        response_cache().put(key, CachedResponse(resp.status_code, headers, resp.get_data()))
    return resp
