"""Load content folders into a Registry: parse, validate with fhir.resources (via fhir_io), index.

Load cache: validating ~100k concepts with fhir.resources takes seconds, so a file is validated
only when its content hash is not yet known. Under the cache dir (``RRALL_CACHE_DIR``; default
``.cache/`` in the repository, shared with the package cache; ``RRALL_CACHE_DIR=off`` disables
it) ``validated/<key>`` marks a file that validated, and ``index/<key>.pickle`` holds its
CodeSystemIndex (with the token index of large code systems), where key = sha256(file bytes) +
code version (a hash of the modules that shape the index, the Python and fhir.resources
versions). Warm starts then skip JSON parsing, validation and indexing. Markers and indexes are
signed with the installation's cache key (service/signed_cache.py): anything else found there is
ignored and rebuilt, never unpickled.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from pathlib import Path

from . import fhir_io
from .engine.compact_format import FormatError
from .engine.registry import Registry
from .runtime import gc_paused, source_hash

CACHE_FORMAT = "1"
TEXT_INDEX_MIN = 5000          # build (and cache) the token index at load time from this many concepts
TRIM_MIN = 20000               # from this many concepts, the resource JSON is not kept in memory
_CODE_FILES = ("content.py", "convert.py", "engine/codesystem.py", "engine/text_index.py")
_code_version: str | None = None


class ContentError(Exception):
    """Invalid content: names the file, element path and problem."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        lines = [f"{f}: {path}: {msg}" for f, path, msg in problems]
        super().__init__("invalid content:\n  " + "\n  ".join(lines))


COMPACT_SUFFIX = ".rrcs"   # a compact code system written by `rrall-tx import snomed|loinc`


def iter_content_files(dirs: list[str]):
    for d in dirs:
        p = Path(d)
        if p.is_file():
            yield p
        elif p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.suffix in (".json", COMPACT_SUFFIX) and f.is_file())


def open_compact(path: Path):
    """(key, provider) of a .rrcs file: memory-mapped, so forked workers share its pages through the page
    cache; nothing is validated or indexed (the importer wrote the indexes). The key (for the content
    fingerprint: ETags, response-cache keys) is the file's name, size, modification time and header, so a new
    release changes it without hashing hundreds of megabytes at every start."""
    from .engine.compact import CompactCodeSystem
    cs = CompactCodeSystem(path)
    cs.prepare()                      # whole-system sets computed before the workers fork
    st = path.stat()
    header = json.dumps(cs.header, sort_keys=True).encode()
    digest = hashlib.sha256(f"{path.name}|{st.st_size}|{st.st_mtime_ns}|".encode() + header).hexdigest()
    return f"{digest}-compact", cs


def _looks_r5(resource: dict) -> bool:
    """R5-only shapes (ConceptMap relationship, R5 metadata); everything else is read as R4."""
    if resource.get("resourceType") == "ConceptMap":
        return any("relationship" in t for g in resource.get("group", []) for e in g.get("element", [])
                   for t in e.get("target", []))
    return any(k in resource for k in ("versionAlgorithmString", "versionAlgorithmCoding", "copyrightLabel"))


def cache_dir() -> Path | None:
    raw = os.environ.get("RRALL_CACHE_DIR")
    if raw is not None and raw.strip().lower() in ("", "off", "0", "none"):
        return None
    if raw:
        return Path(raw)
    from .config import ROOT
    return ROOT / ".cache"                 # the same folder as the parsed-package cache (config CACHE_DIR)


def code_version() -> str:
    """Changes whenever the code that validates or indexes content changes (invalidates the cache)."""
    global _code_version
    if _code_version is None:
        salt = f"{CACHE_FORMAT}|{sys.version}|{pickle.HIGHEST_PROTOCOL}"
        try:
            from importlib.metadata import version
            salt += "|" + version("fhir.resources")
        except Exception:   # noqa: BLE001 - not installed as a distribution: the source hash still counts
            pass
        _code_version = source_hash(_CODE_FILES, salt=salt)
    return _code_version


