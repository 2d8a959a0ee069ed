"""The text filter over a CompactCodeSystem's word index: the semantics of ``text_index`` (a concept
matches when one of its texts has, for every term, a word starting with the term; case- and
accent-insensitive), answered from the mapped token table and postings."""
from __future__ import annotations

from bisect import bisect_left

from .text_index import _MAX_CHAR, terms_of


def _token_range(cs, term: str) -> range:
    a = cs._a
    off, blob = a["tok_off"], a["tok"]

    def key(t: int) -> bytes:
        return bytes(blob[off[t]:off[t + 1]])

    n = len(off) - 1
    lo = bisect_left(range(n), term.encode("utf-8"), key=key)
    hi = bisect_left(range(n), (term + _MAX_CHAR).encode("utf-8"), lo, key=key)
    return range(lo, hi)


def _postings(cs, kind: str, tokens: range) -> list[int] | set[int]:
    """Concept ("c") or text-pair ("p") postings of a token range: a sorted list for one token, else a set."""
    off, ids = cs._a[f"tok{kind}_off"], cs._a[f"tok{kind}"]
    if len(tokens) == 1:
        t = tokens[0]
        return ids[off[t]:off[t + 1]].tolist()
    out: set[int] = set()
    for t in tokens:
        out.update(ids[off[t]:off[t + 1]])
    return out


def search(cs, text: str | None) -> list[int] | None:
    terms = terms_of(text)
    if terms is None:
        return None
    if len(terms) == 1:
        hits = _postings(cs, "c", _token_range(cs, terms[0]))
        return hits if isinstance(hits, list) else sorted(hits)
    pairs: set[int] | None = None
    for term in sorted(terms, key=len, reverse=True):     # longer terms match fewer words
        hits = _postings(cs, "p", _token_range(cs, term))
        pairs = set(hits) if pairs is None else pairs.intersection(hits)
        if not pairs:
            return []
    pc = cs._a["pair_c"]
    return sorted({pc[p] for p in pairs})
