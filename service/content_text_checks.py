"""Content rules about the words of our own resources (used by ``content_checks``):

* the main text of a concept (display, definition, ``en`` synonyms, string property values) is US English,
  and a display that British English spells differently has an en-GB designation spelled the British way;
* a statement attributed to a document (``document-view``, ``stated-frequency``, ``stated-prognosis``)
  starts with the name of a seed document (content_checks.SEED_LABELS, e.g. "Leukaemia Care: ..."), and that
  document is one the concept cites (``source-document``);
* each of our ValueSets says what it is for: title, description and purpose.
"""
from __future__ import annotations

from .spelling import british_forms, to_en_gb

ATTRIBUTED = ("document-view", "stated-frequency", "stated-prognosis")
SOURCE_DOCUMENT = "source-document"


def _string_values(concept: dict, code: str) -> list[str]:
    return [p.get("valueString") for p in concept.get("property") or []
            if p.get("code") == code and isinstance(p.get("valueString"), str)]


def concept_text_problems(concept: dict, seeds: dict[str, str]) -> list[tuple[str, str]]:
    """(path suffix, message) for the concept's wording and attributions."""
    return _spelling_problems(concept) + _attribution_problems(concept, seeds)


def _spelling_problems(concept: dict) -> list[tuple[str, str]]:
    code = concept.get("code")
    out = []
    texts = [("display", concept.get("display")), ("definition", concept.get("definition"))]
    for j, d in enumerate(concept.get("designation") or []):
        if d.get("language") in (None, "en", "en-US"):
            texts.append((f"designation[{j}]", d.get("value")))
    for j, p in enumerate(concept.get("property") or []):
        if isinstance(p.get("valueString"), str):
            texts.append((f"property[{j}]", p["valueString"]))
    for where, text in texts:
        found = british_forms(text) if isinstance(text, str) else []
        if found:
            out.append((f".{where}", f"concept {code!r}: British spelling {', '.join(found)} in US English text "
                                     f"(put the British form in an en-GB designation)"))
    display = concept.get("display")
    if isinstance(display, str) and to_en_gb(display) != display:
        gb = [d.get("value") for d in concept.get("designation") or [] if d.get("language") == "en-GB"]
        if not gb:
            out.append(("", f"concept {code!r}: display {display!r} is spelled differently in British English "
                            f"but has no en-GB designation (expected {to_en_gb(display)!r})"))
        elif any(to_en_gb(v) != v for v in gb if isinstance(v, str)):
            out.append(("", f"concept {code!r}: en-GB designation {gb!r} has American spelling"))
    return out


def _attribution_problems(concept: dict, seeds: dict[str, str]) -> list[tuple[str, str]]:
    """An attributed statement starts with the label of a document the concept cites ("Leukaemia Care: ...")."""
    code = concept.get("code")
    out = []
    cited = set(_string_values(concept, SOURCE_DOCUMENT))
    for pcode in ATTRIBUTED:
        for value in _string_values(concept, pcode):
            label = next((lab for lab in seeds if value.lower().startswith(lab.lower() + ": ")), None)
            if label is None:
                out.append(("", f"concept {code!r}: {pcode} {value[:40]!r}... does not start with a seed document's "
                                f"name ({', '.join(seeds)})"))
            elif seeds[label] not in cited:
                out.append(("", f"concept {code!r}: {pcode} is attributed to {label}, which the concept does not "
                                f"cite as source-document"))
    return out


def valueset_text_problems(res: dict) -> list[tuple[str, str]]:
    """(element path, message) for a ValueSet of ours that does not say what it is for."""
    return [(f"ValueSet.{key}", f"our ValueSet needs a {key} (what it holds and which field it is for)")
            for key in ("title", "description", "purpose") if not str(res.get(key) or "").strip()]
