"""service/web/layers/metrics.py: /metrics families, counts after requests, bounded labels (one process)."""
from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from helpers import ANIMALS, FIXTURES, vs_url

FAMILIES = {"rrall_http_requests": "counter", "rrall_http_request_duration_seconds": "histogram",
            "rrall_response_cache": "counter", "rrall_expansion_total_codes": "histogram",
            "rrall_expansion_returned_codes": "histogram", "rrall_loaded_resources": "gauge",
            "rrall_build_info": "gauge"}


@pytest.fixture
def app():
    from service import create_app

    return create_app({"CONTENT_DIRS": [str(FIXTURES)], "ACCESS_LOG": "off"})


@pytest.fixture
def client(app):
    return app.test_client()


def scrape(client) -> dict:
    """{(sample name, frozenset(labels)): value} of one GET /metrics."""
    resp = client.get("/metrics", buffered=True)
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    assert resp.headers["Cache-Control"] == "no-store"
    out = {}
    for family in text_string_to_metric_families(resp.get_data(as_text=True)):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def get(client, url, **kw):
    return client.get(url, buffered=True, **kw)   # read and close the body, as a server does


def test_every_family_is_exposed_with_its_type(client):
    text = client.get("/metrics", buffered=True).get_data(as_text=True)
    types = {f.name: f.type for f in text_string_to_metric_families(text)}
    assert {k: types.get(k) for k in FAMILIES} == FAMILIES


