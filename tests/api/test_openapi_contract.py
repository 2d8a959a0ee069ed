"""openapi.yaml against the server on the built-in content: every operation's examples give the documented
success, in a documented format, matching the documented schema and headers; conditional GETs answer 304 where
(and only where) the spec says so; _format gives the documented types; OPTIONS and other methods answer as
documented. (The bounded schemathesis run in .ci/run does the same with generated requests: docs/api.md.)
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

from web.openapi_helpers import resolve as resolve_in

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text(encoding="utf-8"))
METHODS = ("get", "post")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from service import create_app

    app = create_app({"CACHE_DIR": str(tmp_path_factory.mktemp("cache"))})   # the built-in content
    app.config.update(TESTING=False)
    return app.test_client()


def resolve(node):
    return resolve_in(node, SPEC)   # openapi.yaml as committed, not the document built in memory


def problems(value, schema, where="$") -> list[str]:
    """What in value breaks the (OpenAPI 3.0 subset of) JSON schema: the keywords openapi.yaml uses."""
    schema = resolve(schema)
    out = []
    kind = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int}
    if kind and not (isinstance(value, types[kind]) and not (kind == "integer" and isinstance(value, bool))):
        return [f"{where}: not a {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            out.append(f"{where}: too short")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, int) and not schema.get("minimum", value) <= value <= schema.get("maximum", value):
        out.append(f"{where}: {value} out of range")
    if isinstance(value, dict):
        out += [f"{where}: no {k}" for k in schema.get("required", []) if k not in value]
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                out += problems(value[k], sub, f"{where}.{k}")
        if schema.get("additionalProperties") is False:
            out += [f"{where}: unexpected {k}" for k in value if k not in schema.get("properties", {})]
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            out.append(f"{where}: too few items")
        for i, item in enumerate(value):
            out += problems(item, schema.get("items", {}), f"{where}[{i}]")
    if "oneOf" in schema and sum(not problems(value, s, where) for s in schema["oneOf"]) != 1:
        out.append(f"{where}: not exactly one of oneOf")
    if "not" in schema and not problems(value, schema["not"], where):
        out.append(f"{where}: matches what 'not' forbids ({schema['not']})")
    return out


def operations():
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            if method in item:
                yield pytest.param(path, method, item[method], id=f"{method.upper()} {path}")


def params_of(op):
    return [resolve(p) for p in op.get("parameters", [])]


def request_of(path, op):
    """(url, headers) from the operation's examples: every required parameter must have one."""
    query, headers = [], {}
    for p in params_of(op):
        if "example" not in p:
            assert not p["required"], f"required parameter {p['name']} has no example"
            continue
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", str(p["example"]))
        elif p["in"] == "query":
            values = p["example"] if isinstance(p["example"], list) else [p["example"]]
            query += [(p["name"], str(v).lower() if isinstance(v, bool) else str(v)) for v in values]
        else:
            headers[p["name"]] = p["example"]
    return path + ("?" + urlencode(query) if query else ""), headers


def bodies(op):
    """(content type, bytes) of every documented request body example; (None, None) when none is required."""
    body = op.get("requestBody")
    out = []
    for media, content in (body or {}).get("content", {}).items():
        if "example" in content:
            example = content["example"]
            data = urlencode(example, doseq=True) if media.endswith("urlencoded") else \
                example if isinstance(example, str) else json.dumps(example)
            out.append((media, data.encode("utf-8")))
    if not out:
        assert not (body or {}).get("required"), "a required request body has no example"
        out.append((None, None))
    return out


def check_answer(r, path, method, op, status="200"):
    documented = op["responses"][status]
    ctype = r.headers.get("Content-Type", "").split(";")[0].strip()
    assert ctype in documented["content"], (ctype, list(documented["content"]))
    if ctype in ("application/fhir+json", "application/json"):
        answer = json.loads(r.data)
        found = problems(answer, documented["content"][ctype]["schema"])
        assert not found, found[:5]
    for name, header in documented.get("headers", {}).items():
        value = r.headers.get(name)
        if header.get("required"):
            assert value is not None, f"{name} missing"
        if value is not None:
            assert re.search(header["schema"]["pattern"], value), (name, value)


