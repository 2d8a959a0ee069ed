"""service.api.fastlane: the lean GET lane answers exactly what the Flask views answer, and hands the rest on."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from helpers import ANIMALS, FIXTURES, vs_url

LETTERS = "http://example.org/fhir/CodeSystem/letters"
FHIR_JSON = "application/fhir+json"

# successes the lane answers, and requests it must hand to Flask (errors, control parameters, XML, ...)
REQUESTS = [
    f"CodeSystem/$lookup?system={ANIMALS}&code=dog",
    f"CodeSystem/$lookup?system={ANIMALS}&code=dog&property=colour&property=parent&displayLanguage=de",
    f"CodeSystem/animals/$lookup?code=parrot",
    f"CodeSystem/$lookup?system={ANIMALS}&code=no-such-code",
    f"CodeSystem/$lookup?system={ANIMALS}",
    f"CodeSystem/nope/$lookup?code=dog",
    f"CodeSystem/$validate-code?url={ANIMALS}&code=dog&display=Dog",
    f"CodeSystem/$validate-code?url={ANIMALS}&code=dog&display=Cat",
    f"CodeSystem/$validate-code?url={LETTERS}&code=abc",
    f"CodeSystem/$subsumes?system={ANIMALS}&codeA=mammal&codeB=dog",
    f"CodeSystem/$subsumes?system={ANIMALS}&codeA=dog&codeB=oak",
    f"ValueSet/$validate-code?url={quote(vs_url('mammals'))}&system={ANIMALS}&code=dog",
    f"ValueSet/$validate-code?url={quote(vs_url('mammals'))}&system={ANIMALS}&code=parrot",
    f"ValueSet/$validate-code?url={quote(vs_url('mammals'))}&system={ANIMALS}&code=dodo&abstract=false",
    f"ValueSet/$validate-code?url={quote(vs_url('mammals'))}&system={ANIMALS}&code=dog&abstract=maybe",
    f"ValueSet/pets/$validate-code?system={ANIMALS}&code=cat",
    f"ValueSet/$expand?url={quote(vs_url('pets'))}",
    f"ValueSet/$expand?url={quote(vs_url('animals-all'))}&filter=par&count=2&offset=0",
    f"ValueSet/mammals/$expand?includeDesignations=true&displayLanguage=de",
    f"ValueSet/$expand?url={quote(vs_url('animals-all'))}&_format=xml",
    f"ValueSet/$expand?url={quote(vs_url('pets'))}&_pretty=true",
    f"ValueSet/$expand?url={quote(vs_url('pets'))}&displayLanguage=not%20a%20tag",
    f"ValueSet/$expand?url={quote(vs_url('pets'))}&tx-resource=x",
    f"ValueSet/$expand?url={quote(vs_url('pets'))}&url={quote(vs_url('mammals'))}",
    f"ValueSet/$expand?url=http://example.org/fhir/ValueSet/none",
    "ValueSet/$expand?url=%ZZ%ff",
]
HEADERS = [{}, {"Accept": "application/fhir+xml"}, {"Accept": "text/html"}, {"Accept-Language": "de"},
           {"Accept": "application/json, */*;q=0.1"}]


def _make(lane: bool):
    from service import create_app

    app = create_app({"CONTENT_DIRS": [str(FIXTURES)], "FAST_LANE": lane, "RESPONSE_CACHE_ITEMS": 0})
    app.config.update(TESTING=False)
    return app.test_client()


@pytest.fixture(scope="module")
def clients():
    return _make(True), _make(False)


def _normal(resp):
    """Status, headers that matter and the body, with the per-call identifier and timestamp blanked."""
    headers = {k: v for k, v in resp.headers.items() if k not in ("Date", "X-Request-Id")}   # per call
    if resp.mimetype in (FHIR_JSON, "application/json") and resp.data:
        body = resp.get_json()
        exp = body.get("expansion") if isinstance(body, dict) else None
        if exp:
            exp["identifier"], exp["timestamp"] = "-", "-"
    else:   # XML: the same two elements
        body = re.sub(rb'<(identifier|timestamp) value="[^"]*"/>', rb"<\1/>", resp.data)
    return resp.status_code, headers, body


@pytest.mark.parametrize("base", ["/r4", "/r5"])
@pytest.mark.parametrize("path", REQUESTS)
@pytest.mark.parametrize("headers", HEADERS, ids=lambda h: ",".join(f"{k}={v}" for k, v in h.items()) or "plain")
def test_both_lanes_answer_the_same(clients, base, path, headers):
    lane, flask_only = clients
    a, b = lane.get(f"{base}/{path}", headers=headers), flask_only.get(f"{base}/{path}", headers=headers)
    assert _normal(a) == _normal(b)


def _count_calls(monkeypatch):
    """Count handler runs ($lookup) and Flask view runs (terminology._run)."""
    from service.api import terminology

    calls = {"handler": 0, "view": 0}
    original = terminology.OPERATIONS[("CodeSystem", "$lookup")]

    def handler(*a):
        calls["handler"] += 1
        return original[1](*a)
    monkeypatch.setitem(terminology.OPERATIONS, ("CodeSystem", "$lookup"), (original[0], handler))
    view = terminology._run

    def counted_view(*a):
        calls["view"] += 1
        return view(*a)
    monkeypatch.setattr(terminology, "_run", counted_view)
    return calls


def test_the_lane_answers_plain_successes_without_flask_and_marks_them_for_the_cache(monkeypatch):
    calls = _count_calls(monkeypatch)
    lane = _make(True)
    r = lane.get(f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=cat")
    assert r.status_code == 200 and r.headers["X-Cache"] == "MISS" and r.headers["ETag"].startswith('W/"')
    assert calls == {"handler": 1, "view": 0}      # answered by the lane; no Flask view ran


def test_an_error_in_the_lane_is_rendered_by_flask_without_running_again(monkeypatch):
    calls = _count_calls(monkeypatch)
    lane = _make(True)
    r = lane.get(f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=nothing")
    assert r.get_json()["resourceType"] == "OperationOutcome" and r.status_code >= 400
    assert calls == {"handler": 1, "view": 1}      # the view re-raised the lane's error: one computation
    flask_only = _make(False)
    calls.update(handler=0, view=0)
    b = flask_only.get(f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=nothing")
    assert (b.status_code, b.get_json()) == (r.status_code, r.get_json())
    assert calls == {"handler": 1, "view": 1}


def test_both_lanes_agree_with_the_response_cache_on():
    from service import create_app

    def client(lane):
        app = create_app({"CONTENT_DIRS": [str(FIXTURES)], "FAST_LANE": lane})
        return app.test_client()
    lane, flask_only = client(True), client(False)
    url = f"/r4/ValueSet/$validate-code?url={quote(vs_url('mammals'))}&system={ANIMALS}&code=dog"
    for c in (lane, flask_only):
        c.first, c.hit, c.head = c.get(url), c.get(url), c.head(url)
        c.revalidated = c.get(url, headers={"If-None-Match": c.first.headers["ETag"]})
    assert lane.first.headers["X-Cache"] == "MISS" and lane.hit.headers["X-Cache"] == "HIT"
    for attr in ("first", "hit", "head"):
        assert _normal(getattr(lane, attr)) == _normal(getattr(flask_only, attr)), attr
    assert lane.head.data == b"" and lane.revalidated.status_code == flask_only.revalidated.status_code == 304


def test_post_and_head_go_to_flask(clients):
    lane, _ = clients
    r = lane.post("/r5/CodeSystem/$lookup", json={"resourceType": "Parameters", "parameter": [
        {"name": "system", "valueUri": ANIMALS}, {"name": "code", "valueCode": "dog"}]},
        content_type=FHIR_JSON)
    assert r.status_code == 200 and r.get_json()["resourceType"] == "Parameters"
    h = lane.head(f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=dog")
    assert h.status_code == 200 and h.data == b""
