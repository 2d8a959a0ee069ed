"""Search parameters of CodeSystem, ValueSet and ConceptMap: parsing (with modifiers), matching, paging links.

string (name, title, publisher, description): starts with, ignoring case and accents; ``:exact``,
``:contains``. uri (url): exact; ``:below`` (at or below the given prefix), ``:above``. token (status,
version, _id): exact. A comma is OR within a parameter, a repeated parameter is AND. Unknown parameters and
modifiers are a 400 unless the client sends ``Prefer: handling=lenient``: then they are ignored and listed in
an OperationOutcome entry of the Bundle (search.mode = outcome).
"""
from __future__ import annotations

from urllib.parse import urlencode

from ..engine.text_index import fold
from ..errors import Invalid, issue

STRING = {"name", "title", "publisher", "description"}
URI = {"url"}
TOKEN = {"status", "version", "_id"}
MODIFIERS = {"string": {None, "exact", "contains"}, "uri": {None, "below", "above"}, "token": {None}}
CONTROL = {"_count", "_offset", "_summary", "_elements", "_total", "_format", "_pretty", "_sort"}


def _kind(name: str) -> str | None:
    return "string" if name in STRING else "uri" if name in URI else "token" if name in TOKEN else None


def lenient(req) -> bool:
    prefer = (req.header("Prefer") or "").lower().replace(" ", "")
    return "handling=lenient" in prefer.split(",") or "handling=lenient" in prefer.split(";")


def parse(req) -> tuple[list[tuple[str, str, str | None, list[str]]], list[str]]:
    """([(name, kind, modifier, OR-values)], [ignored parameter names])."""
    criteria, ignored, bad = [], [], []
    total = req.arg("_total")
    if total is not None and total not in ("none", "estimate", "accurate"):
        raise Invalid(f"Unknown _total value '{total}': use none, estimate or accurate")
    for key, value in req.query_pairs:
        name, _, modifier = key.partition(":")
        if name in CONTROL and not modifier:
            if name == "_sort":
                (ignored if lenient(req) else bad).append(key)   # not supported: no silent ignoring
            continue
        kind = _kind(name)
        if kind is None or (modifier or None) not in MODIFIERS[kind]:
            (ignored if lenient(req) else bad).append(key)
            continue
        criteria.append((name, kind, modifier or None, [v for v in value.split(",") if v != ""]))
    if bad:
        raise Invalid(f"Unknown search parameter(s) or modifier(s): {', '.join(sorted(set(bad)))} (send "
                      "'Prefer: handling=lenient' to have them ignored)")
    return criteria, ignored


def matches(res: dict, criteria) -> bool:
    for name, kind, modifier, values in criteria:
        actual = res.get("id" if name == "_id" else name)
        if not any(_match(kind, modifier, actual, v) for v in values):
            return False
    return True


def _match(kind: str, modifier: str | None, actual, wanted: str) -> bool:
    if not isinstance(actual, str):
        return False
    if kind == "string":
        if modifier == "exact":
            return actual == wanted
        a, w = fold(actual), fold(wanted)
        return w in a if modifier == "contains" else a.startswith(w)
    if kind == "uri":
        if modifier == "below":
            return actual == wanted or actual.startswith(wanted.rstrip("/") + "/")
        if modifier == "above":
            return wanted == actual or wanted.startswith(actual.rstrip("/") + "/")
    return actual == wanted


def links(req, rtype: str, total: int, offset: int, count: int, summary: str | None,
          ignored: list[str] = ()) -> list[dict]:
    """self, first, previous, next and last, with the parameters the search used (the ignored ones left out,
    values percent-encoded); no next (and no last) when _count is 0 or the page is the last."""
    used = [(k, str(count) if k == "_count" else v) for k, v in req.query_pairs if k not in ignored and k != "_offset"]
    query = urlencode(used)
    base = f"{req.fhir_base}/{rtype}?{query}{'&' if query else ''}_offset="
    out = [{"relation": "self", "url": f"{base}{offset}"}]
    if count <= 0 or summary == "count":
        return out
    last = max(0, ((total - 1) // count) * count) if total else 0
    out.append({"relation": "first", "url": f"{base}0"})
    if offset > 0:
        out.append({"relation": "previous", "url": f"{base}{max(0, offset - count)}"})
    if offset + count < total:
        out.append({"relation": "next", "url": f"{base}{offset + count}"})
    out.append({"relation": "last", "url": f"{base}{last}"})
    return out


def ignored_outcome(ignored: list[str]) -> dict:
    return {"resourceType": "OperationOutcome", "issue": [issue(
        "warning", "not-supported", f"Search parameter(s) ignored (handling=lenient): {', '.join(ignored)}")]}