@pytest.mark.parametrize("path,method,op", list(operations()))
def test_the_examples_give_the_documented_success(client, path, method, op):
    url, headers = request_of(path, op)
    for media, data in bodies(op) if method == "post" else [(None, None)]:
        kwargs = {"headers": headers}
        if data is not None:
            kwargs.update(data=data, content_type=media)
        r = client.open(url, method=method.upper(), **kwargs)
        assert r.status_code == 200, (media, r.status_code, r.data[:400])
        check_answer(r, path, method, op)


@pytest.mark.parametrize("path,method,op", [p for p in operations() if p.values[1] == "get"])
def test_conditional_gets_answer_304_exactly_where_documented(client, path, method, op):
    url, headers = request_of(path, op)
    first = client.get(url, headers=headers)
    etag = first.headers.get("ETag")
    if etag is None and not op["responses"]["200"].get("headers", {}).get("ETag", {}).get("required", True):
        # a route whose page has an ETag and whose other answer (a JSON index) has none: ask for the page
        url += ("&" if "?" in url else "?") + "_format=html"
        etag = client.get(url, headers=headers).headers.get("ETag")
    again = client.get(url, headers={**headers, "If-None-Match": etag or 'W/"none"'})
    if "304" in op["responses"]:
        assert etag and again.status_code == 304 and again.headers["ETag"] == etag
        assert again.data == b""
    else:
        assert again.status_code == 200


@pytest.mark.parametrize("path,method,op", list(operations()))
def test_every_documented_format_is_answered(client, path, method, op):
    url, headers = request_of(path, op)
    ok = op["responses"]["200"]["content"]
    sep = "&" if "?" in url else "?"
    data, media = bodies(op)[0][::-1] if method == "post" else (None, None)
    if "application/fhir+xml" not in ok:   # downloads and /healthz: their own type whatever _format says
        r = client.open(f"{url}{sep}_format=xml", method=method.upper(), headers=headers, data=data,
                        content_type=media)
        assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] in ok
        return
    for fmt, expected in (("xml", "application/fhir+xml"), ("html", "text/html"), ("json", "application/json"),
                          ("application/fhir+json", "application/fhir+json")):
        r = client.open(f"{url}{sep}_format={fmt}", method=method.upper(), headers=headers, data=data,
                        content_type=media)
        assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] == expected, (fmt, r.status_code)
        check_answer(r, path, method, op)
    refused = client.open(url, method=method.upper(), headers={**headers, "Accept": "image/png"}, data=data,
                          content_type=media)
    assert refused.status_code == 406 and "406" in op["responses"]
    assert refused.headers["Content-Type"] == "application/fhir+json"


@pytest.mark.parametrize("path", list(SPEC["paths"]))
def test_options_and_undocumented_methods(client, path):
    item = SPEC["paths"][path]
    url, _ = request_of(path, item["options"])
    r = client.options(url)
    assert r.status_code == 204
    allow = r.headers["Allow"]
    assert allow in item["options"]["responses"]["204"]["headers"]["Allow"]["schema"]["enum"]
    assert {m.strip().lower() for m in allow.split(",")} - {"head"} == {m for m in item if m in ("get", "post",
                                                                                                   "options")}
    other = client.delete(url)
    assert other.status_code == 405 and other.headers["Allow"] == allow
    assert not problems(json.loads(other.data), {"$ref": "#/components/schemas/OperationOutcome"})


