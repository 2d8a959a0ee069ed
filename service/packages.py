"""FHIR NPM packages (.tgz) in: terminology into the registry, StructureDefinition bindings into a side index.

A package is ``package/package.json`` + resources as ``package/*.json`` (listed by
``package/.index.json`` when present). Package content is trusted: it is not
validated with the pydantic models (that would take minutes for the core
package), and narratives (``text``) are dropped. The parsed package -- R5-shaped terminology resources, prebuilt
CodeSystem indexes and the StructureDefinition summaries -- is stored in the
cache directory as a signed entry (service/signed_cache.py) keyed by the file's
sha256 (and the code that shapes it), so a warm start only verifies and unpickles.

Nothing here imports Flask or fhir.resources.
"""
from __future__ import annotations

import hashlib
import logging
import tarfile
import time
from pathlib import Path

import orjson

from .convert import r4_to_r5
from .engine.codesystem import CodeSystemIndex
from .engine.registry import KINDS, Registry
from .runtime import file_sha256, gc_paused, source_hash

log = logging.getLogger("rrall.packages")

TERMINOLOGY = ("CodeSystem", "ValueSet", "ConceptMap")
WANTED = TERMINOLOGY + ("StructureDefinition",)
CACHE_FORMAT = "1"
MAX_MEMBER_BYTES = 64 * 1024 * 1024     # a single JSON file in a package; more is refused


class PackageError(Exception):
    """A package file that cannot be read (names the file and the problem)."""


def fhir_release(version: str | None) -> str:
    """'4.0.1' -> 'R4', '5.0.0' -> 'R5', '4.3.0' -> 'R4B'; unknown -> the string itself."""
    v = version or ""
    if v.startswith("4.0"):
        return "R4"
    if v.startswith("4.3"):
        return "R4B"
    if v.startswith("5."):
        return "R5"
    return v or "R4"


# ---- StructureDefinition summaries -----------------------------------------------------
class Structure:
    """What the resource validator needs from one StructureDefinition."""

    __slots__ = ("url", "version", "name", "type", "kind", "derivation", "base", "elements")

    def __init__(self, sd: dict):
        self.url = sd.get("url")
        self.version = sd.get("version")
        self.name = sd.get("name")
        self.type = sd.get("type")
        self.kind = sd.get("kind")
        self.derivation = sd.get("derivation")
        self.base = sd.get("baseDefinition")
        # element path -> (type codes, (strength, valueSet canonical) | None)
        self.elements: dict[str, tuple[tuple[str, ...], tuple[str, str] | None]] = {}
        source = (sd.get("snapshot") or {}).get("element") or (sd.get("differential") or {}).get("element") or []
        for el in source:
            if not isinstance(el, dict) or not isinstance(el.get("path"), str):
                continue
            path = el["path"]
            if ":" in str(el.get("id", "")) and path in self.elements:
                continue            # a slice: the unsliced element already describes the path
            types = tuple(t.get("code") for t in el.get("type", []) if isinstance(t, dict) and t.get("code"))
            b = el.get("binding") if isinstance(el.get("binding"), dict) else None
            binding = None
            if b and b.get("valueSet") and b.get("strength"):
                binding = (b["strength"], b["valueSet"])
            elif b and b.get("valueSetReference", {}).get("reference") and b.get("strength"):   # STU3 shape
                binding = (b["strength"], b["valueSetReference"]["reference"])
            old = self.elements.get(path)
            if old is not None:     # differential-only: keep what is known, override what is given
                types = types or old[0]
                binding = binding or old[1]
            self.elements[path] = (types, binding)


