"""Configuration: defaults, overridden by environment variables (RRALL_*) and create_app(config)."""
from __future__ import annotations

import os
from pathlib import Path

def _content_root() -> Path:
    """Where the built-in content lives: the source tree this package sits in (editable install or a
    checkout), else the current directory (a regular `pip install .` run from the clone)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here, Path.cwd()):
        if (candidate / "codesystems").is_dir():
            return candidate
    return here


ROOT = _content_root()
VERIFIED_CODES = ROOT / "content" / "reference" / "verified-codes.json"   # the only source of external codes

DEFAULTS = {
    "CONTENT_DIRS": [str(ROOT / "codesystems"), str(ROOT / "valuesets"), str(ROOT / "conceptmaps")],
    "MAX_EXPANSION": 1000,        # codes rendered in one expansion without count
    "DEADLINE_SECONDS": 10.0,     # per-request work limit
    "BASE_URL": "http://127.0.0.1:8080",
    "SOFTWARE_VERSION": "0.1.0",
    "PACKAGES": [],               # FHIR NPM package .tgz files to load (see service/packages.py)
    "CACHE_DIR": str(ROOT / ".cache"),   # parsed-package cache (pickle keyed by file sha256)
    "PACKAGE_NAME": "rrall.terminology",
    # the HTTP edge (service/web/layers/intake.py, service/serving.py) and XML bodies (service/xml_in.py); issue #14
    "MAX_BODY_BYTES": 32 * 1024 * 1024,   # larger request bodies: 413
    "MAX_URL_BYTES": 32 * 1024,   # longer request targets: 414 (the HTTP server itself refuses 64 KiB and more)
    "MAX_QUERY_PARAMS": 1000,     # more query parameters: 414
    "BODY_TIMEOUT_SECONDS": 15.0,   # a request body must have arrived this long after its headers: else 408
    "BODY_READERS": 32,           # uploads received at once per worker (stalled ones included); more: 503
    "HEADER_TIMEOUT_SECONDS": 10.0,   # granian closes a connection whose request headers take longer
    "SHUTDOWN_TIMEOUT_SECONDS": 20.0,   # on SIGTERM, in-flight requests get this long before workers are killed
    "MAX_XML_BYTES": 8 * 1024 * 1024,   # XML bodies: size (413), nesting, attributes per element, elements (413)
    "MAX_XML_DEPTH": 64,
    "MAX_XML_ATTRIBUTES": 32,
    "MAX_XML_ELEMENTS": 250_000,
}
# settings that the environment can override as RRALL_<NAME>, with their type
NUMERIC_ENV = ("MAX_BODY_BYTES", "MAX_URL_BYTES", "MAX_QUERY_PARAMS", "BODY_TIMEOUT_SECONDS", "BODY_READERS",
               "HEADER_TIMEOUT_SECONDS", "SHUTDOWN_TIMEOUT_SECONDS", "MAX_XML_BYTES", "MAX_XML_DEPTH",
               "MAX_XML_ATTRIBUTES", "MAX_XML_ELEMENTS")


def core_package() -> Path | None:
    """The FHIR R4 core package (CodeSystems, ValueSets, StructureDefinitions), if one lies beside the
    project: `serve` loads it unless told otherwise (--package, --no-core, RRALL_PACKAGES)."""
    for candidate in (ROOT / "packages" / "hl7.fhir.r4.core-4.0.1.tgz",
                      ROOT.parent / "shared" / "packages" / "hl7.fhir.r4.core-4.0.1.tgz"):
        if candidate.is_file():
            return candidate
    return None


def load(overrides: dict | None = None) -> dict:
    cfg = dict(DEFAULTS)
    env_dirs = os.environ.get("RRALL_CONTENT_DIRS")
    if env_dirs:
        cfg["CONTENT_DIRS"] = [d for d in env_dirs.split(os.pathsep) if d]
    if os.environ.get("RRALL_MAX_EXPANSION"):
        cfg["MAX_EXPANSION"] = int(os.environ["RRALL_MAX_EXPANSION"])
    if os.environ.get("RRALL_DEADLINE_SECONDS"):
        cfg["DEADLINE_SECONDS"] = float(os.environ["RRALL_DEADLINE_SECONDS"])
    if os.environ.get("RRALL_PACKAGES"):
        cfg["PACKAGES"] = [f for f in os.environ["RRALL_PACKAGES"].split(os.pathsep) if f]
    if os.environ.get("RRALL_CACHE_DIR"):
        cfg["CACHE_DIR"] = os.environ["RRALL_CACHE_DIR"]
    for name in NUMERIC_ENV:
        raw = os.environ.get("RRALL_" + name, "").strip()
        if raw:
            cfg[name] = type(DEFAULTS[name])(float(raw) if isinstance(DEFAULTS[name], float) else int(raw))
    if overrides:
        cfg.update(overrides)
    return cfg