def test_request_counts_and_latency_grow_by_operation_and_status_class(client):
    before = scrape(client)
    for code in ("dog", "cat", "dog"):
        assert get(client, f"/r4/CodeSystem/$lookup?system={ANIMALS}&code={code}").status_code == 200
    assert get(client, f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=unicorn").status_code == 404
    assert get(client, "/r5/ValueSet/pets").status_code == 200
    assert get(client, "/r5/ValueSet?url=x").status_code == 200
    assert get(client, "/r5/metadata").status_code == 200
    after = scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("rrall_http_requests_total", operation="$lookup", status="2xx") == 3
    assert delta("rrall_http_requests_total", operation="$lookup", status="4xx") == 1
    assert delta("rrall_http_requests_total", operation="read", status="2xx") == 1
    assert delta("rrall_http_requests_total", operation="search", status="2xx") == 1
    assert delta("rrall_http_requests_total", operation="metadata", status="2xx") == 1
    assert delta("rrall_http_requests_total", operation="metrics", status="2xx") == 1   # the first scrape
    assert delta("rrall_http_request_duration_seconds_count", operation="$lookup", status="2xx") == 3
    assert delta("rrall_http_request_duration_seconds_sum", operation="$lookup", status="2xx") > 0
    assert delta("rrall_http_request_duration_seconds_bucket", operation="$lookup", status="2xx", le="+Inf") == 3


def test_response_cache_hits_misses_and_revalidations_are_counted(client):
    url = f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=parrot"
    before = scrape(client)
    first = get(client, url)
    get(client, url)
    get(client, url)
    assert get(client, url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    after = scrape(client)
    assert {r: value(after, "rrall_response_cache_total", result=r) - value(before, "rrall_response_cache_total",
                                                                                result=r)
            for r in ("hit", "miss", "revalidated")} == {"hit": 2, "miss": 1, "revalidated": 1}
    assert (value(after, "rrall_http_requests_total", operation="$lookup", status="3xx")
            - value(before, "rrall_http_requests_total", operation="$lookup", status="3xx")) == 1


def test_expansion_sizes_are_observed_once_per_computed_expansion(client):
    before = scrape(client)
    url = f"/r4/ValueSet/$expand?url={vs_url('animals-all')}&count=2"
    body = get(client, url).get_json()
    get(client, url)                                  # a cache hit: not computed, not observed again
    post = client.post("/r4/ValueSet/$expand", json={"resourceType": "Parameters", "parameter": [
        {"name": "url", "valueUri": vs_url("pets")}]}, buffered=True)
    assert post.status_code == 200
    after = scrape(client)

    def delta(name):
        return value(after, name) - value(before, name)

    total, pets = body["expansion"]["total"], post.get_json()["expansion"]["total"]
    assert len(body["expansion"]["contains"]) == 2 and total > 2
    assert delta("rrall_expansion_total_codes_count") == 2
    assert delta("rrall_expansion_total_codes_sum") == total + pets
    assert delta("rrall_expansion_returned_codes_sum") == 2 + pets


def test_loaded_resources_and_build_info(app, client):
    import platform

    reg = app.extensions["rrall"]["registry"]
    samples = scrape(client)
    for kind in ("CodeSystem", "ValueSet", "ConceptMap"):
        assert value(samples, "rrall_loaded_resources", type=kind) == len(reg.all(kind)) > 0
    assert value(samples, "rrall_build_info", version=app.extensions["rrall"]["config"]["SOFTWARE_VERSION"],
                 python=platform.python_version()) == 1


def test_labels_stay_bounded_whatever_the_paths(client):
    from service.web.layers.metrics import OPERATIONS

    for path in ("/r5/CodeSystem/$frobnicate", "/r4/Patient/123", "/random/path/x", "/r5/ValueSet/a/b/c/d",
                 f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=zz-{'q' * 50}", "/r5/", "/r4/CodeSystem/x/y"):
        get(client, path)
    allowed_ops = OPERATIONS | {"read", "search", "metadata", "batch", "health", "metrics", "other"}
    samples = scrape(client)
    ops = {dict(labels)["operation"] for (name, labels) in samples if name == "rrall_http_requests_total"}
    statuses = {dict(labels)["status"] for (name, labels) in samples if name == "rrall_http_requests_total"}
    assert "other" in ops and ops <= allowed_ops
    assert statuses <= {"1xx", "2xx", "3xx", "4xx", "5xx"}


def test_the_operation_of_a_path_that_depends_on_the_method_is_not_remembered(client):
    get(client, "/r4")                                              # GET of the base: not an operation
    batch = client.post("/r4", json={"resourceType": "Bundle", "type": "batch", "entry": []}, buffered=True)
    samples = scrape(client)
    ops = {dict(labels)["operation"] for (name, labels) in samples if name == "rrall_http_requests_total"}
    assert {"other", "batch"} <= ops, (batch.status_code, ops)


@pytest.mark.parametrize("method, path, op", [
    ("GET", "/r4/ValueSet/$expand", "$expand"), ("POST", "/r5/ValueSet/pets/$expand", "$expand"),
    ("GET", "/r4/CodeSystem/$lookup", "$lookup"), ("GET", "/r5/ValueSet/$expand.csv", "$expand.csv"),
    ("POST", "/r4/$validate", "$validate"), ("GET", "/r5/$versions", "$versions"),
    ("GET", "/r4/CodeSystem/animals", "read"), ("GET", "/r4/ConceptMap", "search"),
    ("GET", "/r5/metadata", "metadata"), ("POST", "/r4", "batch"), ("GET", "/r4", "other"),
    ("GET", "/healthz", "health"), ("GET", "/readyz", "health"), ("GET", "/metrics", "metrics"),
    ("GET", "/r4/CodeSystem/$nope", "other"), ("GET", "/r4/Observation/1", "other"), ("GET", "/", "other"),
    ("GET", "/r4/CodeSystem/a/b/$lookup", "other"),
])
def test_operation_label(method, path, op):
    from service.web.layers.metrics import operation

    assert operation(method, path) == op


def test_metrics_can_be_turned_off(monkeypatch):
    from service import create_app

    monkeypatch.setenv("RRALL_METRICS", "off")
    app = create_app({"CONTENT_DIRS": [str(FIXTURES)], "ACCESS_LOG": "off"})
    resp = app.test_client().get("/metrics", buffered=True)
    assert resp.status_code == 404 and resp.get_json()["resourceType"] == "OperationOutcome"


def test_other_methods_on_metrics_answer_like_every_other_path(client):
    # regression (found describing /metrics in openapi.yaml): POST or OPTIONS /metrics fell through to the
    # pipeline, which knows no /metrics route: a 404 instead of 405 / 204 with the path's Allow
    options = client.options("/metrics")
    assert options.status_code == 204 and options.headers["Allow"] == "GET, HEAD, OPTIONS"
    for method in ("POST", "DELETE", "PUT"):
        resp = client.open("/metrics", method=method, buffered=True)
        assert resp.status_code == 405 and resp.headers["Allow"] == "GET, HEAD, OPTIONS"
        assert resp.get_json()["issue"][0]["code"] == "not-supported"
    preflight = client.options("/metrics", headers={"Origin": "http://x.example",
                                                    "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and "Access-Control-Allow-Origin" in preflight.headers
