"""CompactCodeSystem: the code-system provider over a memory-mapped compact file (SNOMED CT, LOINC).

It offers what ``CodeSystemIndex`` offers the engine today (``locate``, ``concepts``, ``ordered``,
``descendants``, ``ancestors``, ``subsumes``, ``is_inactive``, ``property_defs``, ``case_sensitive``,
``content``, ``language``, ``canonical`` ...), with concepts as small views made on demand, and
the scale surface a large terminology needs (concept numbers, descendant ``RangeSet``s, refsets,
property postings, the word index, FSN and preferred term per language). docs/snomed-loinc.md
lists both surfaces. Nothing here is ever written after ``open``; the arrays live in the page
cache and are shared by every worker that maps the file.
"""
from __future__ import annotations

import json
import mmap
import operator
import re
from bisect import bisect_left, bisect_right
from pathlib import Path

from .compact_concept import CompactConcept, _Concepts, _Ordered
from .compact_format import FLAG_ABSTRACT, FLAG_INACTIVE, NONE, PREAMBLE, FormatError, decode_preamble
from .rangeset import RangeSet
from .uris import STD_PROPERTY_URI

_SAMPLE = 64      # the sparse index over the sorted codes takes every 64th
_VALUE_KEY = {"code": "valueCode", "string": "valueString", "boolean": "valueBoolean", "integer": "valueInteger",
              "Coding": "valueCoding", "dateTime": "valueDateTime", "decimal": "valueDecimal"}


