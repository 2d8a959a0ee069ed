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
}


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
    if overrides:
        cfg.update(overrides)
    return cfg
