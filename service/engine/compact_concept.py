"""The concept views of a ``CompactCodeSystem``: ``CompactConcept`` (the attributes of ``codesystem.Concept``,
read from the mapped arrays on access) and the read-only ``concepts`` mapping / ``ordered`` sequence kept for
tools and tests (engine modules use the provider protocol, not these)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from .compact_format import FLAG_ABSTRACT, FLAG_DEPRECATED, FLAG_INACTIVE


class CompactConcept:
    """A concept as the engine sees it (the attributes of ``codesystem.Concept``), read from the arrays."""

    __slots__ = ("_cs", "order", "code", "display", "definition", "abstract", "inactive", "deprecated",
                 "status", "_des")
    extensions: tuple = ()
    ext_props: tuple = ()

    def __init__(self, cs, i: int):
        self._cs = cs
        self.order = i
        self.code = cs.code_at(i)
        self.display = cs.string(cs._a["display"][i])
        self.definition = cs.string(cs._a["definition"][i])
        flags = cs._a["flags"][i]
        self.inactive = bool(flags & FLAG_INACTIVE)
        self.abstract = bool(flags & FLAG_ABSTRACT)
        self.deprecated = bool(flags & FLAG_DEPRECATED)
        self.status = cs.statuses[cs._a["status"][i]]
        self._des = None

    @property
    def designations(self) -> list[dict]:
        if self._des is None:
            self._des = self._cs.designations_of(self.order)
        return self._des

    @property
    def parents(self) -> list[str]:
        return [self._cs.code_at(p) for p in self._cs.parent_ids(self.order)]

    @property
    def children(self) -> list[str]:
        return [self._cs.code_at(c) for c in self._cs.child_ids(self.order)]

    @property
    def properties(self) -> list[tuple[str, str, object]]:
        return self._cs.properties_of(self.order)

    def property_values(self, code: str) -> list:
        return [v for c, _k, v in self.properties if c == code]

    def __repr__(self) -> str:
        return f"CompactConcept({self.code!r}, {self.display!r})"


class _Concepts(Mapping):
    """``cs.concepts``: code -> concept, exact codes (as CodeSystemIndex.concepts)."""

    def __init__(self, cs):
        self._cs = cs

    def __getitem__(self, code):
        i = self._cs.index_of(code, exact=True)
        if i is None:
            raise KeyError(code)
        return CompactConcept(self._cs, i)

    def __contains__(self, code) -> bool:
        return self._cs.index_of(code, exact=True) is not None

    def __iter__(self):
        return (self._cs.code_at(i) for i in range(self._cs.count))

    def __len__(self) -> int:
        return self._cs.count


class _Ordered(Sequence):
    """``cs.ordered``: the concepts in code-system order, made on access."""

    def __init__(self, cs):
        self._cs = cs

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [CompactConcept(self._cs, k) for k in range(*i.indices(self._cs.count))]
        if i < 0:
            i += self._cs.count
        if not 0 <= i < self._cs.count:
            raise IndexError(i)
        return CompactConcept(self._cs, i)

    def __len__(self) -> int:
        return self._cs.count
