"""service.web.layers.response_cache: the rendered-response cache layer -- hits, ETag / If-None-Match,
Cache-Control, what is keyed, what is not stored."""
from __future__ import annotations

import json

import pytest

from helpers import ANIMALS, FIXTURES, vs_url
from service.web.layers import response_cache
from service.web.layers.response_cache import NOT_IN_ETAG, ResponseCache, _config_fingerprint, _etag_matches


@pytest.fixture(scope="module")
def fresh_app():
    """An app of its own, so no other test has filled its response cache."""
    from service import create_app

    return create_app({"CONTENT_DIRS": [str(FIXTURES)]})


@pytest.fixture
def c(fresh_app):
    return fresh_app.test_client()


def test_a_repeated_get_operation_is_served_from_the_cache_with_identical_bytes(c):
    url = f"/r4/ValueSet/$expand?url={vs_url('animals-all')}&count=3"
    first = c.get(url)
    second = c.get(url)
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Cache"] == "MISS"
    assert second.headers["X-Cache"] == "HIT"
    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Type"] == first.headers["Content-Type"]


def test_query_parameter_order_does_not_matter(c):
    a = c.get(f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=dog")
    b = c.get(f"/r5/CodeSystem/$lookup?code=dog&system={ANIMALS}")
    assert a.status_code == 200 and b.headers["X-Cache"] == "HIT"
    assert a.headers["ETag"] == b.headers["ETag"]


def test_if_none_match_gives_304_without_a_body(c):
    url = f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=cat"
    first = c.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = c.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    other = c.get(url, headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.data == first.data


def test_the_etag_is_stable_although_expansions_carry_a_fresh_timestamp(fresh_app):
    url = f"/r4/ValueSet/$expand?url={vs_url('mammals')}"
    client = fresh_app.test_client()
    first = client.get(url)
    fresh_app.extensions["rrall"]["service"].caches.responses.clear()
    second = client.get(url)
    assert second.headers["X-Cache"] == "MISS"
    assert second.headers["ETag"] == first.headers["ETag"]
    assert json.loads(second.data)["expansion"]["contains"] == json.loads(first.data)["expansion"]["contains"]


def test_the_key_includes_language_and_fhir_version(c):
    url = f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=parrot"
    en = c.get(url)
    de = c.get(url, headers={"Accept-Language": "de"})
    r5 = c.get(url.replace("/r4/", "/r5/"))
    assert len({en.headers["ETag"], de.headers["ETag"], r5.headers["ETag"]}) == 3
    assert de.headers["X-Cache"] == "MISS"
    assert "Accept-Language" in en.headers["Vary"]


def test_post_operations_are_cached_by_body_hash(c):
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "url", "valueUri": vs_url("pets")}, {"name": "count", "valueInteger": 2}]}
    first = c.post("/r4/ValueSet/$expand", json=body)
    second = c.post("/r4/ValueSet/$expand", json=body)
    assert first.status_code == 200 and second.headers["X-Cache"] == "HIT"
    assert second.data == first.data
    body["parameter"][1]["valueInteger"] = 1
    third = c.post("/r4/ValueSet/$expand", json=body)
    assert third.headers["X-Cache"] == "MISS"
    assert len(json.loads(third.data)["expansion"]["contains"]) == 1


def test_inline_tx_resources_are_keyed_on_their_content(c):
    def cs(display):
        return {"resourceType": "CodeSystem", "url": "http://example.org/fhir/CodeSystem/inline", "version": "1",
                "status": "active", "content": "complete", "concept": [{"code": "a", "display": display}]}

    def lookup(display):
        return c.post("/r4/CodeSystem/$lookup", json={"resourceType": "Parameters", "parameter": [
            {"name": "system", "valueUri": "http://example.org/fhir/CodeSystem/inline"},
            {"name": "code", "valueCode": "a"}, {"name": "tx-resource", "resource": cs(display)}]})
    one, two = lookup("First"), lookup("Second")
    assert one.status_code == two.status_code == 200
    assert b"First" in one.data and b"Second" in two.data
    assert two.headers["X-Cache"] == "MISS"


def test_errors_are_not_cached(c):
    url = f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=no-such-code"
    first, second = c.get(url), c.get(url)
    assert first.status_code == second.status_code
    assert first.status_code >= 400
    assert "X-Cache" not in second.headers


