"""Display checking for $validate-code: displays and designations, languages, supplements, retired names."""
from __future__ import annotations

from ..errors import issue
from .codesystem import designation_retired
from .languages import displays_for


def _label(text: str, lang: str | None) -> str:
    return f"'{text}' ({lang})" if lang else f"'{text}'"


def check_display(cs, concept, display: str, *, prefs, lenient: bool, extra: list[dict],
                  expression: str) -> list[dict]:
    """Issues for a display that does not match the concept (empty when it matches)."""
    current = [d for d in list(concept.designations) + list(extra) if not designation_retired(d)]
    retired = [d for d in list(concept.designations) + list(extra) if designation_retired(d)]
    all_displays = displays_for(concept, cs.language, None, current, own=False)
    wanted = displays_for(concept, cs.language, prefs, current, own=False) if prefs else all_displays
    if any(t == display for t, _l in wanted):
        return []
    if not cs.case_sensitive and any(t.lower() == display.lower() for t, _l in wanted):
        return []
    for d in retired:
        if d.get("value") == display:
            valid = " or ".join(f'"{t}"' for t, _l in (wanted or all_displays)[:1])
            return [issue("warning", "invalid", f"'{display}' is no longer considered a correct display for code "
                          f"'{concept.code}' (status = deprecated). The correct display is one of {valid}.",
                          tx_code="display-comment", message_id="INACTIVE_DISPLAY_FOUND", expression=expression)]
    lang_label = prefs.raw if prefs and prefs.raw else "--"
    severity = "warning" if lenient else "error"
    if prefs and not prefs.wildcard_only and not wanted:
        return [_none_for_language(cs, concept, display, all_displays, lang_label, severity, expression)]
    return [_wrong_display(cs, concept, display, wanted or all_displays, lang_label, severity, expression)]


def _none_for_language(cs, concept, display, all_displays, lang_label, severity, expression) -> dict:
    if any(t == display for t, _l in all_displays):
        return issue("information", "invalid",
                     f"There are no valid display names found for the code {cs.url}#{concept.code} "
                     f"for language(s) '{lang_label}'. The display is '{display}' which is a valid "
                     "display for the default language", tx_code="invalid-display",
                     message_id="NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_OK", expression=expression)
    return issue(severity, "invalid",
                 f"Wrong Display Name '{display}' for {cs.url}#{concept.code}. There are no valid "
                 f"display names found for language(s) '{lang_label}'. Default display is "
                 f"'{concept.display}'", tx_code="invalid-display",
                 message_id="NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_ERR", expression=expression)


def _wrong_display(cs, concept, display, choices, lang_label, severity, expression) -> dict:
    normal = " ".join(display.split())
    ws_only = any(" ".join(t.split()) == normal for t, _l in choices)
    if len(choices) == 1:
        valid = f"Valid display is {_label(*choices[0])}"
    else:
        valid = f"Valid display is one of {len(choices)} choices: " + " or ".join(_label(t, lang) for t, lang in choices)
    if ws_only:
        text = (f"Wrong whitespace in Display Name '{display}' for {cs.url}#{concept.code}. {valid} "
                f"(for the language(s) '{lang_label}')")
        mid = "Display_Name_WS_for__should_be_one_of__instead_of"
    else:
        text = (f"Wrong Display Name '{display}' for {cs.url}#{concept.code}. {valid} "
                f"(for the language(s) '{lang_label}')")
        mid = "Display_Name_for__should_be_one_of__instead_of"
    return issue(severity, "invalid", text, tx_code="invalid-display", message_id=mid, expression=expression)
