"""$expand: walk ValueSet.compose into an ordered, de-duplicated list of entries.

The Expander resolves code systems (the only place that applies
system-version / force-system-version / check-system-version), evaluates
includes, excludes and imports (with cycle detection). Paging, counting and
the text filter belong to ``expansion_select``; rendering to ``expansion_render``.
"""
from __future__ import annotations

from ..errors import Processing, TerminologyError, TooCostly, Unresolvable
from .codesystem import CodeSystemIndex
from .entry_spans import Entry, Span, entry_of, has_spans, intersect, listed_entries
from .expansion_merge import materialise, merge, mergeable
from .filters import compile_filters, select, select_ids
from .versions import matches as version_matches, split_canonical

SPAN_MIN = 5000   # from this many concepts (or kept on disk) an include is a Span of positions, not entries
__all__ = ["Entry", "Expander", "SPAN_MIN"]


def _intersect(found, others: list):
    """The entries of found that every result in others also has (by system and code)."""
    for other in others:
        found = intersect(found, other)
    return found


def _newer(a, b) -> bool:
    from .versions import version_key
    return version_key(a) > version_key(b)


class CodeSystemMissing(Unresolvable):
    """A code system a value set refers to is not available."""

    tx_code = "not-found"


class PinnedImportMissing(Unresolvable):
    """An imported value set is missing in the version default-valueset-version pinned it to. $expand
    reports it as such; $validate-code reports the plain 'could not be found' (see plain)."""

    def __init__(self, message: str, *, plain: str, **kw):
        super().__init__(message, **kw)
        self.plain = plain


