"""The only place that selects from an expansion's entries: the text filter, activeOnly, excludeNotForUI,
counting, paging and the size limit. The entries come from ``expand.Expander``; rendering is
``expansion_render``."""
from __future__ import annotations

from ..errors import TooCostly
from . import text_index

_WORD = text_index._WORD


def text_matcher(text: str | None):
    """Word-prefix, case- and accent-insensitive matcher for the $expand `filter` parameter."""
    terms = text_index.terms_of(text)
    if terms is None:
        return None

    def match(candidates: list[str]) -> bool:
        for cand in candidates:
            words = [text_index.fold(w) for w in _WORD.findall(cand)]
            if all(any(w.startswith(t) for w in words) for t in terms):
                return True
        return False
    return match


def entry_texts(e) -> list[str]:
    out = []
    if e.display:
        out.append(e.display)
    if e.concept is not None:
        if e.concept.display and e.concept.display != e.display:
            out.append(e.concept.display)
        out.extend(d.get("value", "") for d in e.concept.designations)
    out.append(e.code)
    return out


def select_entries(entries: list, *, active_only: bool, text: str | None, exclude_not_for_ui: bool):
    match = text_matcher(text)
    if match is not None and text_index.applies(entries):   # token index: the same matches, no scan
        entries, match = text_index.filter_entries(entries, text, match, entry_texts), None
        if not active_only and not exclude_not_for_ui:
            return entries
    out = []
    for e in entries:
        if active_only and e.inactive:
            continue
        if exclude_not_for_ui and e.abstract:
            continue
        if match is not None and not match(entry_texts(e)):
            continue
        out.append(e)
    return out


def page(entries: list, *, offset: int, count: int | None, max_size: int, canonical: str) -> list:
    """Slice after filtering. Refuse to render more than max_size codes (total is still known)."""
    end = len(entries) if count is None else min(len(entries), offset + count)
    if count is None and len(entries) - offset > max_size:
        raise TooCostly(f"The value set '{canonical}' expansion has too many codes to produce (>{max_size})",
                        message_id="VALUESET_TOO_COSTLY")
    return entries[offset:end]