def test_stored_resource_reads_have_cache_control_and_honour_if_none_match(c):
    first = c.get("/r4/CodeSystem/animals")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=300"
    again = c.get("/r4/CodeSystem/animals", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_operation_gets_have_cache_control_and_healthz_is_left_alone(c):
    r = c.get(f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=oak")
    assert r.headers["Cache-Control"].startswith("public, max-age=")
    h = c.get("/healthz")
    assert "X-Cache" not in h.headers and "ETag" not in h.headers


def test_with_the_store_off_etags_and_304_still_work():
    from service import create_app

    app = create_app({"CONTENT_DIRS": [str(FIXTURES)], "RESPONSE_CACHE_ITEMS": 0})
    client = app.test_client()
    url = f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=dog"
    first, second = client.get(url), client.get(url)
    assert second.headers["X-Cache"] == "MISS"
    assert first.headers["ETag"] == second.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    store = app.extensions["rrall"]["service"].caches.responses
    assert (len(store), store.hits, store.misses) == (0, 0, 0)   # a store that is off is not consulted


def test_a_changed_configuration_changes_the_key(fresh_app):
    """The configuration is fixed when the app is made; two deployments configured differently never
    share ETags or cached answers."""
    from service import create_app

    url = f"/r4/ValueSet/$expand?url={vs_url('animals-all')}&count=5"
    first = fresh_app.test_client().get(url)
    other = create_app({"CONTENT_DIRS": [str(FIXTURES)], "MAX_EXPANSION": 3}).test_client().get(url)
    assert first.status_code == 200 and other.status_code == 200
    assert other.headers["ETag"] != first.headers["ETag"]

def test_a_head_request_does_not_poison_the_cache(fresh_app):
    client = fresh_app.test_client()
    url = f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=parrot"
    head = client.head(url)
    assert head.status_code == 200
    get = client.get(url)
    assert get.status_code == 200 and get.get_json()["resourceType"] == "Parameters"


def test_etags_do_not_depend_on_where_content_and_caches_live(tmp_path):
    import shutil
    from service import create_app
    from helpers import FIXTURES

    copy = tmp_path / "content"
    shutil.copytree(FIXTURES, copy)
    url = f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=dog"
    a = create_app({"CONTENT_DIRS": [str(FIXTURES)], "CACHE_DIR": str(tmp_path / "c1")}).test_client().get(url)
    b = create_app({"CONTENT_DIRS": [str(copy)], "CACHE_DIR": str(tmp_path / "c2")}).test_client().get(url)
    assert a.status_code == b.status_code == 200
    assert a.headers["ETag"] == b.headers["ETag"]


# ---- without a server: the key, If-None-Match matching ------------------------------------------------------
def test_etag_matching_takes_lists_and_weak_tags_but_not_a_star():
    assert _etag_matches('"abc"', "abc") and _etag_matches('W/"abc"', "abc")
    assert _etag_matches('"x", W/"abc"', "abc") and not _etag_matches('"x", "y"', "abc")
    assert not _etag_matches("*", "abc")


def test_the_configuration_fingerprint_leaves_out_where_things_live():
    cfg = {"MAX_EXPANSION": 10, "CACHE_DIR": "/a", "CONTENT_DIRS": ["/x"], "RESPONSE_CACHE_ITEMS": 1}
    moved = dict(cfg, CACHE_DIR="/b", CONTENT_DIRS=["/y"], RESPONSE_CACHE_ITEMS=2)
    assert {"CACHE_DIR", "CONTENT_DIRS", "RESPONSE_CACHE_ITEMS"} <= NOT_IN_ETAG
    assert _config_fingerprint(cfg) == _config_fingerprint(moved)
    assert _config_fingerprint(cfg) != _config_fingerprint(dict(cfg, MAX_EXPANSION=11))


def test_answers_of_routes_that_are_not_cacheable_are_not_keyed(c):
    for _ in range(2):
        r = c.post("/r4/$validate", json={"resourceType": "Basic", "code": {"text": "x"}})
        assert r.status_code == 200 and "X-Cache" not in r.headers and "ETag" not in r.headers
    batch = c.post("/r4", json={"resourceType": "Bundle", "type": "batch", "entry": []})
    assert batch.status_code == 200 and "X-Cache" not in batch.headers


def test_a_post_body_too_large_to_key_passes_uncached(fresh_app, monkeypatch):
    monkeypatch.setattr(response_cache, "MAX_KEYED_BODY", 10)
    body = {"resourceType": "Parameters", "parameter": [{"name": "url", "valueUri": vs_url("pets")}]}
    client = fresh_app.test_client()
    first, second = client.post("/r4/ValueSet/$expand", json=body), client.post("/r4/ValueSet/$expand", json=body)
    assert first.status_code == second.status_code == 200
    assert "X-Cache" not in first.headers and "X-Cache" not in second.headers


def test_the_key_separates_what_changes_an_answer(fresh_app):
    svc = fresh_app.extensions["rrall"]["service"]
    cache = layers_of(fresh_app)
    base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/r4/CodeSystem/$lookup", "QUERY_STRING": "a=1&b=2",
            "wsgi.url_scheme": "http", "HTTP_HOST": "h"}
    key = cache.key(base, b"")
    assert cache.key(dict(base, QUERY_STRING="b=2&a=1"), b"") == key          # parameter order
    assert cache.key(dict(base, REQUEST_METHOD="HEAD"), b"") == key           # HEAD is a GET
    for change in ({"QUERY_STRING": "a=1&b=3"}, {"PATH_INFO": "/r5/CodeSystem/$lookup"}, {"HTTP_HOST": "other"},
                   {"HTTP_ACCEPT": "application/fhir+xml"}, {"HTTP_ACCEPT_LANGUAGE": "de"},
                   {"wsgi.url_scheme": "https"}, {"SCRIPT_NAME": "/tx"}):
        assert cache.key(dict(base, **change), b"") != key, change
    post = dict(base, REQUEST_METHOD="POST", CONTENT_TYPE="application/fhir+json")
    assert cache.key(post, b"{}") != cache.key(post, b"{ }") != key
    assert cache.key(post, b"{}") != cache.key(dict(post, CONTENT_TYPE="application/fhir+xml"), b"{}")
    assert svc.caches.responses is cache.store


def layers_of(app):
    """The ResponseCache inside the app's layers."""
    layer = app.wsgi_app
    while not isinstance(layer, ResponseCache):
        layer = layer.inner
    return layer