def test_an_error_answer_matches_the_documented_outcome(client):
    op = SPEC["paths"]["/r4/CodeSystem/$lookup"]["get"]
    for url, status in [("/r4/CodeSystem/$lookup?system=http://example.org/nope&code=x", "422"),
                        ("/r4/CodeSystem/$lookup?code=x", "400"),
                        ("/r4/CodeSystem/$lookup?system=http://terminology.rr-all.org/fhir/CodeSystem/rr-all-symptom"
                         "&code=no-such-code", "404")]:
        for fmt, media in (("", "application/fhir+json"), ("&_format=xml", "application/fhir+xml"),
                           ("&_format=html", "text/html")):
            r = client.get(url + fmt)
            assert str(r.status_code) == status and r.headers["Content-Type"].split(";")[0] == media
            check_answer(r, "/r4/CodeSystem/$lookup", "get", {"responses": {status: resolve(
                op["responses"][status])}}, status)


@pytest.mark.parametrize("version", ["r4", "r5"])
def test_the_capability_statement_and_the_spec_name_the_same_operations_and_search_parameters(client, version):
    cap = json.loads(client.get(f"/{version}/metadata").data)
    rest = cap["rest"][0]
    paths = SPEC["paths"]
    search_spec = {p["name"].split(":")[0] for p in params_of(paths[f"/{version}/CodeSystem"]["get"])
                   if p["in"] == "query" and (not p["name"].startswith("_") or p["name"] == "_id")}
    for res in rest["resource"]:
        rtype = res["type"]
        assert {i["code"] for i in res["interaction"]} == {"read", "search-type"}
        assert f"/{version}/{rtype}/{{id}}" in paths and "get" in paths[f"/{version}/{rtype}"]
        assert {p["name"] for p in res["searchParam"]} == search_spec, rtype
        for operation in res["operation"]:
            name = operation["name"]
            assert f"/{version}/{rtype}/${name}" in paths or (name == "validate" and f"/{version}/{{rtype}}/$validate"
                                                               in paths), (rtype, name)
    for operation in rest["operation"]:
        assert f"/{version}/${operation['name']}" in paths, operation["name"]
    assert "post" in paths[f"/{version}"] and {"code": "batch"} in rest["interaction"]
    served = {ctype for ctype in cap["format"]}
    assert served <= set(paths[f"/{version}/metadata"]["get"]["responses"]["200"]["content"])


@pytest.mark.parametrize("path,method,op", [p for p in operations() if "{id}" in p.values[0]])
def test_unknown_ids_are_documented_404s(client, path, method, op):
    url, headers = request_of(path.replace("{id}", "no-such-id"), op)
    r = client.open(url, method=method.upper(), headers=headers)
    assert r.status_code == 404 and "404" in op["responses"]
    check_answer(r, path, method, {"responses": {"404": resolve(op["responses"]["404"])}}, "404")


@pytest.mark.parametrize("path,method,op", [p for p in operations() if p.values[1] == "post"])
def test_post_bodies_of_another_type_are_415_where_documented(client, path, method, op):
    url, headers = request_of(path, op)
    r = client.post(url, headers=headers, data=b"code=anaemia", content_type="text/plain")
    if "415" in op["responses"]:
        assert r.status_code == 415
        check_answer(r, path, method, {"responses": {"415": resolve(op["responses"]["415"])}}, "415")
    else:   # the body is not read ($versions)
        assert r.status_code == 200 and op.get("requestBody") is None


def test_bodies_over_the_limit_are_413_on_every_post(tmp_path):
    from service import create_app

    small = create_app({"MAX_BODY_BYTES": 64, "CACHE_DIR": str(tmp_path)}).test_client()
    posts = [(path, op) for path, method, op in (p.values for p in operations()) if method == "post"]
    assert len(posts) > 30
    for path, op in posts:
        url, headers = request_of(path, op)
        r = small.post(url, headers=headers, data=b"{" + b" " * 100 + b"}", content_type="application/fhir+json")
        assert r.status_code == 413 and "413" in op["responses"], path
        assert json.loads(r.data)["resourceType"] == "OperationOutcome"
