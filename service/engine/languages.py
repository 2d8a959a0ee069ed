"""Language preferences and display choice (one resolver for every operation).

``displayLanguage`` overrides Accept-Language for displays; BCP-47 fallback
(de-AT -> de); ``*`` means any language.
"""
from __future__ import annotations

import re

from ..errors import Invalid

_TAG = re.compile(r"^(\*|[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|\d{3}))?(-([A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*)$")
DISPLAY_USES = {("http://terminology.hl7.org/CodeSystem/designation-usage", "display"),
                ("http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra", "preferredForLanguage")}


class LanguagePrefs:
    """An ordered list of language tags (highest preference first)."""

    __slots__ = ("tags", "source", "raw", "no_default")

    def __init__(self, tags: list[str], source: str, raw: str | None, no_default: bool = False):
        self.tags = tags
        self.source = source  # 'param', 'header' or 'none'
        self.raw = raw
        self.no_default = no_default  # '*;q=0': never fall back to the default display

    def __bool__(self) -> bool:
        return bool(self.tags)

    @property
    def wildcard_only(self) -> bool:
        return all(t == "*" for t in self.tags)


def valid_tag(tag: str) -> bool:
    return bool(_TAG.match(tag))


def parse_language_list(value: str | None, source: str) -> LanguagePrefs:
    """Parse an Accept-Language style list ('de-AT, en;q=0.5, *')."""
    if not value or not value.strip():
        return LanguagePrefs([], "none", None)
    items = []
    no_default = False
    for pos, part in enumerate(value.split(",")):
        part = part.strip()
        if not part:
            continue
        tag, _, rest = part.partition(";")
        tag = tag.strip()
        q = 1.0
        rest = rest.strip()
        if rest.startswith("q="):
            try:
                q = float(rest[2:])
            except ValueError:
                raise Invalid(f"Invalid language quality value in '{value}'") from None
        if not valid_tag(tag):
            raise Invalid(f"Invalid language code '{tag}' in '{value}'", tx_code="invalid-data")
        if q > 0:
            items.append((-q, pos, tag))
        elif tag == "*":
            no_default = True
    items.sort()
    return LanguagePrefs([t for _q, _p, t in items], source, value, no_default)


def lang_matches(wanted: str, actual: str | None) -> bool:
    """Does a designation language satisfy a wanted tag? (exact, or prefix fallback both ways)."""
    if actual is None:
        return False
    if wanted == "*":
        return True
    w, a = wanted.lower(), actual.lower()
    return a == w or w.startswith(a + "-") or a.startswith(w + "-")


def choose_display(concept, cs_language: str | None, prefs: LanguagePrefs,
                   extra_designations: list[dict] | None = None, *, hard: bool = False) -> str | None:
    """The display to show for concept under the language preferences.

    With hard=True (an explicit displayLanguage without '*'), a concept that has
    no display in any requested language gets none rather than the default one.
    """
    if not prefs or prefs.wildcard_only:
        return concept.display
    default_lang = cs_language
    designations = list(concept.designations) + list(extra_designations or [])
    for wanted in prefs.tags:
        if wanted == "*":
            return concept.display
        # exact before prefix fallback
        for strict in (True, False):
            if concept.display and default_lang and _match(wanted, default_lang, strict):
                return concept.display
            best = None
            for d in designations:
                lang = d.get("language")
                if lang and _match(wanted, lang, strict) and d.get("value"):
                    use = d.get("use") or {}
                    if (use.get("system"), use.get("code")) in DISPLAY_USES or not use:
                        return d["value"]
                    best = best or d["value"]
            if best:
                return best
    if hard and prefs.no_default:
        return None
    return concept.display


def _match(wanted: str, actual: str, strict: bool) -> bool:
    if strict:
        return wanted.lower() == actual.lower()
    return lang_matches(wanted, actual)


def displays_for(concept, cs_language: str | None, prefs: LanguagePrefs | None,
                 extra_designations: list[dict] | None = None, own: bool = True) -> list[tuple[str, str | None]]:
    """Every (text, language) the concept can be displayed as, restricted to prefs if given.

    With own=False only extra_designations are used besides the display (the caller passes the
    concept's designations it wants considered)."""
    out: list[tuple[str, str | None]] = []
    if concept.display:
        out.append((concept.display, cs_language))
    for d in (list(concept.designations) if own else []) + list(extra_designations or []):
        use = d.get("use") or {}
        if use and not d.get("language") and (use.get("system"), use.get("code")) not in DISPLAY_USES:
            continue   # e.g. a search synonym in no particular language: not a display
        if d.get("value"):
            out.append((d["value"], d.get("language")))
    if prefs and not prefs.wildcard_only:
        wanted = [t for t in prefs.tags if t != "*"]
        restricted = [(t, lang) for t, lang in out
                      if lang is None or any(lang_matches(w, lang) for w in wanted)]
        return restricted
    return out
