"""The only place that selects from an expansion's entries: the text filter, activeOnly, excludeNotForUI,
counting, paging and the size limit. The entries come from ``expand.Expander``; rendering is
``expansion_render``."""
from __future__ import annotations

from ..errors import TooCostly
from . import text_index
from .entry_spans import Entries, Span, restrict

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


def select_entries(entries, *, active_only: bool, text: str | None, exclude_not_for_ui: bool):
    """The entries kept by activeOnly, excludeNotForUI and the text filter, in order (Entries stay Entries:
    their spans are filtered as sets, ``select_span``)."""
    if isinstance(entries, Entries):
        opts = {"active_only": active_only, "text": text, "exclude_not_for_ui": exclude_not_for_ui}
        return Entries([select_span(p, **opts) if isinstance(p, Span) else select_entries(p, **opts)
                        for p in entries.parts])
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


def select_span(span: Span, *, active_only: bool, text: str | None, exclude_not_for_ui: bool) -> Span:
    """select_entries for a span: set differences, and the provider's word index for the text."""
    cs, ids = span.cs, span.ids
    if active_only:
        ids = ids - cs.inactive_ids()
    if exclude_not_for_ui:
        ids = ids - cs.abstract_ids()
    if text_index.terms_of(text) is not None:
        ids = restrict(ids, cs.text_search(text))
    return span.with_ids(ids)


def page(entries, *, offset: int, count: int | None, max_size: int, canonical: str) -> list:
    """Slice after filtering. Refuse to render more than max_size codes (total is still known)."""
    total = len(entries)
    end = total if count is None else min(total, offset + count)
    if count is None and total - offset > max_size:
        raise TooCostly(f"The value set '{canonical}' expansion has too many codes to produce (>{max_size})",
                        message_id="VALUESET_TOO_COSTLY")
    if isinstance(entries, Entries):
        return entries.take(offset, end - offset) if end > offset else []
    return entries[offset:end]
