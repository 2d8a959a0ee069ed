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


def _postings(cs, kind: str, tokens: range):
    """Concept ("c") or text-pair ("p") postings of a token range, ascending: a stored array (one token,
    or a heavy range merged at import) or a sorted list."""
    a = cs._a
    if len(tokens) == 1:
        off, ids = a[f"tok{kind}_off"], a[f"tok{kind}"]
        t = tokens[0]
        return ids[off[t]:off[t + 1]]
    if not tokens:
        return []
    keys = a["hv_key"]
    key = (tokens.start << 32) | tokens.stop
    k = bisect_left(keys, key)
    if k < len(keys) and keys[k] == key:
        off, ids = a[f"hv{kind}_off"], a[f"hv{kind}"]
        return ids[off[k]:off[k + 1]]
    off, ids = a[f"tok{kind}_off"], a[f"tok{kind}"]
    out: set[int] = set()
    for t in tokens:
        out.update(ids[off[t]:off[t + 1]])
    return sorted(out)


def search(cs, text: str | None):
    """Ascending concept numbers matching the filter (a list or an array view: len, slicing), or None."""
    terms = terms_of(text)
    if terms is None:
        return None
    if len(terms) == 1:
        return _postings(cs, "c", _token_range(cs, terms[0]))
    lists = sorted((_postings(cs, "p", _token_range(cs, t)) for t in terms), key=len)
    if not lists[0]:
        return []
    pairs = set(lists[0])
    for other in lists[1:]:
        if len(pairs) * 24 < len(other):    # few candidates, a long list: binary searches beat a scan
            pairs = {p for p in pairs if _has(other, p)}
        else:
            pairs.intersection_update(other)
        if not pairs:
            return []
    pc = cs._a["pair_c"]
    return sorted({pc[p] for p in pairs})


def _has(ids, x: int) -> bool:
    k = bisect_left(ids, x)
    return k < len(ids) and ids[k] == x