class StructureIndex:
    """StructureDefinitions by canonical url, for one FHIR release; element tables merged along baseDefinition."""

    def __init__(self, release: str):
        self.release = release
        self.by_url: dict[str, Structure] = {}
        self._merged: dict[str, dict] = {}
        self._parents: dict[str, set] = {}

    def add(self, s: Structure) -> None:
        if s.url:
            self.by_url[s.url] = s
            self._merged.clear()
            self._parents.clear()

    def __len__(self) -> int:
        return len(self.by_url)

    def resolve(self, url: str | None) -> Structure | None:
        if not url:
            return None
        return self.by_url.get(url.split("|")[0])

    def for_type(self, type_name: str) -> Structure | None:
        """The base definition of a resource or data type (core url first, else any specialization)."""
        hit = self.by_url.get(f"http://hl7.org/fhir/StructureDefinition/{type_name}")
        if hit is not None:
            return hit
        return next((s for s in self.by_url.values() if s.type == type_name and s.derivation != "constraint"),
                    None)

    def elements(self, url: str) -> dict:
        """path -> (types, binding), with the base definitions' elements filled in (profiles from differentials)."""
        hit = self._merged.get(url)
        if hit is not None:
            return hit
        chain, seen, s = [], set(), self.resolve(url)
        while s is not None and s.url not in seen:
            seen.add(s.url)
            chain.append(s)
            s = self.resolve(s.base) if s.derivation == "constraint" else None
        merged: dict = {}
        for s in reversed(chain):
            for path, (types, binding) in s.elements.items():
                old = merged.get(path)
                merged[path] = (types or (old[0] if old else ()), binding or (old[1] if old else None))
        self._merged[url] = merged
        return merged

    def has_children(self, url: str, path: str) -> bool:
        parents = self._parents.get(url)
        if parents is None:
            parents = {p.rsplit(".", 1)[0] for p in self.elements(url) if "." in p}
            self._parents[url] = parents
        return path in parents


# ---- a loaded package --------------------------------------------------------------------
class Package:
    def __init__(self, path: str, manifest: dict):
        self.path = path
        self.manifest = manifest
        self.name = manifest.get("name")
        self.version = manifest.get("version")
        fv = manifest.get("fhirVersions") or manifest.get("fhir-version-list") or ["4.0.1"]
        self.fhir_versions = [str(v) for v in (fv if isinstance(fv, list) else [fv])]
        self.release = fhir_release(self.fhir_versions[0] if self.fhir_versions else None)
        self.resources: list[tuple[dict, CodeSystemIndex | None]] = []    # R5-shaped terminology
        self.structures: list[Structure] = []
        self.load_seconds = 0.0
        self.from_cache = False

    @property
    def label(self) -> str:
        return f"{self.name}#{self.version}"

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in WANTED}
        for res, _i in self.resources:
            out[res["resourceType"]] += 1
        out["StructureDefinition"] = len(self.structures)
        return out


def _code_fingerprint() -> str:
    """The pickled objects depend on these modules; a change to them invalidates the cache."""
    return source_hash(("packages.py", "convert.py", "engine/codesystem.py"), salt=CACHE_FORMAT)


def _read_json(tar: tarfile.TarFile, member: tarfile.TarInfo):
    if not member.isfile() or member.size > MAX_MEMBER_BYTES:
        return None
    fh = tar.extractfile(member)
    if fh is None:
        return None
    try:
        return orjson.loads(fh.read())
    except orjson.JSONDecodeError:
        return None


def _resource_members(tar: tarfile.TarFile, members: dict) -> list[str]:
    """The members holding resources of interest: those package/.index.json lists, else every JSON file directly
    under package/."""
    index = _read_json(tar, members["package/.index.json"]) if "package/.index.json" in members else None
    if isinstance(index, dict) and isinstance(index.get("files"), list):
        return [f"package/{f['filename']}" for f in index["files"]
                if isinstance(f, dict) and f.get("resourceType") in WANTED and isinstance(f.get("filename"), str)]
    return [n for n in members if n.startswith("package/") and n.count("/") == 1 and n.endswith(".json")
            and n not in ("package/package.json", "package/.index.json")]


