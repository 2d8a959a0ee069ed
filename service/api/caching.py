"""HTTP caching: rendered-response cache, ETag / If-None-Match, Cache-Control.

Installed by ``create_app``: a WSGI middleware in front of Flask answers cache hits and 304s without
entering Flask at all (so a hit costs about what a trivial route costs), and an after-request hook
marks, tags and offers each cacheable miss for storing. Views stay unaware of it. It also prepares
the memoised expansions of large whole-code-system value sets before workers fork.

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
import io
import os
import uuid
from http import HTTPStatus

from flask import current_app, request

from ..cache import CachedResponse, LRUCache
from ..runtime import file_sha256, source_hash

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
    return source_hash(("*.py", "*/*.py"))


def _content_fingerprint(state: dict) -> str:
    reg = state.get("content_registry") or state["registry"]
    base = getattr(reg, "content_hash", None) or f"unhashed-{uuid.uuid4()}"   # per process: still correct
    parts = [base]
    for p in state["config"].get("PACKAGES") or []:
        try:
            parts.append(file_sha256(p))   # the bytes, not the path or mtime: the same on every replica
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


# settings that change how a response is produced or kept, never what it says, and where content lives (the
# content itself is in the ETag through the content fingerprint): not part of the ETag
NOT_IN_ETAG = {"FAST_LANE", "RESPONSE_CACHE_ITEMS", "RESPONSE_CACHE_BYTES", "CACHE_DIR", "PACKAGES", "CONTENT_DIRS",
               "ACCESS_LOG", "ACCESS_LOG_LEVEL", "METRICS"}   # the edge layers (service/edge) observe only


def install(app) -> None:
    state = app.extensions["rrall"]
    cfg = state["config"]
    store = LRUCache(_setting(cfg, "RESPONSE_CACHE_ITEMS"), _setting(cfg, "RESPONSE_CACHE_BYTES"))
    app.extensions[_EXT] = {"cache": store, "code": _code_fingerprint(), "max_age": _setting(cfg, "HTTP_MAX_AGE"),
                            "config": hashlib.sha256(repr(sorted((k, repr(v)) for k, v in cfg.items()
                                                                 if k not in NOT_IN_ETAG)).encode()).hexdigest()[:12]}
    from .fastlane import FastLane
    # order of the WSGI layers: response cache -> lean GET lane -> Flask
    inner = app.wsgi_app
    if cfg["FAST_LANE"]:
        inner = FastLane(inner, state, app.extensions[_EXT]["max_age"])
    app.wsgi_app = CacheMiddleware(inner, app)
    app.after_request(_after)
    from ..engine import expansion_cache
    expansion_cache.prewarm(state["registry"], max_expansion=cfg["MAX_EXPANSION"],   # before the fork
                            max_walk=cfg.get("MAX_WALK", 1_000_000))


def response_cache(app=None) -> LRUCache:
    return (app or current_app).extensions[_EXT]["cache"]


def environ_key(environ: dict, body: bytes, state: dict, ext: dict) -> str:
    """The cache key (and weak ETag) of a request, from its WSGI environ."""
    if "content" not in ext or ext.get("registry") is not state["registry"]:
        ext["content"] = _content_fingerprint(state)   # computed once (again if the registry is swapped)
        ext["registry"] = state["registry"]
    # the raw query, ordered by parameter name (stable: repeated parameters keep their order)
    query = sorted(environ.get("QUERY_STRING", "").encode("latin-1").split(b"&"),
                   key=lambda kv: kv.split(b"=", 1)[0])
    post = environ.get("REQUEST_METHOD") == "POST"
    body_part = (hashlib.sha256(body).hexdigest() + "|" + environ.get("CONTENT_TYPE", "").split(";")[0].strip()
                 .lower()) if post else ""
    raw = repr(("POST" if post else "GET", environ.get("PATH_INFO", ""), query, body_part,
                environ.get("HTTP_ACCEPT_LANGUAGE", ""), environ.get("HTTP_ACCEPT", ""),
                environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
                environ.get("SCRIPT_NAME", ""), ext["config"], ext["content"], ext["code"]))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _etag_matches(header: str, key: str) -> bool:
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*":
            return False   # "any current representation": existence is not known before the view runs
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag.strip('"') == key:
            return True
    return False


MAX_KEYED_BODY = 8 * 1024 * 1024   # larger POST bodies are passed through uncached


class CacheMiddleware:
    """Answers cache hits and If-None-Match before Flask; stores the misses Flask marked as storable."""

    def __init__(self, wsgi_app, flask_app):
        self.wsgi_app = wsgi_app
        self.state = flask_app.extensions["rrall"]
        self.ext = flask_app.extensions[_EXT]

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        if not cacheable(method, environ.get("PATH_INFO", "")):
            return self.wsgi_app(environ, start_response)
        body = b""
        if method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            chunked = not environ.get("CONTENT_LENGTH") and environ.get("HTTP_TRANSFER_ENCODING")
            if length < 0 or length > MAX_KEYED_BODY or chunked:
                return self.wsgi_app(environ, start_response)   # not keyed: passed through uncached
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        key = environ_key(environ, body, self.state, self.ext)
        environ[KEY_ENV] = key
        get_like = method in ("GET", "HEAD")
        if get_like and environ.get("HTTP_IF_NONE_MATCH") and _etag_matches(environ["HTTP_IF_NONE_MATCH"], key):
            start_response("304 NOT MODIFIED", [("ETag", f'W/"{key}"'), *self._common(get_like)])
            return [b""]
        hit = self.ext["cache"].get(key)
        if hit is not None:
            status = HTTPStatus(hit.status)
            start_response(f"{status.value} {status.phrase}",
                           [*hit.headers, ("Content-Length", str(len(hit.body))), ("X-Cache", "HIT")])
            return [b"" if method == "HEAD" else hit.body]
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        app_iter = self.wsgi_app(environ, capture)
        if (method == "HEAD" or not environ.get(STORE_ENV)       # a HEAD answer has no body to store
                or not captured.get("status", "").startswith("200")):
            return app_iter
        try:
            data = b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
        headers = tuple((k, v) for k, v in captured["headers"] if k.lower() not in _DROP_HEADERS)
        self.ext["cache"].put(key, CachedResponse(200, headers, data))
        return [data]

    def _common(self, get_like: bool) -> list[tuple[str, str]]:
        return caching_headers(self.ext["max_age"], get_like)


def caching_headers(max_age: int, get_like: bool = True) -> list[tuple[str, str]]:
    """Vary, and Cache-Control for GET/HEAD: the headers every cacheable answer carries."""
    out = [("Vary", "Accept, Accept-Language")]
    if get_like:
        out.append(("Cache-Control", f"public, max-age={max_age}"))
    return out


KEY_ENV = "rrall.cache_key"
STORE_ENV = "rrall.cache_store"


def _common_headers(resp) -> None:
    headers = resp.headers   # plain header strings: werkzeug's parsed Vary set costs ~100 us per response
    if request.method in ("GET", "HEAD") and "Cache-Control" not in headers:
        headers["Cache-Control"] = f"public, max-age={current_app.extensions[_EXT]['max_age']}"
    vary = headers.get("Vary")
    if not vary:
        headers["Vary"] = "Accept, Accept-Language"
    else:
        have = {v.strip().lower() for v in vary.split(",")}
        extra = [v for v in ("Accept", "Accept-Language") if v.lower() not in have]
        if extra:
            headers["Vary"] = ", ".join([vary] + extra)


def _after(resp):
    """Tag a cacheable 200 with its ETag and caching headers; mark it storable unless it streams."""
    key = request.environ.get(KEY_ENV)
    if key is None or resp.status_code != 200:
        return resp
    resp.set_etag(key, weak=True)
    _common_headers(resp)
    resp.headers["X-Cache"] = "MISS"
    if not resp.direct_passthrough and not resp.is_streamed:
        request.environ[STORE_ENV] = True
    return resp
