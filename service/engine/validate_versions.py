"""The version step of $validate-code: which code-system version a coding is checked against, and the
issues version choices raise -- the coding's version, the value set include's version (possibly a
wildcard), system-version / force-system-version / check-system-version, unknown versions and systems.
"""
from __future__ import annotations

from ..errors import issue
from .validate_outcome import Outcome, Paths, not_in_vs
from .versions import matches as version_matches


def _stated(includes: list, version: str | None):
    """The include version a coding's version is checked against: the first include, or (several) the one
    the coding's version matches, else a versionless one."""
    stated = includes[0]
    if version and len(includes) > 1:
        for v in includes:
            if v and (v == version or version_matches(v, version)):
                return v
        if None in includes:
            return None
    return stated


class VersionStep:
    """The step for one validator (its ctx, vs, vs_canon, expander, membership and pinned version)."""

    def __init__(self, validator):
        self.v = validator

    @property
    def ctx(self):
        return self.v.ctx

    @property
    def vs(self):
        return self.v.vs

    def choose(self, system: str, version: str | None, p: Paths, o: Outcome):
        """(version to look the code up in, [coding versions that are unknown and must be reported])."""
        ctx, reg = self.ctx, self.ctx.registry
        if self.v.pin is not None:
            return self.v.pin, []

        def exists(v):
            return reg.resolve("CodeSystem", system, v) is not None

        includes = [v for s, v in self.v.membership.systems(self.vs) if s == system] if self.vs is not None else []
        if not includes:   # no value set, or one that does not draw on this system: the coding decides
            return ctx.force_version.get(system) or version or ctx.system_version.get(system), []
        stated = _stated(includes, version)
        resolved = self.v.expander.pick_version(system, stated)
        if version is None:
            return resolved, []
        if resolved is None:
            return self._versionless_include(system, version, p, o)
        if version == resolved or version_matches(resolved, version):
            return version, ([] if exists(version) else [version])
        if resolved != stated:
            text = (f"The code system '{system}' version '{resolved}' resulting from the version '{stated or ''}' in "
                    f"the ValueSet include is different to the one in the value ('{version}')")
            mid = "VALUESET_VALUE_MISMATCH_CHANGED"
        else:
            text = (f"The code system '{system}' version '{resolved}' in the ValueSet include is different to the one "
                    f"in the value ('{version}')")
            mid = "VALUESET_VALUE_MISMATCH"
        o.issues.append(issue("error", "invalid", text, tx_code="vs-invalid", message_id=mid, expression=p.version))
        return resolved, ([] if exists(version) else [version])

    def _versionless_include(self, system: str, version: str, p: Paths, o: Outcome):
        """The coding names a version, the include none: the latest known is used, a difference is warned."""
        reg = self.ctx.registry
        cs = reg.resolve("CodeSystem", system)
        latest = cs.version if cs is not None else None
        if latest and latest != version and not version_matches(version, latest):
            o.issues.append(issue("warning", "invalid",
                                  f"The code system '{system}' version '{latest}' for the versionless include in "
                                  f"the ValueSet include is different to the one in the value ('{version}')",
                                  tx_code="vs-invalid", message_id="VALUESET_VALUE_MISMATCH_DEFAULT",
                                  expression=p.version))
        if reg.resolve("CodeSystem", system, version) is not None or latest is None:
            return version, []
        return latest, [version]

    def unknown_version(self, system: str, version: str, p: Paths, o: Outcome) -> None:
        known = [v for v in self.ctx.registry.versions_of("CodeSystem", system) if v]
        text = (f"A definition for CodeSystem '{system}' version '{version}' could not be found, so the code "
                f"cannot be validated. Valid versions: {' or '.join(sorted(known))}")
        o.issues.append(issue("error", "not-found", text, tx_code="not-found", message_id="UNKNOWN_CODESYSTEM_VERSION",
                              expression=p.system))
        o.unknown_system = f"{system}|{version}"
        o.unknown_in_vs = True

    def unknown_system(self, system, version, code, coding_version, p: Paths, o: Outcome) -> None:
        known = [v for v in self.ctx.registry.versions_of("CodeSystem", system) if v]
        o.unknown_system = f"{system}|{version}" if version else system
        if version and known:
            text = (f"A definition for CodeSystem '{system}' version '{version}' could not be found, so the code "
                    f"cannot be validated. Valid versions: {' or '.join(sorted(known))}")
            mid = "UNKNOWN_CODESYSTEM_VERSION"
        elif version:
            text = (f"A definition for CodeSystem '{system}' version '{version}' could not be found, so the code "
                    "cannot be validated. No versions of this code system are known")
            mid = "UNKNOWN_CODESYSTEM_VERSION_NONE"
        else:
            text = f"A definition for CodeSystem '{system}' could not be found, so the code cannot be validated"
            mid = "UNKNOWN_CODESYSTEM"
        o.issues.append(issue("error", "not-found", text, tx_code="not-found", message_id=mid, expression=p.system))
        in_scope = self.vs is None or any(s == system for s, _v in self.v.membership.systems(self.vs))
        o.unknown_in_vs = in_scope
        if not in_scope:
            o.unknown_system = system
            o.issues.append(not_in_vs(self.v.vs_canon, system, coding_version, code, None, p))

