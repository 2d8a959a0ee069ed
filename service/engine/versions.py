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
    """Does a requested version match actual? 'x' or '*' parts are wildcards ('1.x.x', '1.0.*');
    a trailing wildcard also matches any further parts. Partial versions without wildcards do not match."""
    if actual is None:
        return False
    if requested == actual:
        return True
    req, act = requested.split("."), actual.split(".")
    if not any(part in ("x", "X", "*") for part in req):
        return False
    for i, part in enumerate(req):
        if i >= len(act):
            return False
        if part in ("x", "X", "*"):
            if i == len(req) - 1:
                return True
            continue
        if part != act[i]:
            return False
    return len(req) == len(act)


def split_canonical(canonical: str) -> tuple[str, str | None]:
    if "|" in canonical and "?fhir_vs=ecl/" not in canonical:   # ECL terms are written between pipes
        url, _, version = canonical.partition("|")
        return url, (version or None)
    return canonical, None
