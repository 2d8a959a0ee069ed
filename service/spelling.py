"""US and British English spellings of the words our content uses.

The content's main text (display, definition, synonyms, property text) is en-US; an en-GB designation
carries the British display. ``to_en_gb`` derives that display (the build uses it), and
``british_forms`` finds British spellings in text that should be American (the content check uses
it). Proper names keep their own spelling (``Leukaemia Care``).
"""
from __future__ import annotations

import re

# (US stem, British stem): whole-word prefixes, matched case-insensitively, case kept on the first letter.
# Only stems whose British form is never an American word (so "analysis" or "specialist" are not flagged).
PAIRS = (
    ("leukemia", "leukaemia"), ("leukemic", "leukaemic"), ("anemia", "anaemia"), ("anemic", "anaemic"),
    ("hemorrhage", "haemorrhage"), ("dyspnea", "dyspnoea"), ("esophag", "oesophag"), ("pediatric", "paediatric"),
    ("tumor", "tumour"), ("hematolog", "haematolog"), ("hematopoietic", "haematopoietic"),
    ("hemopoietic", "haemopoietic"), ("behavior", "behaviour"), ("sanitizer", "sanitiser"),
    ("defense", "defence"), ("color", "colour"), ("favor", "favour"), ("fetus", "foetus"), ("edema", "oedema"),
)
# -ize verbs (US) / -ise (British), with the endings that make them verbs or -ization nouns.
IZE_ROOTS = ("characteriz", "recogniz", "organiz", "minimiz", "specializ", "immuniz", "randomiz", "optimiz",
             "hospitaliz", "standardiz", "prioritiz", "utiliz", "summariz", "visualiz", "categoriz", "stabiliz",
             "analyz", "mobiliz", "steriliz", "hybridiz")
IZE_ENDINGS = r"(?:e|es|ed|ing|ation|ations)\b"
PROPER_NAMES = ("Leukaemia Care",)

_TO_GB = [(re.compile(rf"\b{us}", re.IGNORECASE), gb) for us, gb in PAIRS]
_TO_GB += [(re.compile(rf"\b{root}(?={IZE_ENDINGS})", re.IGNORECASE), root[:-1] + "s") for root in IZE_ROOTS]
_GB = re.compile(r"\b(?:" + "|".join(re.escape(gb) for _us, gb in PAIRS) + "|"
                 + "|".join(re.escape(root[:-1] + "s") + IZE_ENDINGS for root in IZE_ROOTS) + ")", re.IGNORECASE)


def _keep_case(word: str, replacement: str) -> str:
    return replacement[0].upper() + replacement[1:] if word[:1].isupper() else replacement


def to_en_gb(text: str) -> str:
    """The British spelling of US-spelled text (unchanged when nothing differs)."""
    out = text
    for pattern, gb in _TO_GB:
        out = pattern.sub(lambda m, gb=gb: _keep_case(m.group(0), gb), out)
    return out


def british_forms(text: str) -> list[str]:
    """British spellings found in text meant to be American (proper names excepted)."""
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    return sorted({m.group(0) for m in _GB.finditer(text)})