class Expander:
    def __init__(self, ctx):
        self.ctx = ctx
        self.registry = ctx.registry
        self.used_cs: list[str] = []
        self.used_cs_indexes: list = []
        self.used_vs: list[str] = []
        self.used_vs_resources: list[dict] = []   # imported value sets (for their status warnings)
        self.used_supplements: list[str] = []
        self.warnings: list[tuple[str, str]] = []   # (parameter name, canonical)
        self.unconfirmed: list[str] = []   # system#code listed by a value set, unknown to the fragment we hold
        self.multi_version_systems: set[str] = set()
        self.used_params: list[tuple[str, str]] = []   # version parameters that changed something
        self.hierarchical = True
        vm = ctx.versions.versions_match
        self.versions_match_set = vm is not None
        self.versions_match = vm is True
        self.versions_match_used = False
        # entries() of each value set already walked in this operation (id -> (value set, entries)): a value set
        # imported along many paths (a diamond of imports) is walked once
        self._walked: dict[int, tuple[dict, list]] = {}

    # ---- code systems ---------------------------------------------------------
    def pick_version(self, url: str, stated: str | None) -> str | None:
        ctx = self.ctx
        if url in ctx.force_version:
            return ctx.force_version[url]
        if stated:
            return stated
        if url in ctx.system_version:
            self._note(self.used_params, ("system-version", f"{url}|{ctx.system_version[url]}"))
            return ctx.system_version[url]
        if url in ctx.check_version:
            self._note(self.used_params, ("check-system-version", f"{url}|{ctx.check_version[url]}"))
            return ctx.check_version[url]
        return None

    def resolve_cs(self, url: str, stated: str | None, *, purpose: str = "expand") -> CodeSystemIndex:
        version = self.pick_version(url, stated)
        cs = self.registry.resolve("CodeSystem", url, version)
        if cs is None:
            known = [v for v in self.registry.versions_of("CodeSystem", url) if v]
            if version and known:
                raise CodeSystemMissing(
                    f"A definition for CodeSystem '{url}' version '{version}' could not be found, so the value set "
                    f"cannot be expanded. Valid versions: {' or '.join(sorted(known))}",
                    message_id="UNKNOWN_CODESYSTEM_VERSION_EXP")
            raise CodeSystemMissing(
                f"A definition for CodeSystem '{url}' could not be found, so the value set cannot be expanded",
                message_id="UNKNOWN_CODESYSTEM_EXP")
        check = self.ctx.check_version.get(url)
        if check and cs.version and not version_matches(check, cs.version):
            raise TerminologyError(
                f"The version '{cs.version}' is not allowed for system '{url}': required to be '{check}' by a "
                f"version-check parameter", status=422, issue_code="exception",
                tx_code="version-error", message_id="VALUESET_VERSION_CHECK")
        if cs.content == "not-present":
            raise Processing(f"The code system definition for {url} has no content, so this expansion cannot be "
                             f"performed", issue_code="processing")
        self._note(self.used_cs, cs.canonical)
        if cs not in self.used_cs_indexes:
            self.used_cs_indexes.append(cs)
        if cs.content == "fragment":
            self.warnings.append(("used-fragment", cs.canonical))
        return cs

    @staticmethod
    def _note(target: list, value: str) -> None:
        if value not in target:
            target.append(value)

    # ---- value sets -----------------------------------------------------------
    def resolve_vs(self, canonical: str, host: dict | None = None) -> dict:
        vs = None
        if host is not None and canonical.startswith("#"):
            for res in host.get("contained", []):
                if res.get("resourceType") == "ValueSet" and res.get("id") == canonical[1:]:
                    vs = res
        if vs is None:
            url, version = split_canonical(canonical)
            pinned = not version and url in self.ctx.valueset_version
            if pinned:
                version = self.ctx.valueset_version[url]
                self._note(self.used_params, ("default-valueset-version", f"{url}|{version}"))
            vs = self.registry.resolve("ValueSet", url, version)
            if vs is None and pinned:
                raise PinnedImportMissing(
                    f"The value set '{url}' imported by '{self.vs_canonical(host or {})}' could not be found in "
                    f"version '{version}' (set by default-valueset-version)", message_id="VS_EXP_IMPORT_UNK_PINNED",
                    plain=f"A definition for the value Set '{url}|{version}' could not be found")
            if vs is None:
                canonical = f"{url}|{version}" if version else url
        if vs is None:
            raise Unresolvable(f"A definition for the value Set '{canonical}' could not be found",
                               message_id="Unable_to_resolve_value_Set_")
        return vs

    @staticmethod
    def vs_canonical(vs: dict) -> str:
        url = vs.get("url", "")
        return f"{url}|{vs['version']}" if vs.get("version") else url

    def entries(self, vs: dict, stack: tuple = ()) -> list[Entry]:
        """The full ordered, de-duplicated content of vs (before text filter and paging)."""
        canon = self.vs_canonical(vs)
        if canon and canon in stack:
            path = ", ".join(list(stack))
            raise Processing(f"Found a circularity pointing to {canon} processing ValueSet with pathway [{path}]",
                             tx_code="vs-invalid", message_id="VALUESET_CIRCULAR_REFERENCE",
                             issue_code="processing")
        walked = self._walked.get(id(vs))
        if walked is not None and walked[0] is vs:
            return walked[1]   # walked without a cycle before, so none through it now either
        out = self._entries(vs, stack + ((canon or "#"),), canon)
        if not self.versions_match:   # (that mode updates entries in place: walk again rather than share them)
            self._walked[id(vs)] = (vs, out)
        return out

    def _entries(self, vs: dict, stack: tuple, canon: str) -> list[Entry]:
        compose = vs.get("compose")
        if compose is None:
            if "expansion" in vs:
                return self._from_expansion(vs["expansion"].get("contains", []))
            return []
        self.ctx.check_deadline()
        self._scan_versions(compose)
        inactive_ok = compose.get("inactive", True) is not False
        excludes = []
        for i, exc in enumerate(compose.get("exclude", [])):
            version_specific = bool(exc.get("version") and (exc.get("concept") or
                                                             (self.versions_match_set and not self.versions_match)))
            excludes.append((version_specific, self._include(exc, f"ValueSet.compose.exclude[{i}]", stack, vs,
                                                             exclude=True)))
        includes = [self._include(inc, f"ValueSet.compose.include[{i}]", stack, vs)
                    for i, inc in enumerate(compose.get("include", []))]
        if any(has_spans(part) for part in includes + [part for _v, part in excludes]) \
                and mergeable(self, includes, excludes):
            result = merge(self, includes, excludes, inactive_ok=inactive_ok, canon=canon)
        else:
            includes = [materialise(self, part, canon) for part in includes]
            excludes = [(v, materialise(self, part, canon)) for v, part in excludes]
            result = self._merge_lists(includes, excludes, inactive_ok, canon)
        if len(stack) == 1:   # the value set asked about: name the listed codes the fragments cannot confirm
            self._note_unconfirmed(result)
        return result

    def _merge_lists(self, includes: list, excludes: list, inactive_ok: bool, canon: str) -> list[Entry]:
        excluded: set = set()                 # version-specific keys
        excluded_any: dict = {}               # (system, code) -> versions it was excluded from
        for version_specific, found in excludes:
            for e in found:
                if version_specific:
                    excluded.add(e.key)
                else:
                    excluded_any.setdefault((e.system, e.code), set()).add(e.version)
        out: dict = {}
        for found in includes:
            for e in found:
                if e.key in excluded:
                    continue
                versions = excluded_any.get((e.system, e.code))
                if versions is not None:
                    if e.version not in versions:
                        self.versions_match_used = True   # excluded by the same code in another version
                    continue
                if not inactive_ok and e.inactive:
                    continue
                self._add(out, e, canon)
        return list(out.values())

    def _add(self, out: dict, e: Entry, canon: str) -> None:
        key = (e.system, e.code) if self.versions_match else e.key
        if key not in out:
            out[key] = e
            if len(out) > self.ctx.max_walk:
                raise TooCostly(f"The value set '{canon}' expansion has too many codes to produce "
                                f"(>{self.ctx.max_walk})", message_id="VALUESET_TOO_COSTLY")
        elif self.versions_match and _newer(e.version, out[key].version):
            out[key].version = e.version

    def _note_unconfirmed(self, entries) -> None:
        for e in listed_entries(entries):
            if e.concept is None and e.src is not None and e.cs is not None and e.cs.content == "fragment":
                self._note(self.unconfirmed, f"{e.system}#{e.code}")

    def _scan_versions(self, compose: dict) -> None:
        seen: dict[str, set] = {}
        for inc in compose.get("include", []) + compose.get("exclude", []):
            if inc.get("system"):
                seen.setdefault(inc["system"], set()).add(inc.get("version"))
        for system, versions in seen.items():
            if len(versions) > 1:
                self.multi_version_systems.add(system)

    def _from_expansion(self, contains: list) -> list[Entry]:
        out = []
        for c in contains:
            if c.get("code") and c.get("system"):
                out.append(Entry(c["system"], c.get("version"), c["code"], c.get("display"),
                                 abstract=bool(c.get("abstract")), inactive=bool(c.get("inactive")), src=c))
            out.extend(self._from_expansion(c.get("contains", [])))
        return out

    def _include(self, inc: dict, where: str, stack: tuple, host: dict, exclude: bool = False):
        """The entries of one include (or exclude): its concepts or filters, intersected with its imports. Over
        a large code system the concepts a filter selects are a Span (positions), not a list."""
        self.ctx.check_deadline()
        system = inc.get("system")
        imported = [self._imported(ref, stack, host, exclude) for ref in inc.get("valueSet", [])]
        if system is None:
            return _intersect(imported[0], imported[1:]) if imported else []
        cs = self.resolve_cs(system, inc.get("version"))
        if inc.get("concept"):
            self.hierarchical = False
            found = self._listed(cs, inc["concept"], exclude)
        elif cs.trimmed or cs.size >= SPAN_MIN:   # large: an imported release, or a big CodeSystem
            ids = select_ids(cs, compile_filters(cs, inc.get("filter", []), where), self.ctx.check_deadline)
            return _intersect(Span(cs, ids, pinned=bool(inc.get("version"))), imported)
        else:
            found = [self._entry(cs, c) for c in select(cs, compile_filters(cs, inc.get("filter", []), where))]
        if inc.get("version"):
            for e in found:
                e.pinned = True
        return _intersect(found, imported)

    def _imported(self, ref: str, stack: tuple, host: dict, exclude: bool):
        self.hierarchical = False
        sub = self.resolve_vs(ref, host)
        if not ref.startswith("#"):
            self._note(self.used_vs, self.vs_canonical(sub))
            if not any(sub is r for r in self.used_vs_resources):
                self.used_vs_resources.append(sub)
        try:
            return self.entries(sub, stack)
        except Processing as exc:
            if exc.message_id == "VALUESET_CIRCULAR_REFERENCE" and exclude:
                raise Processing(f"Cyclic reference detected when excluding {ref}", tx_code="vs-invalid",
                                 message_id="VALUESET_CIRCULAR_REFERENCE") from None
            raise

    def _listed(self, cs, items: list, exclude: bool) -> list[Entry]:
        """Entries for the concepts an include lists. A code the fragment we hold does not have is kept as the
        value set states it (it cannot be confirmed or denied); an exclude removes it as listed."""
        found = []
        for item in items:
            concept = cs.locate(item.get("code", ""))
            if concept is not None:
                found.append(self._entry(cs, concept, item))
            elif cs.content == "fragment" and isinstance(item.get("code"), str):
                found.append(Entry(cs.url, cs.version, item["code"], item.get("display"), cs=cs, src=item))
        return found

    def _entry(self, cs: CodeSystemIndex, concept, item: dict | None = None) -> Entry:
        e = entry_of(cs, concept)
        if item is not None and (item.get("display") or item.get("designation") or item.get("extension")):
            e.src = item
        return e
