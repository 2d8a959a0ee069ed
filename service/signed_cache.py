"""Cache files that cannot be forged: the load cache's entries are authenticated with a key only the
installation holds, and only the service's own index classes can be rebuilt from them.

The load cache (service/content.py) and the package cache (service/packages.py) keep pickled indexes, because
unpickling is the fastest way back to ~1M small objects. A pickle from anywhere else could run code, so:

* Every entry is ``MAGIC + HMAC-SHA256(key, name + payload) + payload``. The key is 32 random bytes in a file
  outside the cache folder: ``RRALL_CACHE_KEY_FILE``, by default ``$XDG_CONFIG_HOME/rrall-tx/cache-key``
  (``~/.config/rrall-tx/cache-key``), created (mode 0600) on first use; or the environment variable
  ``RRALL_CACHE_KEY`` (64 hex digits). A key file inside the cache folder is refused. Without a usable key the
  cache is off (a warning), never trusted.
* An entry whose tag does not verify (written elsewhere, with another key, edited, truncated, or under another
  name) is ignored and rebuilt; nothing in it is unpickled.
* Even a verified entry is unpickled with an allow-list of classes (``ALLOWED``) and must be of the expected type;
  any failure means "not cached", never an error at start-up.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import logging
import os
import pickle
from pathlib import Path

from .runtime import atomic_write

log = logging.getLogger("rrall.cache")
MAGIC = b"RRALL-CACHE-1\n"
_TAG = hashlib.sha256().digest_size
ALLOWED = {   # every class a cache entry may contain (tests/unit/test_signed_cache.py checks our own round-trip)
    ("service.engine.codesystem", "CodeSystemIndex"), ("service.engine.codesystem", "Concept"),
    ("service.engine.text_index", "TextIndex"), ("service.packages", "Package"), ("service.packages", "Structure"),
    ("array", "array"), ("array", "_array_reconstructor"),
}
_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning(message)


def key_file() -> Path:
    raw = os.environ.get("RRALL_CACHE_KEY_FILE")
    if raw:
        return Path(raw)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "rrall-tx" / "cache-key"


def load_key(cache_root: Path) -> bytes | None:
    """The installation's cache key, created when missing; None (cache off) when there is none to be had."""
    raw = os.environ.get("RRALL_CACHE_KEY", "").strip()
    if raw:
        try:
            key = bytes.fromhex(raw)
        except ValueError:
            key = b""
        if len(key) < 16:
            _warn_once("RRALL_CACHE_KEY must be at least 32 hex digits: the load cache is off")
            return None
        return key
    path = key_file()
    try:
        if path.resolve().is_relative_to(cache_root.resolve()):
            _warn_once(f"the cache key {path} lies inside the cache folder {cache_root}: the load cache is off")
            return None
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(32))
        key = path.read_bytes()
    except FileExistsError:   # another process created it just now
        key = path.read_bytes()
    except OSError as exc:
        _warn_once(f"no cache key ({path}: {exc.strerror}): the load cache is off")
        return None
    if len(key) < 16:
        _warn_once(f"the cache key {path} is too short: the load cache is off")
        return None
    return key


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")
        return super().find_class(module, name)


class SignedStore:
    """Signed entries under a folder; a None root (or no key) stores nothing and finds nothing."""

    def __init__(self, root: Path | None):
        self.root = root
        self.key = load_key(root) if root is not None else None
        self.rejected = 0   # entries found but not trusted (bad tag, wrong type, unreadable)

    @property
    def enabled(self) -> bool:
        return self.root is not None and self.key is not None

    def _tag(self, name: str, payload: bytes) -> bytes:
        return hmac.new(self.key, name.encode() + b"\0" + payload, hashlib.sha256).digest()

    def read_verified(self, name: str) -> bytes | None:
        """The payload of the entry `name` if it exists and its tag verifies."""
        if not self.enabled:
            return None
        try:
            data = (self.root / name).read_bytes()
        except OSError:
            return None
        head = len(MAGIC) + _TAG
        if not data.startswith(MAGIC) or len(data) < head:
            self.rejected += 1
            return None
        payload = memoryview(data)[head:]
        if not hmac.compare_digest(data[len(MAGIC):head], self._tag(name, payload)):
            self.rejected += 1
            _warn_once(f"ignoring cache entries that were not written by this installation (e.g. {name})")
            return None
        return payload

    def load(self, name: str, expected: type):
        """The object stored as `name`, or None (missing, forged, foreign, broken or of another type)."""
        payload = self.read_verified(name)
        if payload is None:
            return None
        try:
            obj = _Unpickler(io.BytesIO(payload)).load()
        except Exception:   # noqa: BLE001 - a verified but unreadable entry (e.g. older code): rebuilt
            self.rejected += 1
            return None
        if not isinstance(obj, expected):
            self.rejected += 1
            return None
        return obj

    def store(self, name: str, obj) -> bool:
        return self.write(name, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))

    def write(self, name: str, payload: bytes) -> bool:
        if not self.enabled:
            return False
        return atomic_write(self.root / name, MAGIC + self._tag(name, payload) + payload)

    def mark(self, name: str) -> None:
        """An empty, signed entry: a fact ("this file validated") that cannot be planted."""
        self.write(name, b"")

    def marked(self, name: str) -> bool:
        return self.read_verified(name) is not None