class CompactCodeSystem:
    """A read-only, memory-mapped code system version."""

    trimmed = True          # no concepts in .resource: the read route has to say SUBSETTED
    supplements = None

    def __init__(self, path: str | Path):
        self.source_path = str(path)
        with open(path, "rb") as fh:
            self._mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        buf = memoryview(self._mm)
        hlen = decode_preamble(buf)
        try:
            header = json.loads(bytes(buf[PREAMBLE.size:PREAMBLE.size + hlen]))
        except ValueError as exc:
            raise FormatError(f"{path}: unreadable header: {exc}") from None
        self.header = header
        self._a: dict[str, memoryview] = {}
        for name, (offset, length, typecode) in header["sections"].items():
            view = buf[offset:offset + length]
            self._a[name] = view if typecode == "s" else view.cast(typecode)
        self._str_off, self._str = self._a["str_off"], self._a["str"]
        self.count = header["count"]
        self.langs: list = header["langs"]
        self.uses: list = header["uses"]
        self.roles: dict = header.get("roles", {})
        self.statuses: list = header["statuses"]
        self.refset_codes: list[str] = header["refsets"]
        self._refset_index = {r: k for k, r in enumerate(self.refset_codes)}
        self.prop_names: list[str] = header["props"]
        res = header["resource"]
        self.resource = res
        self.url = res.get("url")
        self.version = res.get("version")
        self.name = res.get("name")
        self.title = res.get("title")
        self.status = res.get("status")
        self.content = res.get("content", "complete")
        self.case_sensitive = bool(header.get("case_sensitive", True))
        self.language = res.get("language")
        self.hierarchy_meaning = res.get("hierarchyMeaning")
        self.property_defs = {p["code"]: p for p in res.get("property", []) if "code" in p}
        self.filters = res.get("filter", [])
        self._uri_codes = {p.get("uri"): c for c, p in self.property_defs.items() if p.get("uri")}
        self.concepts = _Concepts(self)
        self.ordered = _Ordered(self)
        self._roots = None
        self._sets: dict = {}   # whole-system sets derived on first use (flags, links, refsets)

    # ---- strings and codes -----------------------------------------------------------
    def string(self, k: int) -> str | None:
        if k == NONE:
            return None
        off = self._str_off
        return str(self._str[off[k]:off[k + 1]], "utf-8")

    def _code_bytes(self, i: int) -> bytes:
        k = self._a["code"][i]
        off = self._str_off
        raw = bytes(self._str[off[k]:off[k + 1]])
        return raw if self.case_sensitive else raw.lower()

    def code_at(self, i: int) -> str:
        return self.string(self._a["code"][i])

    def index_of(self, code, *, exact: bool = False) -> int | None:
        """The concept number of code (folded when the system is not case-sensitive, unless exact)."""
        if not isinstance(code, str) or not code:
            return None
        want = code.encode("utf-8")
        if not self.case_sensitive:
            want = want.lower()
        srt = self._a["code_sorted"]
        j = bisect_right(self._code_samples(), want) - 1       # C speed over every 64th code, then <= 6 steps
        if j < 0:
            k = 0                                              # before the first code: not there
        else:
            lo = j * _SAMPLE
            k = bisect_left(srt, want, lo, min(lo + _SAMPLE, len(srt)), key=self._code_bytes)
        if k == len(srt) or self._code_bytes(srt[k]) != want:
            return None
        i = srt[k]
        if exact and not self.case_sensitive and self.code_at(i) != code:
            return None
        return i

    def _code_samples(self) -> list[bytes]:
        """Every 64th code of the sorted code index (kept; made in ``prepare``, before the workers fork)."""
        samples = self._sets.get("code_samples")
        if samples is None:
            srt = self._a["code_sorted"]
            samples = self._sets["code_samples"] = [self._code_bytes(srt[k]) for k in range(0, len(srt), _SAMPLE)]
        return samples

    def concept_at(self, i: int) -> CompactConcept:
        return CompactConcept(self, i)

    # ---- the CodeSystemIndex surface -------------------------------------------------------
    def locate(self, code) -> CompactConcept | None:
        i = self.index_of(code)
        return None if i is None else CompactConcept(self, i)

    def _std_code(self, std: str) -> str:
        return self._uri_codes.get(STD_PROPERTY_URI + std, std)

    # ---- the rest of the provider protocol (provider.CodeSystemProvider) ----------------------------
    std_code = _std_code
    designations_only = False

    @property
    def metadata(self) -> dict:
        return self.resource

    def full_resource(self) -> dict:
        """The resource without its concepts: a release this large is not served whole (read says SUBSETTED)."""
        return self.resource

    @property
    def size(self) -> int:
        return self.count

    def concept(self, code: str):
        i = self.index_of(code, exact=True)
        return None if i is None else CompactConcept(self, i)

    def has(self, code: str) -> bool:
        return self.index_of(code, exact=True) is not None

    def iter_concepts(self):
        return (CompactConcept(self, i) for i in range(self.count))

    def display_of(self, code: str) -> str | None:
        c = self.concept(code)
        return c.display if c is not None else None

    @property
    def roots(self) -> list[str]:
        if self._roots is None:
            self._roots = [self.code_at(i) for i in self.all_ids(active_only=True) - self.linked_ids("par")]
        return self._roots

    def descendants(self, code: str) -> frozenset:
        """Codes strictly below code (compatibility: builds a set; prefer ``reach``)."""
        i = self.index_of(code)
        if i is None:
            return frozenset()
        return frozenset(self.code_at(k) for k in self.reach(i) if k != i)

    def ancestors(self, code: str) -> set[str]:
        i = self.index_of(code)
        return set() if i is None else {self.code_at(k) for k in self.ancestor_ids(i)}

    def subsumes(self, a: str, b: str) -> bool:
        """True if a is b or an ancestor of b."""
        if a == b:
            return True
        ia, ib = self.index_of(a), self.index_of(b)
        return ia is not None and ib is not None and self.is_descendant_or_self(ib, ia)

    def is_inactive(self, concept) -> bool:
        return concept.inactive

    @property
    def canonical(self) -> str:
        return f"{self.url}|{self.version}" if self.version else (self.url or "")

    # ---- hierarchy by number -------------------------------------------------------------------
    def parent_ids(self, i: int):
        off = self._a["par_off"]
        return self._a["par"][off[i]:off[i + 1]].tolist()

    def child_ids(self, i: int):
        off = self._a["chi_off"]
        return self._a["chi"][off[i]:off[i + 1]].tolist()

    def ancestor_ids(self, i: int) -> set[int]:
        seen: set[int] = set()
        stack = self.parent_ids(i)
        while stack:
            cur = stack.pop()
            if cur not in seen and cur != i:
                seen.add(cur)
                stack.extend(self.parent_ids(cur))
        return seen

    def _reach_flat(self, i: int):
        off = self._a["reach_off"]
        return self._a["reach"][off[i]:off[i + 1]]

    def reach(self, i: int) -> RangeSet:
        """Descendants-or-self of concept number i."""
        flat = self._reach_flat(i).tolist()
        return RangeSet._raw(flat[0::2], flat[1::2])

    def descendant_count(self, i: int, *, self_too: bool = True) -> int:
        return self._a["reach_n"][i] - (0 if self_too else 1)

    def is_descendant_or_self(self, i: int, ancestor: int) -> bool:
        """Is concept i the concept ``ancestor`` or below it? (a binary search in its intervals)"""
        flat = self._reach_flat(ancestor)
        lo, hi = 0, len(flat) // 2
        while lo < hi:
            mid = (lo + hi) // 2
            if flat[2 * mid + 1] <= i:
                lo = mid + 1
            else:
                hi = mid
        return lo < len(flat) // 2 and flat[2 * lo] <= i

    def linked_ids(self, kind: str) -> RangeSet:
        """Concepts with at least one parent ("par") or child ("chi"); computed once (C-speed), then kept."""
        def build():
            off = self._a[f"{kind}_off"]
            return _runs(bytes(map(operator.ne, off[:-1], off[1:])))
        return self._derived(f"linked.{kind}", build)

    def flagged_ids(self, flag: int) -> RangeSet:
        """Concepts with a flag bit set (FLAG_INACTIVE, FLAG_ABSTRACT, ...); computed once, then kept."""
        def build():
            table = bytes(1 if b & flag else 0 for b in range(256))
            return _runs(bytes(self._a["flags"]).translate(table))
        return self._derived(f"flag.{flag}", build)

    def inactive_ids(self) -> RangeSet:
        return self.flagged_ids(FLAG_INACTIVE)

    def abstract_ids(self) -> RangeSet:
        return self.flagged_ids(FLAG_ABSTRACT)

    def all_ids(self, *, active_only: bool = False) -> RangeSet:
        if not active_only:
            return RangeSet.span(0, self.count)
        return self._derived("active", lambda: RangeSet.span(0, self.count) - self.inactive_ids())

    def _derived(self, key: str, build):
        """Whole-system sets kept once computed (immutable; a race computes one twice, harmlessly)."""
        hit = self._sets.get(key)
        if hit is None:
            hit = self._sets[key] = build()
        return hit

    def prepare(self) -> None:
        """Compute the whole-system sets before workers fork, so that every worker shares them."""
        self._code_samples()
        self.all_ids(active_only=True)
        self.abstract_ids()
        self.linked_ids("par")
        self.linked_ids("chi")

    # ---- designations and properties -------------------------------------------------------------
    def designations_of(self, i: int) -> list[dict]:
        off = self._a["des_off"]
        strs, langs, uses = self._a["des_str"], self._a["des_lang"], self._a["des_use"]
        out = []
        for k in range(off[i], off[i + 1]):
            d: dict = {}
            lang = self.langs[langs[k]]
            if lang:
                d["language"] = lang
            use = self.uses[uses[k]]
            if use:
                d["use"] = dict(use)
            d["value"] = self.string(strs[k])
            out.append(d)
        return out

    def _designation(self, i: int, role: str, lang: str | None) -> str | None:
        use = self.roles.get(role)
        if use is None:
            return None
        off = self._a["des_off"]
        strs, langs, uses = self._a["des_str"], self._a["des_lang"], self._a["des_use"]
        for k in range(off[i], off[i + 1]):
            if uses[k] == use and (lang is None or (self.langs[langs[k]] or "").lower() == lang.lower()):
                return self.string(strs[k])
        return None

    def fsn(self, code: str) -> str | None:
        """The fully specified name (SNOMED CT), if the system has one."""
        i = self.index_of(code)
        return None if i is None else self._designation(i, "fsn", None)

    def preferred_term(self, code: str, lang: str | None = None) -> str | None:
        """The preferred term in a language/dialect (e.g. en-GB), else the display."""
        i = self.index_of(code)
        if i is None:
            return None
        if lang:
            hit = self._designation(i, "preferred", lang)
            if hit is not None:
                return hit
        return self.string(self._a["display"][i])

    def property_value(self, i: int, prop: str) -> str | None:
        col = self._a.get(f"prop.{prop}")
        if col is None or not col[i]:
            return None
        return self.string(col[i] - 1)

    def properties_of(self, i: int) -> list[tuple[str, str, object]]:
        out = []
        for p in self.prop_names:
            value = self.property_value(i, p)
            if value is not None:
                ptype = (self.property_defs.get(p) or {}).get("type", "string")
                out.append((p, _VALUE_KEY.get(ptype, "valueString"), value))
        return out

    def property_values(self, prop: str) -> list[str]:
        """The distinct values of a property, sorted."""
        return [self.string(k) for k in self._a.get(f"pv.{prop}", [])]

    def with_property(self, prop: str, match) -> RangeSet | None:
        """Concepts whose value of prop satisfies match(value) (a predicate on the distinct values); None when
        the file has no postings for prop."""
        values = self._a.get(f"pv.{prop}")
        if values is None:
            return None
        off, ids = self._a[f"pv_off.{prop}"], self._a[f"pv_ids.{prop}"]
        hits = [k for k in range(len(values)) if match(self.string(values[k]))]
        if len(hits) == 1:
            return RangeSet.from_sorted(ids[off[hits[0]]:off[hits[0] + 1]].tolist())
        return RangeSet.from_ids(x for k in hits for x in ids[off[k]:off[k + 1]].tolist())

    # ---- refsets -----------------------------------------------------------------------------------
    def refset_members(self, refset: str) -> RangeSet | None:
        """Members of a simple refset (None if the release has no such refset); kept once built."""
        if refset not in self._refset_index:
            return None

        def build():
            r = self._refset_index[refset]
            off = self._a["ref_off"]
            return RangeSet.from_sorted(self._a["ref"][off[r]:off[r + 1]].tolist())
        return self._derived("refset." + refset, build)

    def in_refset(self, refset: str, code: str) -> bool:
        i = self.index_of(code)
        members = self.refset_members(refset)
        return i is not None and members is not None and i in members

    # ---- text ---------------------------------------------------------------------------------------
    def text_search(self, text: str | None):
        """Concept numbers (ascending; a list or an array view) matching a text filter as ``text_index``
        matches; None when the text filters nothing."""
        from .compact_text import search
        return search(self, text)


_RUN = re.compile(rb"\x01+")


def _runs(mask: bytes) -> RangeSet:
    """The positions of the 1 bytes of a 0/1 mask, as a RangeSet (runs found by the regex engine, not a loop)."""
    lo, hi = [], []
    for m in _RUN.finditer(mask):
        lo.append(m.start())
        hi.append(m.end())
    return RangeSet._raw(lo, hi)
