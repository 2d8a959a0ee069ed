"""The code-system provider protocol: everything the engine asks of a code system.

Implemented by ``codesystem.CodeSystemIndex`` (FHIR CodeSystem resources) and ``compact.CompactCodeSystem``
(large imported terminologies, memory-mapped). The registry holds providers; no engine module outside the
providers themselves reaches into their internals (``tests/test_layering.py`` checks it).

A concept (``Concept`` / ``CompactConcept``) offers: ``code``, ``display``, ``definition``, ``designations``
(dicts with language, use, value), ``properties`` ((code, value[x] key, value) triples),
``property_values(code)``, ``parents``/``children`` (codes), ``abstract``, ``inactive``, ``deprecated``,
``status``, ``order`` (position in code-system order), ``extensions``, ``ext_props``.

The scale surface works on positions (``order``, 0 .. size-1) and ``rangeset.RangeSet``s of them, so that an
include over a large system (``is-a X`` of SNOMED CT, a refset, an ECL result, a LOINC property value) is a
few intervals, paged and counted without one Python object per concept (``entry_spans``). The compact
provider numbers concepts in hierarchy pre-order, so ``reach`` is a few intervals; ``CodeSystemIndex`` builds
its sets from its concepts (and caches ``reach``).
"""
from __future__ import annotations

from typing import Iterator, Protocol, runtime_checkable


@runtime_checkable
class CodeSystemProvider(Protocol):
    url: str | None
    version: str | None
    name: str | None
    title: str | None
    status: str | None
    content: str                 # complete | fragment | example | not-present | supplement
    case_sensitive: bool
    language: str | None
    supplements: str | None      # the base system of a supplement
    hierarchy_meaning: str | None
    property_defs: dict          # code -> CodeSystem.property
    filters: list                # CodeSystem.filter
    trimmed: bool                # True when the concepts are not held as a resource (read them with full_resource)

    @property
    def canonical(self) -> str: ...
    @property
    def metadata(self) -> dict: ...        # the CodeSystem resource without (or with) its concepts
    @property
    def size(self) -> int: ...
    @property
    def roots(self) -> list[str]: ...
    @property
    def designations_only(self) -> bool: ...   # a supplement that adds only designations (a language pack)

    def full_resource(self) -> dict: ...
    def locate(self, code: str): ...                  # case folding when not case-sensitive
    def concept(self, code: str): ...                 # the exact code
    def has(self, code: str) -> bool: ...
    def iter_concepts(self) -> Iterator: ...          # code-system order
    def concept_at(self, order: int): ...
    def display_of(self, code: str) -> str | None: ...
    def descendants(self, code: str) -> frozenset: ...
    def ancestors(self, code: str) -> set: ...
    def subsumes(self, a: str, b: str) -> bool: ...
    def is_inactive(self, concept) -> bool: ...
    def std_code(self, std: str) -> str: ...
    def text_search(self, text: str | None): ...      # ascending positions matching a text filter, or None

    # ---- the scale surface: positions and RangeSets of them ------------------------------------------------
    refset_codes: list                                # SNOMED CT simple refsets the provider holds (else empty)

    def index_of(self, code: str, *, exact: bool = False) -> int | None: ...   # locate (or concept) -> position
    def code_at(self, i: int) -> str: ...
    def parent_ids(self, i: int) -> list[int]: ...
    def child_ids(self, i: int) -> list[int]: ...
    def ancestor_ids(self, i: int) -> set[int]: ...
    def reach(self, i: int): ...                      # descendants-or-self of i, a RangeSet
    def is_descendant_or_self(self, i: int, ancestor: int) -> bool: ...
    def all_ids(self, *, active_only: bool = False): ...
    def inactive_ids(self): ...
    def abstract_ids(self): ...
    def linked_ids(self, kind: str): ...              # "par": with a parent, "chi": with a child
    def refset_members(self, refset: str): ...        # RangeSet, or None when not a refset of the provider
    def with_property(self, prop: str, match): ...    # RangeSet of concepts whose value matches, or None (no postings)
