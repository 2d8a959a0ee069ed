"""``ResponseCache``: the rendered-response cache layer. It answers repeated requests and If-None-Match revalidations before anything is parsed,
  and stores the 200 answers the pipeline marked storable. Keyed by method family, path, normalised query,
  the POST body's hash and content type, Accept-Language, Accept, Prefer, base URL, configuration, content and code
  fingerprints; the key is also the weak ETag, so it is stable across workers and restarts while content,
  code and configuration are unchanged.
"""
from __future__ import annotations

import hashlib
import uuid
from http import HTTPStatus

from ...lru import CachedResponse
from ...runtime import file_sha256, source_hash
from ..request import BODY_ENV
from ..respond import KEY_ENV, STORE_ENV, caching_headers

MAX_KEYED_BODY = 8 * 1024 * 1024   # larger POST bodies are passed through uncached
_DROP_HEADERS = {"content-length", "date", "set-cookie", "x-cache"}
# settings that change how a response is produced or kept, never what it says, and where content lives (the
# content itself is in the ETag through the content fingerprint): not part of the ETag
NOT_IN_ETAG = {"RESPONSE_CACHE_ITEMS", "RESPONSE_CACHE_BYTES", "CACHE_DIR", "PACKAGES", "CONTENT_DIRS",
               "ACCESS_LOG", "ACCESS_LOG_LEVEL", "METRICS"}   # the access log and metrics layers observe only


def _content_fingerprint(state: dict) -> str:
    reg = state.get("content_registry") or state["registry"]
    parts = [getattr(reg, "content_hash", None) or f"unhashed-{uuid.uuid4()}"]   # per process: still correct
    for p in state["config"].get("PACKAGES") or []:
        try:
            parts.append(file_sha256(p))   # the bytes, not the path or mtime: the same on every replica
        except OSError:
            parts.append(str(p))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _config_fingerprint(cfg: dict) -> str:
    items = sorted((k, repr(v)) for k, v in cfg.items() if k not in NOT_IN_ETAG)
    return hashlib.sha256(repr(items).encode()).hexdigest()[:12]


def _etag_matches(header: str, key: str) -> bool:
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*":
            return False   # "any current representation": existence is not known before the handler runs
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag.strip('"') == key:
            return True
    return False


class ResponseCache:
    """Answers cache hits and If-None-Match before the pipeline; stores the misses it marked as storable."""

    def __init__(self, inner, service, route_of):
        self.inner = inner
        self.service = service
        self.route_of = route_of          # the pipeline's routing: one routing for both
        self.store = service.caches.responses
        # a deploy of new code (or page templates) changes every ETag
        self.code = source_hash(("*.py", "*/*.py", "*/*/*.py", "*/*/*/*.html"))
        self.config = _config_fingerprint(service.config)
        self._content = None
        self._registry = None

    def key(self, environ: dict, body: bytes) -> str:
        state = self.service.state
        if self._registry is not state["registry"]:
            self._content, self._registry = _content_fingerprint(state), state["registry"]
        # the raw query, ordered by parameter name (stable: repeated parameters keep their order)
        query = sorted(environ.get("QUERY_STRING", "").encode("latin-1").split(b"&"),
                       key=lambda kv: kv.split(b"=", 1)[0])
        post = environ.get("REQUEST_METHOD") == "POST"
        body_part = (hashlib.sha256(body).hexdigest() + "|" + environ.get("CONTENT_TYPE", "").split(";")[0]
                     .strip().lower()) if post else ""
        raw = repr(("POST" if post else "GET", environ.get("PATH_INFO", ""), query, body_part,
                    environ.get("HTTP_ACCEPT_LANGUAGE", ""), environ.get("HTTP_ACCEPT", ""),
                    environ.get("HTTP_PREFER", ""),   # handling=lenient changes what a search answers
                    environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
                    environ.get("SCRIPT_NAME", ""), self.config, self._content, self.code))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        route = self.route_of(environ) if method in ("GET", "HEAD", "POST") else None
        if route is None or not route.cacheable:
            return self.inner(environ, start_response)
        body = b""
        if method == "POST":
            body = self._read_body(environ)
            if body is None:
                return self.inner(environ, start_response)   # not keyed: passed through uncached
        key = self.key(environ, body)
        environ[KEY_ENV] = key
        get_like = method in ("GET", "HEAD")
        if get_like and environ.get("HTTP_IF_NONE_MATCH") and _etag_matches(environ["HTTP_IF_NONE_MATCH"], key):
            start_response("304 NOT MODIFIED", [("ETag", f'W/"{key}"'),
                                                *caching_headers(self.service.max_age, get_like)])
            return [b""]
        if not self.store.enabled:   # RESPONSE_CACHE_ITEMS=0: keyed for the ETag and 304s only, nothing kept
            return self.inner(environ, start_response)
        hit = self.store.get(key)
        if hit is not None:
            status = HTTPStatus(hit.status)
            start_response(f"{status.value} {status.phrase}",
                           [*hit.headers, ("Content-Length", str(len(hit.body))), ("X-Cache", "HIT")])
            return [b"" if method == "HEAD" else hit.body]
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        app_iter = self.inner(environ, capture)
        if method == "HEAD" or not environ.get(STORE_ENV) or not captured.get("status", "").startswith("200"):
            return app_iter
        data = b"".join(app_iter)
        if hasattr(app_iter, "close"):
            app_iter.close()
        headers = tuple((k, v) for k, v in captured["headers"] if k.lower() not in _DROP_HEADERS)
        self.store.put(key, CachedResponse(200, headers, data))
        return [data]

    @staticmethod
    def _read_body(environ) -> bytes | None:
        """The POST body (read by the intake layer), or None when it is too large to be keyed."""
        body = environ.get(BODY_ENV, b"")
        return body if len(body) <= MAX_KEYED_BODY else None