class LoadCache:
    """Validation markers and indexes keyed by file hash + code version (see module doc), as signed entries
    (service/signed_cache.py): an entry this installation did not write is ignored and rebuilt."""

    def __init__(self, root: Path | None):
        from .signed_cache import SignedStore

        self.root = root
        self.store = SignedStore(root)
        self.stats = {"validated": 0, "skipped_validation": 0, "index_hits": 0, "index_built": 0}

    def key(self, raw: bytes) -> str:
        return f"{hashlib.sha256(raw).hexdigest()}-{code_version()}"

    def is_validated(self, key: str) -> bool:
        return self.store.marked(f"validated/{key}")

    def mark_validated(self, key: str) -> None:
        self.store.mark(f"validated/{key}")

    def load_index(self, key: str):
        from .engine.codesystem import CodeSystemIndex

        return self.store.load(f"index/{key}.pickle", CodeSystemIndex)

    def store_index(self, key: str, index) -> None:
        self.store.store(f"index/{key}.pickle", index)


def load_registry(dirs: list[str], *, validate: bool = True, cache: LoadCache | None = None) -> Registry:
    """Read, validate (unless cached), index (unless cached) and register every content file."""
    from .convert import r4_to_r5
    from .engine.codesystem import CodeSystemIndex

    cache = cache or LoadCache(cache_dir())
    with gc_paused():   # building ~1M small objects
        loaded, problems, keys = [], [], []
        for path in iter_content_files(dirs):
            if path.suffix == COMPACT_SUFFIX:
                try:
                    key, compact = open_compact(path)
                except (OSError, ValueError, FormatError) as exc:
                    problems.append((str(path), "", f"not a readable compact code system: {exc}"))
                    continue
                keys.append(key)
                loaded.append((compact.metadata, compact))
                continue
            try:
                raw = path.read_bytes()
            except OSError as exc:
                problems.append((str(path), "", f"not readable: {exc}"))
                continue
            key = cache.key(raw)
            keys.append(key)
            trusted = not validate or cache.is_validated(key)
            index = cache.load_index(key) if trusted else None
            if index is not None:
                cache.stats["index_hits"] += 1
                index.source_path = str(path)
                if index.trimmed:   # the file may have moved since the index was cached
                    index.keep_concepts_on_disk(str(path), _reader(path))
                loaded.append((index.metadata, index))
                continue
            data, file_problems = _parse(path, raw)
            if data is not None and not trusted:
                version = fhir_io.R5 if _looks_r5(data) else fhir_io.R4
                file_problems += [(str(path), loc, msg) for loc, msg in fhir_io.validate_resource(data, version)]
                cache.stats["validated"] += 1
                if not file_problems:
                    cache.mark_validated(key)
            elif data is not None:
                cache.stats["skipped_validation"] += 1
            if file_problems:
                problems.extend(file_problems)
                continue
            resource = r4_to_r5(data)
            index = None
            if resource.get("resourceType") == "CodeSystem":
                index = CodeSystemIndex(resource)
                if index.size >= TEXT_INDEX_MIN:
                    from .engine.text_index import for_codesystem
                    for_codesystem(index)
                index.source_path = str(path)
                if index.size >= TRIM_MIN:
                    # the index answers every operation; keep the concepts only on disk (read route)
                    index.keep_concepts_on_disk(str(path), _reader(path))
                    resource = index.metadata
                cache.stats["index_built"] += 1
                cache.store_index(key, index)
            loaded.append((resource, index))
        if problems:
            raise ContentError(problems)
        reg = Registry()
        for resource, index in loaded:
            reg.add(resource, index=index)
        reg.load_stats = dict(cache.stats, rejected=cache.store.rejected)
        reg.content_hash = hashlib.sha256("\n".join(keys).encode()).hexdigest()   # content + code version
        return reg


def _parse(path: Path, raw: bytes) -> tuple[dict | None, list]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return None, [(str(path), "", f"not valid JSON: {exc}")]
    if not isinstance(data, dict) or data.get("resourceType") not in ("CodeSystem", "ValueSet", "ConceptMap"):
        return None, [(str(path), "", "not a CodeSystem, ValueSet or ConceptMap")]
    return data, []


class _reader:
    """Reads a content file again (R5 shape): how a large code system kept on disk gives its concepts."""

    def __init__(self, path):
        self.path = str(path)

    def __call__(self) -> dict:
        from .convert import r4_to_r5
        return r4_to_r5(json.loads(Path(self.path).read_text(encoding="utf-8-sig")))


def full_resource(entry) -> dict:
    """The whole resource of a registry entry: a code system's (concepts included), or the resource itself. An
    imported release (SNOMED CT, LOINC) gives its metadata (the read route tags it SUBSETTED)."""
    return entry.full_resource() if hasattr(entry, "full_resource") else entry
