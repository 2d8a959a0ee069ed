"""service.web.layers.compress: large answers are gzipped for clients that accept it."""
from __future__ import annotations

import gzip

import orjson


def test_a_large_answer_is_gzipped_and_decodes_to_the_same_bytes(client):
    plain = client.get("/r4/CodeSystem")
    assert len(plain.data) > 1024 and "Content-Encoding" not in plain.headers
    packed = client.get("/r4/CodeSystem", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    assert orjson.loads(gzip.decompress(packed.data))["total"] == orjson.loads(plain.data)["total"]


def test_small_answers_and_refusals_are_left_alone(client):
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers
    refused = client.get("/r4/CodeSystem", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_a_streamed_download_is_gzipped_as_it_streams(client):
    r = client.get("/r4/ValueSet/$bundle", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    bundle = orjson.loads(gzip.decompress(r.data))
    assert bundle["resourceType"] == "Bundle" and bundle["entry"]
