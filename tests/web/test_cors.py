"""service.web.layers.cors: browser apps may call the server from any origin (or an allow-list)."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, FIXTURES


@pytest.fixture(scope="module")
def listed(tmp_path_factory):
    from service import create_app

    app = create_app({"CONTENT_DIRS": [str(FIXTURES)], "CORS_ORIGINS": "https://app.example.org"})
    return app.test_client()


def test_a_cross_origin_get_is_allowed_and_its_headers_readable(client):
    r = client.get(f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=dog", headers={"Origin": "https://x.example"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    exposed = r.headers["Access-Control-Expose-Headers"]
    assert "ETag" in exposed and "Location" in exposed and "Content-Disposition" in exposed
    again = client.get(f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=dog", headers={"Origin": "https://x.example"})
    assert again.headers.get("X-Cache") == "HIT" and again.headers["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_is_answered_without_running_anything(client):
    r = client.options("/r4/ValueSet/$expand", headers={
        "Origin": "https://x.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-request-id"})
    assert r.status_code == 204 and r.data == b""
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert r.headers["Access-Control-Allow-Headers"] == "content-type, x-request-id"
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_plain_options_says_what_the_path_allows(client):
    r = client.options("/r4/ValueSet/$expand")
    assert r.status_code == 204 and set(r.headers["Allow"].split(", ")) >= {"GET", "POST", "OPTIONS"}
    assert client.options("/r4/no/such/path").status_code == 404


def test_an_allow_list_admits_its_origins_only(listed):
    ok = listed.get("/r4/metadata", headers={"Origin": "https://app.example.org"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "Origin" in ok.headers.get_all("Vary")
    other = listed.get("/r4/metadata", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    pre = listed.options("/r4/metadata", headers={"Origin": "https://evil.example",
                                                  "Access-Control-Request-Method": "GET"})
    assert pre.status_code == 204 and "Access-Control-Allow-Origin" not in pre.headers
