"""One HTTP request, read once: method, path, FHIR version, query, headers, body (bounded), base URL.

A thin view of the WSGI environ that the pipeline and every route handler share; nothing is parsed twice.
No Flask request context is involved (see docs/architecture.md, "One request pipeline").
"""
from __future__ import annotations

from urllib.parse import parse_qsl

from ..errors import Invalid, TerminologyError

FORM_TYPE = "application/x-www-form-urlencoded"
BODY_ENV = "rrall.body"   # the body, when an outer layer (the response cache) already read it
DEFAULT_MAX_BODY = 32 * 1024 * 1024
_READ_CHUNK = 64 * 1024


class TooLarge(TerminologyError):
    status = 413
    issue_code = "too-costly"
    tx_code = None


class HttpRequest:
    """The request as the pipeline sees it. ``version`` is "R4"/"R5" for /r4 and /r5 paths, else None."""

    __slots__ = ("environ", "method", "path", "version", "max_body", "_pairs", "_query", "_body", "_form",
                 "query_error")

    def __init__(self, environ: dict, *, max_body: int = DEFAULT_MAX_BODY):
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        raw_path = environ.get("PATH_INFO", "") or "/"
        try:   # WSGI gives the path as latin-1 characters of its bytes
            self.path = raw_path.encode("latin-1").decode("utf-8", "replace")
        except UnicodeEncodeError:
            self.path = raw_path
        head = self.path[1:4]
        self.version = "R4" if head in ("r4", "r4/") else "R5" if head in ("r5", "r5/") else None
        self.max_body = max_body
        self._pairs = self._query = self._body = self._form = None
        self.query_error: Invalid | None = None

    # ---- query ------------------------------------------------------------------------------------
    @property
    def query_pairs(self) -> list[tuple[str, str]]:
        """(name, value) pairs of the query string, in order; empty when it cannot be decoded (check_query
        raises that error: the pipeline calls it first, so error answers can still read the query safely)."""
        if self._pairs is None:
            raw = self.environ.get("QUERY_STRING", "")
            try:
                text = raw.encode("latin-1").decode("utf-8")
                self._pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
            except (UnicodeError, ValueError):
                self._pairs = []
                self.query_error = Invalid("The query string is not valid UTF-8: percent-encode other bytes")
        return self._pairs

    def check_query(self) -> None:
        """A query string that cannot be decoded is a 400."""
        self.query_pairs
        if self.query_error is not None:
            raise self.query_error

    @property
    def query(self) -> dict[str, list[str]]:
        if self._query is None:
            out: dict[str, list[str]] = {}
            for name, value in self.query_pairs:
                out.setdefault(name, []).append(value)
            self._query = out
        return self._query

    def arg(self, name: str, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    # ---- headers ----------------------------------------------------------------------------------
    def header(self, name: str, default=None):
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            return self.environ.get(key, default)
        return self.environ.get("HTTP_" + key, default)

    @property
    def content_type(self) -> str:
        """The media type of the body, lower case, without parameters."""
        return self.environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()

    @property
    def base_url(self) -> str:
        """scheme://host[:port] + script root (the server's address as the client used it)."""
        env = self.environ
        host = env.get("HTTP_HOST")
        scheme = env.get("wsgi.url_scheme", "http")
        if host and ((scheme == "http" and host.endswith(":80")) or (scheme == "https" and host.endswith(":443"))):
            host = host.rsplit(":", 1)[0]   # the default port is not part of the address
        if not host:
            host = env.get("SERVER_NAME", "localhost")
            port = env.get("SERVER_PORT", "")
            if port and port not in ("80", "443"):
                host = f"{host}:{port}"
        return f"{scheme}://{host}{env.get('SCRIPT_NAME', '').rstrip('/')}"

    @property
    def fhir_base(self) -> str:
        """The FHIR endpoint's base URL (…/r4 or …/r5)."""
        return f"{self.base_url}/{(self.version or 'R5').lower()}"

    # ---- body -------------------------------------------------------------------------------------
    def body(self) -> bytes:
        """The request body, read once; more than max_body bytes (declared or sent chunked) -> 413."""
        if self._body is None:
            self._body = self._read_body()
        return self._body

    def _read_body(self) -> bytes:
        env = self.environ
        if BODY_ENV in env:   # read (and bounded) by the intake layer
            return env[BODY_ENV]
        stream = env.get("wsgi.input")
        if stream is None or self.method not in ("POST", "PUT", "PATCH"):
            return b""
        declared = env.get("CONTENT_LENGTH")
        if declared:
            try:
                length = int(declared)
            except ValueError:
                raise Invalid(f"Invalid Content-Length '{declared}'") from None
            if length > self.max_body:
                raise self._too_large()
            return stream.read(length) if length > 0 else b""
        # no length: only a body the server says is terminated (chunked, de-chunked by the server) may be read
        # to its end, up to the limit; otherwise there is none (PEP 3333)
        if not (env.get("wsgi.input_terminated") or "chunked" in env.get("HTTP_TRANSFER_ENCODING", "").lower()):
            return b""
        chunks, size = [], 0
        while True:
            chunk = stream.read(_READ_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > self.max_body:
                raise self._too_large()
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self) -> TooLarge:
        return TooLarge(f"The request body is larger than this server accepts ({self.max_body} bytes)")

    def form(self) -> dict[str, list[str]]:
        """Fields of an application/x-www-form-urlencoded POST body ({} otherwise)."""
        if self._form is None:
            self._form = {}
            if self.method == "POST" and self.content_type == FORM_TYPE:
                try:
                    text = self.body().decode("utf-8")
                    pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
                except (UnicodeError, ValueError):
                    raise Invalid("The form body is not valid UTF-8") from None
                for name, value in pairs:
                    self._form.setdefault(name, []).append(value)
        return self._form
