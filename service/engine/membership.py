"""Is a code in a value set? Decided by walking the compose, never by expanding it."""
from __future__ import annotations

from ..errors import Processing, TerminologyError
from .filters import compile_filters


class Membership:
    """Answers membership questions for one value set within one operation."""

    def __init__(self, expander):
        self.expander = expander
        # memos for one operation, so that a value set imported along many paths (a diamond) is walked once;
        # each keeps the objects its key is made of alive, so their ids stay theirs
        self._acyclic: dict[int, dict] = {}                     # value sets whose imports were checked
        self._systems: dict[int, tuple[dict, list]] = {}
        self._contains: dict[tuple, tuple] = {}

    def check_cycles(self, vs: dict, stack: tuple = ()) -> None:
        """Raise Processing if value set imports (include or exclude) loop back."""
        canon = self.expander.vs_canonical(vs)
        if canon in stack:
            raise Processing(f"Found a circularity pointing to {canon} processing ValueSet with pathway "
                             f"[{', '.join(stack)}]", tx_code="vs-invalid",
                             message_id="VALUESET_CIRCULAR_REFERENCE")
        if self._acyclic.get(id(vs)) is vs:
            return
        compose = vs.get("compose") or {}
        for part in compose.get("include", []) + compose.get("exclude", []):
            for ref in part.get("valueSet", []):
                try:
                    sub = self.expander.resolve_vs(ref, vs)
                except TerminologyError:
                    continue
                self.check_cycles(sub, stack + (canon,))
        self._acyclic[id(vs)] = vs

    def imported(self, vs: dict) -> list[dict]:
        """The value sets a value set includes, directly or through other imports (each once)."""
        out: list[dict] = []
        todo = [vs]
        while todo:
            host = todo.pop(0)
            for inc in (host.get("compose") or {}).get("include", []):
                for ref in inc.get("valueSet", []):
                    if ref.startswith("#"):
                        continue
                    try:
                        sub = self.expander.resolve_vs(ref, host)
                    except TerminologyError:
                        continue
                    if sub is not vs and not any(sub is o for o in out):
                        out.append(sub)
                        todo.append(sub)
        return out

    def systems(self, vs: dict, stack: tuple = ()) -> list[tuple[str, str | None]]:
        """(system, include version) pairs a value set draws from, imports included."""
        hit = self._systems.get(id(vs))
        if hit is not None and hit[0] is vs:
            return hit[1]
        out = self._systems_of(vs, stack)
        self._systems[id(vs)] = (vs, out)
        return out

    def _systems_of(self, vs: dict, stack: tuple) -> list[tuple[str, str | None]]:
        out: list = []
        compose = vs.get("compose")
        if compose is None:
            for c in _walk_contains(vs.get("expansion", {}).get("contains", [])):
                pair = (c.get("system"), c.get("version"))
                if pair not in out:
                    out.append(pair)
            return out
        for inc in compose.get("include", []):
            if inc.get("system"):
                pair = (inc["system"], inc.get("version"))
                if pair not in out:
                    out.append(pair)
            for ref in inc.get("valueSet", []):
                sub = self.expander.resolve_vs(ref, vs)
                canon = self.expander.vs_canonical(sub)
                if canon in stack or canon == self.expander.vs_canonical(vs):
                    path = list(stack) or [self.expander.vs_canonical(vs)]
                    raise Processing(f"Found a circularity pointing to {canon} processing ValueSet with pathway "
                                     f"[{', '.join(path)}]", tx_code="vs-invalid",
                                     message_id="VALUESET_CIRCULAR_REFERENCE")
                for pair in self.systems(sub, (stack or (self.expander.vs_canonical(vs),)) + (canon,)):
                    if pair not in out:
                        out.append(pair)
        return out

    def contains(self, vs: dict, system: str, code: str, cs_for, stack: tuple = ()):
        """Return the concept if (system, code) is in vs, else None.

        cs_for(system, include_version) gives the CodeSystemIndex to check an
        include against (or None when it cannot be resolved).
        """
        canon = self.expander.vs_canonical(vs)
        if canon in stack:
            raise Processing(f"Found a circularity pointing to {canon} processing ValueSet with pathway "
                             f"[{', '.join(stack)}]", tx_code="vs-invalid",
                             message_id="VALUESET_CIRCULAR_REFERENCE")
        key = (id(vs), system, code, id(cs_for))
        hit = self._contains.get(key)
        if hit is not None and hit[0] is vs and hit[1] is cs_for:
            return hit[2]
        found = self._contains_walk(vs, system, code, cs_for, stack + (canon,))
        self._contains[key] = (vs, cs_for, found)
        return found

    def _contains_walk(self, vs: dict, system: str, code: str, cs_for, stack: tuple):
        compose = vs.get("compose")
        if compose is None:
            for c in _walk_contains(vs.get("expansion", {}).get("contains", [])):
                if c.get("system") == system and c.get("code") == code:
                    return c
            return None
        hit = None
        for i, inc in enumerate(compose.get("include", [])):
            hit = self._in_include(vs, inc, system, code, cs_for, stack, f"ValueSet.compose.include[{i}]")
            if hit is not None:
                break
        if hit is None:
            return None
        if compose.get("inactive") is False and getattr(hit, "inactive", False):
            return None
        for i, exc in enumerate(compose.get("exclude", [])):
            if self._in_include(vs, exc, system, code, cs_for, stack, f"ValueSet.compose.exclude[{i}]") is not None:
                return None
        return hit

    def unknown_code_verdict(self, vs: dict, system: str, code: str, cs_for, stack: tuple = ()) -> str | None:
        """Is a code that its code system (a fragment) does not hold a member of vs?

        The fragment's "the code may exist elsewhere" lenience concerns existence in the code system only:
        an include of the whole system admits the code ("member"), an include that lists concepts admits
        exactly the codes it lists, and a filter cannot be evaluated for a code nobody knows
        ("undetermined", which is not membership). An exclude that might hold the code rules it out.
        """
        canon = self.expander.vs_canonical(vs)
        if canon in stack:
            return None
        stack = stack + (canon,)
        compose = vs.get("compose")
        if compose is None:
            found = any(c.get("system") == system and c.get("code") == code
                        for c in _walk_contains(vs.get("expansion", {}).get("contains", [])))
            return MEMBER if found else None
        verdict = None
        for inc in compose.get("include", []):
            v = self._unknown_in_part(vs, inc, system, code, cs_for, stack)
            if v == MEMBER:
                verdict = MEMBER
                break
            verdict = verdict or v
        if verdict != MEMBER:
            return verdict
        for exc in compose.get("exclude", []):
            v = self._unknown_in_part(vs, exc, system, code, cs_for, stack)
            if v is not None:
                return None if v == MEMBER else UNDETERMINED
        return MEMBER

    def _unknown_in_part(self, host, inc, system, code, cs_for, stack) -> str | None:
        verdict = MEMBER
        if inc.get("system"):
            if inc["system"] != system:
                return None
            cs = cs_for(system, inc.get("version"))
            if cs is None or cs.content != "fragment" or cs.locate(code) is not None:
                return None   # a code unknown to a complete version is in no include of it
            if inc.get("concept"):
                fold = (lambda x: x) if cs.case_sensitive else str.lower
                if not any(fold(str(item.get("code", ""))) == fold(code) for item in inc["concept"]):
                    return None
            elif inc.get("filter"):
                verdict = UNDETERMINED
        elif not inc.get("valueSet"):
            return None
        for ref in inc.get("valueSet", []):
            v = self.unknown_code_verdict(self.expander.resolve_vs(ref, host), system, code, cs_for, stack)
            if v is None:
                return None
            if v == UNDETERMINED:
                verdict = UNDETERMINED
        return verdict

    def _in_include(self, host, inc, system, code, cs_for, stack, where):
        concept = None
        if inc.get("system"):
            if inc["system"] != system:
                return None
            cs = cs_for(system, inc.get("version"))
            if cs is None:
                return None
            concept = cs.locate(code)
            if concept is None:
                return None
            if inc.get("concept"):
                if not any(item.get("code") == concept.code or
                           (not cs.case_sensitive and str(item.get("code", "")).lower() == concept.code.lower())
                           for item in inc["concept"]):
                    return None
            elif inc.get("filter"):
                for f in compile_filters(cs, inc["filter"], where):
                    if not f.matches(concept):
                        return None
        for ref in inc.get("valueSet", []):
            sub = self.expander.resolve_vs(ref, host)
            found = self.contains(sub, system, code, cs_for, stack)
            if found is None:
                return None
            concept = concept or found
        return concept


MEMBER = "member"
UNDETERMINED = "undetermined"


def _walk_contains(contains):
    for c in contains:
        yield c
        yield from _walk_contains(c.get("contains", []))
