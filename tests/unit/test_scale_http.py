"""bench/scale_http.py: its requests are right answers (run in-process on a small synthetic release), and the
three forms of value set (stored, inline, tx-resource) answer alike over a release large enough for spans."""
from __future__ import annotations

import json

import pytest

from bench.scale_http import CONTENT, ORDER, build_requests
from service import create_app
from service.engine.compact import CompactCodeSystem
from service.importers import snomed


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from bench.synth_rf2 import generate
    work = tmp_path_factory.mktemp("scale")
    generate(work / "rf2", 6000, seed=3)
    path, _summary = snomed.write(work / "rf2", work / "out", progress=False)
    cs = CompactCodeSystem(path)
    requests = build_requests(cs, 5, 40, work / "vs")
    app = create_app({"CONTENT_DIRS": CONTENT + [str(work / "out"), str(work / "vs")], "PACKAGES": []})
    return cs, requests, app.test_client()


def _answer(client, req):
    if req.method == "GET":
        r = client.get(req.path)
    else:
        r = client.post(req.path, data=req.body, content_type="application/fhir+json")
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    return r.get_json()


def test_every_scenario_answers(setup):
    _cs, requests, client = setup
    assert set(requests) == set(ORDER)
    for name in ORDER[1:]:
        for req in requests[name][:5]:
            body = _answer(client, req)
            assert body["resourceType"] in ("Parameters", "ValueSet")


def _focus(req) -> str:
    """The X of an inline `<< X` request's value set."""
    vs = next(p["resource"] for p in json.loads(req.body)["parameter"] if p["name"] == "valueSet")
    return vs["compose"]["include"][0]["filter"][0]["value"]


def test_the_three_forms_answer_alike_and_right(setup):
    cs, requests, client = setup
    for k in range(10):
        expansions = [_answer(client, requests[f"EX-{f}"][k])["expansion"] for f in "SIR"]
        assert {e["total"] for e in expansions} == {len(cs.reach(cs.index_of(_focus(requests["EX-I"][k]))))}
        assert len({json.dumps([c["code"] for c in e["contains"]]) for e in expansions}) == 1
        assert len(expansions[0]["contains"]) == min(20, expansions[0]["total"])
        verdicts = {json.dumps([p for p in _answer(client, requests[f"VC-{f}"][k])["parameter"]
                                if p["name"] in ("result", "code", "display")]) for f in "SIR"}
        assert len(verdicts) == 1
        texts = [_answer(client, requests[f"TX-{f}"][k])["expansion"] for f in "SIR"]
        assert len({(t["total"], json.dumps(t.get("contains", []))) for t in texts}) == 1
        assert texts[0]["total"] > 0 and len(texts[0]["contains"]) == min(10, texts[0]["total"])
