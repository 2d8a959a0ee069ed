"""Version comparison and matching for canonical resources (FHIR default-version rules)."""
from __future__ import annotations

import re

_SEMVER = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$")


def version_key(version: str | None):
    """Sort key: semver-like versions numerically, others as strings, None lowest."""
    if version is None:
        return (0, (), "")
    m = _SEMVER.match(version)
    if m:
        nums = tuple(int(g) if g is not None else 0 for g in m.groups())
        pre = 1 if "-" not in version else 0  # a pre-release sorts below its release
        return (2, nums + (pre,), version)
    return (1, (), version)


def latest(versions):
    """The latest of several version strings (None counts as lowest)."""
    return max(versions, key=version_key)


def matches(requested: str, actual: str | None) -> bool:
    """Does a requested version (possibly partial, e.g. '1' or '1.0' or '1.x') match actual?"""
    if actual is None:
        return False
    if requested == actual:
        return True
    parts = requested.split(".")
    if parts and parts[-1] in ("x", "*"):
        prefix = ".".join(parts[:-1])
        return actual == prefix or actual.startswith(prefix + ".")
    # partial semver: '1.0' matches '1.0.3' (FHIR wildcard rules for partial versions)
    if _SEMVER.match(requested) and _SEMVER.match(actual) and len(parts) < 3:
        return actual.startswith(requested + ".")
    return False


def split_canonical(canonical: str) -> tuple[str, str | None]:
    if "|" in canonical:
        url, _, version = canonical.partition("|")
        return url, (version or None)
    return canonical, None