def parse_package(path: str | Path) -> Package:
    """Read a package .tgz (no cache). Only members are read; nothing is extracted to disk."""
    path = Path(path)
    try:
        tar = tarfile.open(path, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise PackageError(f"{path}: not a readable package archive ({exc})") from None
    with tar:
        members = {m.name.lstrip("./"): m for m in tar.getmembers() if m.isfile()}
        manifest = _read_json(tar, members["package/package.json"]) if "package/package.json" in members else None
        if not isinstance(manifest, dict):
            raise PackageError(f"{path}: no package/package.json")
        pkg = Package(str(path), manifest)
        if pkg.release not in ("R4", "R4B", "R5"):
            raise PackageError(f"{path}: FHIR version {', '.join(pkg.fhir_versions)} is not supported "
                               "(packages for FHIR R4, R4B and R5 can be loaded)")
        names = _resource_members(tar, members)
        to_r5 = pkg.release in ("R4", "R4B")
        for name in names:
            member = members.get(name)
            res = _read_json(tar, member) if member is not None else None
            if not isinstance(res, dict):
                continue
            rtype = res.get("resourceType")
            if rtype == "StructureDefinition":
                pkg.structures.append(Structure(res))
            elif rtype in TERMINOLOGY:
                res.pop("text", None)   # narratives: most of the bytes, no use to a terminology server
                if to_r5:
                    res = r4_to_r5(res)
                pkg.resources.append((res, CodeSystemIndex(res) if rtype == "CodeSystem" else None))
    return pkg


def load_package(path: str | Path, cache_dir: str | Path | None = None) -> Package:
    """A package, from the signed cache (service/signed_cache.py) when the file (sha256) and the code are
    unchanged; a cache entry this installation did not write is ignored and rebuilt."""
    from .signed_cache import SignedStore

    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise PackageError(f"{path}: package file not found")
    store = SignedStore(Path(cache_dir) if cache_dir else None)
    name = f"package-{file_sha256(path)}-{_code_fingerprint()}.pickle" if store.enabled else ""
    if name:
        with gc_paused():   # unpickling many small objects
            pkg = store.load(name, Package)
        if pkg is not None:
            pkg.path = str(path)
            pkg.from_cache = True
            pkg.load_seconds = time.perf_counter() - started
            return pkg
        if store.rejected:
            log.warning("ignoring package cache %s (not written by this installation, or unreadable)", name)
    pkg = parse_package(path)
    if name and not store.store(name, pkg):
        log.warning("could not write package cache %s", name)
    pkg.load_seconds = time.perf_counter() - started
    return pkg


# ---- the set of loaded packages -------------------------------------------------------------
class PackageSet:
    """Loaded packages; StructureDefinitions per FHIR release for the resource validator."""

    def __init__(self, packages: list[Package] | None = None):
        self.packages = list(packages or [])
        self.structures: dict[str, StructureIndex] = {}
        for pkg in self.packages:
            idx = self.structures.setdefault(pkg.release, StructureIndex(pkg.release))
            for s in pkg.structures:
                idx.add(s)

    def structures_for(self, fhir_version: str) -> StructureIndex | None:
        """The StructureDefinitions for requests on /r4 ('R4') or /r5 ('R5'), or None."""
        idx = self.structures.get(fhir_version)
        return idx if idx is not None and len(idx) else None


def install(registry: Registry, paths: list[str], cache_dir: str | None) -> tuple[Registry, PackageSet]:
    """Load the packages; return (a registry with the package terminology under the content, the set).

    The given registry is left untouched. Package resources go into a parent registry and the
    content is re-indexed (cheaply: CodeSystem indexes are reused) on top, so the content wins
    for ids and for equal url|version.
    """
    packages = [load_package(p, cache_dir) for p in paths]
    pset = PackageSet(packages)
    if not packages:
        return registry, pset
    base = Registry()
    for pkg in packages:
        for res, idx in pkg.resources:
            base.add(res, index=idx)
        log.info("package %s: %s in %.2fs%s", pkg.label, pkg.counts(), pkg.load_seconds,
                 " (cached)" if pkg.from_cache else "")
    top = Registry(parent=base)
    for kind in KINDS:
        for entry in registry.all(kind):
            if not isinstance(entry, dict):   # a code-system provider (CodeSystemIndex, CompactCodeSystem)
                top.add(entry.metadata, index=entry)
            else:
                top.add(entry)
    return top, pset
