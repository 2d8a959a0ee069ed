"""Word-prefix token index over a CodeSystemIndex, for the $expand ``filter`` parameter.

Same semantics as ``expansion_select.text_matcher`` applied to the texts of an entry of a
whole-code-system include (display, designation values, code): a concept matches when one of
its texts has, for every filter term, a word that starts with the term (words and terms folded
the same way: case- and accent-insensitive). Terms are matched per text ("pair"), so "all
terms in the same text" is kept exactly.

Layout: every (concept, text) pair gets an increasing id (so sorting pair ids sorts concepts in
code-system order); ``tokens`` is the sorted list of distinct folded words, ``postings[i]`` the
sorted pair ids whose text has ``tokens[i]``. A prefix is a contiguous range of ``tokens``
(bisect), so a term costs O(log V + matches).

Built lazily on first use and kept on the CodeSystemIndex (``for_codesystem``); immutable
afterwards, so it is shared by threads and, when built before a fork, by workers.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left

from ..errors import Invalid

_WORD = re.compile(r"[\w]+", re.UNICODE)   # the tokenisation of expansion_select.text_matcher
_ATTR = "_text_index"
_MAX_CHAR = "\U0010ffff"


MAX_TERMS = 20   # distinct words in one text filter; more is refused rather than searched


def fold(word: str) -> str:
    """Folded for matching: NFKD, combining marks dropped, lower-case; ASCII fast path."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def terms_of(text: str | None) -> list[str] | None:
    """The folded filter terms, or None when the text filters nothing (as text_matcher returns None)."""
    if not text or not text.strip():
        return None
    terms = list(dict.fromkeys(fold(t) for t in _WORD.findall(text)))
    # a term that starts another term adds nothing: the longer one already needs such a word
    terms = [t for t in terms if not any(o != t and o.startswith(t) for o in terms)]
    if len(terms) > MAX_TERMS:
        raise Invalid(f"The text filter has {len(terms)} different words; at most {MAX_TERMS} are supported")
    return terms or None


def concept_texts(concept) -> list[str]:
    """expansion_select.entry_texts for an entry made from the concept itself (no value-set display)."""
    out = []
    if concept.display:
        out.append(concept.display)
    out.extend(d.get("value", "") for d in concept.designations)
    out.append(concept.code)
    return out


class TextIndex:
    __slots__ = ("tokens", "postings", "concept_postings", "pair_concept", "size")

    def __init__(self, concepts: list):
        by_token: dict[str, list[int]] = {}
        by_token_concept: dict[str, list[int]] = {}
        pair_concept = array("i")
        pair = 0
        for order, concept in enumerate(concepts):
            in_concept: set[str] = set()
            for text in concept_texts(concept):
                words = _WORD.findall(text)
                if words:
                    seen = set()
                    for w in words:
                        t = fold(w)
                        if t not in seen:
                            seen.add(t)
                            lst = by_token.get(t)
                            if lst is None:
                                by_token[t] = [pair]
                            else:
                                lst.append(pair)
                            if t not in in_concept:
                                in_concept.add(t)
                                by_token_concept.setdefault(t, []).append(order)
                pair_concept.append(order)
                pair += 1
        self.tokens = sorted(by_token)
        self.postings = [array("i", by_token[t]) for t in self.tokens]
        self.concept_postings = [array("i", by_token_concept[t]) for t in self.tokens]
        self.pair_concept = pair_concept
        self.size = len(concepts)

    def _range(self, term: str) -> range:
        lo = bisect_left(self.tokens, term)
        return range(lo, bisect_left(self.tokens, term + _MAX_CHAR, lo))

    def _pairs(self, term: str) -> set[int]:
        out: set[int] = set()
        for i in self._range(term):
            out.update(self.postings[i])
        return out

    def search(self, terms: list[str]) -> list[int]:
        """Sorted concept orders (positions in code-system order) matching every term in one text."""
        if len(terms) == 1:           # one term: concept-level postings, no pair mapping
            rng = self._range(terms[0])
            if len(rng) == 1:
                return list(self.concept_postings[rng[0]])
            orders: set[int] = set()
            for i in rng:
                orders.update(self.concept_postings[i])
            return sorted(orders)
        pairs: set[int] | None = None
        # rarest term first keeps the intersection small
        for term in sorted(terms, key=len, reverse=True):
            hits = self._pairs(term)
            pairs = hits if pairs is None else pairs & hits
            if not pairs:
                return []
        pc = self.pair_concept
        return sorted({pc[p] for p in pairs})


def for_codesystem(cs) -> TextIndex:
    """The (lazily built, cached on the CodeSystemIndex) token index of cs."""
    idx = cs.__dict__.get(_ATTR)
    if idx is None or idx.size != cs.size:
        idx = TextIndex(list(cs.iter_concepts()))
        setattr(cs, _ATTR, idx)
    return idx


class WholeSystem(list):
    """Expansion entries that are exactly one code system's concepts, in order (entries[i] <-> cs.concept_at(i)),
    each made from the concept alone (no value-set display/designations). Tags a list so that
    ``select_entries`` can use the token index instead of scanning."""

    __slots__ = ("cs",)


def tag_whole_system(entries: list):
    """A WholeSystem view of entries when they qualify, else entries unchanged (O(n), done once per cache fill)."""
    if not entries or isinstance(entries, WholeSystem):
        return entries
    cs = entries[0].cs
    if cs is None or len(entries) != cs.size:
        return entries
    for e, c in zip(entries, cs.iter_concepts()):
        if e.cs is not cs or e.code != c.code or e.src is not None or e.display != c.display:
            return entries
    out = WholeSystem(entries)
    out.cs = cs
    return out


MIN_ENTRIES = 100   # below this many entries a linear scan is as cheap as set look-ups


def applies(entries: list) -> bool:
    """Whether filter_entries is worth using for these entries."""
    return isinstance(entries, WholeSystem) or len(entries) >= MIN_ENTRIES


def filter_entries(entries: list, text: str | None, match, entry_texts) -> list:
    """The entries whose texts match text, in order: what ``[e for e in entries if match(entry_texts(e))]``
    gives, using each code system's token index for entries made from a concept alone and ``match``
    for the rest (entries with a value-set display or designations, or from a stored expansion)."""
    terms = terms_of(text)
    if terms is None:
        return list(entries)
    if isinstance(entries, WholeSystem):
        return list(map(entries.__getitem__, entries.cs.text_search(text)))
    hits_by_cs: dict[int, set[int]] = {}
    out = []
    for e in entries:
        c, cs = e.concept, e.cs
        if (c is not None and cs is not None and e.src is None and e.display == c.display
                and c.order < cs.size and cs.concept_at(c.order).code == c.code):
            hits = hits_by_cs.get(id(cs))
            if hits is None:
                hits = hits_by_cs[id(cs)] = set(cs.text_search(text))
            if c.order in hits:
                out.append(e)
        elif match(entry_texts(e)):
            out.append(e)
    return out
