"""The hostile inputs of the reliability suite, as data: (id, method, path, body, headers, expected status(es),
seconds allowed). Built by small generators per kind of attack; test_hostile.py sends each to the server.

Time bounds: on a quiet machine every answer comes in milliseconds (the slowest, 130,000 XML elements, in about a
second); the bounds (5 s, 15 s for the cases that parse megabytes) leave room for a shared CI machine while still
failing on what the issue found (minutes of CPU for one XML body, the whole deadline for a diamond of imports)."""
from __future__ import annotations

import json

BASE = "http://terminology.rr-all.org/fhir"
VS = f"{BASE}/ValueSet/rr-all-symptom"
CS = f"{BASE}/CodeSystem/rr-all-symptom"
J = {"Content-Type": "application/fhir+json"}
X = {"Content-Type": "application/fhir+xml"}
NS = 'xmlns="http://hl7.org/fhir"'
EXPAND = "/r4/ValueSet/$expand"
VALIDATE = "/r4/ValueSet/$validate-code"


def params(*parameters) -> bytes:
    return json.dumps({"resourceType": "Parameters", "parameter": list(parameters)}).encode()


def with_url(*more) -> bytes:
    return params({"name": "url", "valueUri": VS}, *more)


def case(cid, method, path, body=None, headers=None, status=400, seconds=5.0):
    return (cid, method, path, body, headers or ({} if body is None else J), status, seconds)


def malformed_json():
    bodies = {
        "empty": b"", "open-brace": b"{", "empty-object": b"{}", "array": b"[]", "null": b"null", "number": b"42",
        "string": b'"Parameters"', "type-number": b'{"resourceType":1}', "trailing-comma": b'{"resourceType":"x",}',
        "single-quotes": b"{'resourceType':'Parameters'}", "nan": b'{"resourceType":"Parameters","x":NaN}',
        "trailing-garbage": b'{"resourceType":"Parameters"} {"more":1}', "comment": b'/* c */{"resourceType":"P"}',
        "unclosed-string": b'{"resourceType":"Parameters', "control-char": b'{"resourceType":"Param\x01eters"}',
        "parameter-not-list": b'{"resourceType":"Parameters","parameter":"x"}',
        "parameter-numbers": b'{"resourceType":"Parameters","parameter":[1,2,3]}',
        "parameter-no-name": params({"valueString": "x"}),
        "value-wrong-type": with_url({"name": "count", "valueInteger": "ten"}),
        "boolean-wrong-type": with_url({"name": "activeOnly", "valueBoolean": "yes"}),
        "unknown-resource-type": b'{"resourceType":"NoSuchThing"}',
        "wrong-resource-type": b'{"resourceType":"Patient","id":"p"}',
        "resource-param-not-object": params({"name": "valueSet", "resource": "x"}),
        "unclosed-array": b'{"resourceType":"Parameters","parameter":[',
    }
    return [case(f"json-{k}", "POST", EXPAND, v) for k, v in bodies.items()]


def deep_json():
    deep_part = {"name": "p"}
    for _ in range(300):
        deep_part = {"name": "p", "part": [deep_part]}
    return [
        case("json-deep-array-1k", "POST", EXPAND, b"[" * 1000 + b"]" * 1000),
        case("json-deep-array-100k", "POST", EXPAND, b"[" * 100_000 + b"]" * 100_000, seconds=15),
        case("json-deep-object-100k", "POST", EXPAND, b'{"a":' * 100_000 + b"1" + b"}" * 100_000, seconds=15),
        case("json-deep-unclosed-1m", "POST", EXPAND, b"[" * 1_000_000, seconds=15),
        case("json-deep-parts-300", "POST", EXPAND, with_url(deep_part), status=(200, 400)),
        case("json-wide-1m-keys", "POST", EXPAND,
             b'{"resourceType":"Parameters",' + b",".join(b'"k%d":1' % i for i in range(200_000)) + b"}",
             status=(200, 400), seconds=10),
    ]


def numbers():
    get = lambda q: f"{EXPAND}?url={VS}&{q}"   # noqa: E731
    return [
        case("count-negative", "GET", get("count=-1")), case("offset-negative", "GET", get("offset=-1")),
        case("count-text", "GET", get("count=ten")), case("count-float", "GET", get("count=1.5")),
        case("count-exponent", "GET", get("count=1e3")), case("count-empty", "GET", get("count=")),
        case("offset-huge-in-range", "GET", get("offset=2000000000"), status=200),
        case("json-count-1e400", "POST", EXPAND, with_url({"name": "count", "valueInteger": 1e400})),
        case("json-count-negative", "POST", EXPAND, with_url({"name": "count", "valueInteger": -5})),
        case("json-bigint-literal", "POST", EXPAND,
             b'{"resourceType":"Parameters","parameter":[{"name":"count","valueInteger":' + b"9" * 400 + b"}]}"),
        case("json-unknown-param-huge-decimal", "POST", EXPAND, with_url({"name": "x", "valueDecimal": 1e308}),
             status=200),   # unknown parameters are ignored
    ]


def params_typing():   # FHIR integers are 32-bit; a decimal is no integer (service/params)
    return [
        case("count-10e20", "GET", f"{EXPAND}?url={VS}&count=100000000000000000000"),
        case("offset-2e31", "GET", f"{EXPAND}?url={VS}&offset=2147483648"),
        case("json-count-float", "POST", EXPAND, with_url({"name": "count", "valueInteger": 1.5})),
    ]


PARAMS_CASES = [   # known to fail today (service/params): answered 200, the README says a 400
    case("query-conflicting-values", "GET", f"{EXPAND}?url={VS}&count=1&count=2"),
]


def encodings():
    latin1 = '{"resourceType":"Parameters","parameter":[{"name":"filter","valueString":"café"}]}'.encode("latin-1")
    return [
        case("body-latin1", "POST", EXPAND, latin1),
        case("body-utf16", "POST", EXPAND, '{"resourceType":"Parameters"}'.encode("utf-16")),
        case("body-utf32", "POST", EXPAND, '{"resourceType":"Parameters"}'.encode("utf-32")),
        case("body-overlong-utf8", "POST", EXPAND, b'{"resourceType":"Param\xc0\xafeters"}'),
        case("body-lone-surrogate", "POST", EXPAND, b'{"resourceType":"Parameters","x":"\xed\xa0\x80"}'),
        case("query-percent-ff", "GET", f"{EXPAND}?url={VS}&filter=%FF%FE"),
        case("query-percent-latin1", "GET", f"{EXPAND}?url={VS}&filter=caf%E9"),
        case("query-percent-overlong", "GET", f"{EXPAND}?url={VS}&filter=%C0%AF"),
        case("xml-declared-latin1", "POST", EXPAND, f'<?xml version="1.0" encoding="ISO-8859-1"?><Parameters {NS}>'
             f'<parameter><name value="url"/><valueUri value="{VS}"/></parameter><parameter><name value="filter"/>'
             f'<valueString value="anæmia"/></parameter></Parameters>'.encode("latin-1"), X, status=200),
        case("xml-unknown-encoding", "POST", EXPAND,
             f'<?xml version="1.0" encoding="X-NO-SUCH"?><Parameters {NS}/>'.encode(), X),
        case("xml-bad-utf8", "POST", EXPAND, f"<Parameters {NS}><parameter><name value=\"\xff\"/></parameter>"
             "</Parameters>".encode("latin-1"), X),
    ]


def long_urls():
    return [
        case("url-40k", "GET", f"{EXPAND}?url={VS}&filter=" + "a" * 40_000, status=414),
        case("params-1001", "GET", f"{EXPAND}?url={VS}&" + "&".join(["count=1"] * 1001), status=414),
        case("params-2000-short", "GET", f"{EXPAND}?" + "&".join(["a"] * 2000), status=414),
        case("params-900-same", "GET", f"{EXPAND}?url={VS}&" + "&".join(["count=2"] * 900), status=200),
        case("filter-10k", "GET", f"{EXPAND}?url={VS}&filter=" + "a" * 10_000, status=200),
        case("code-20k", "GET", f"/r4/CodeSystem/$lookup?system={CS}&code=" + "x" * 20_000, status=404),
        case("id-200", "GET", "/r4/ValueSet/" + "a" * 200, status=404),
    ]


def methods_and_types():
    return [
        case("put-operation", "PUT", EXPAND, with_url(), status=405),
        case("patch-operation", "PATCH", EXPAND, with_url(), status=405),
        case("delete-resource", "DELETE", "/r4/ValueSet/rr-all-symptom", status=405),
        case("post-read-route", "POST", "/r4/ValueSet/rr-all-symptom", with_url(), status=405),
        case("put-resource", "PUT", "/r4/CodeSystem/rr-all-symptom", b'{"resourceType":"CodeSystem"}', status=405),
        case("trace", "TRACE", "/r4/metadata", status=405),
        case("made-up-method", "FROB", "/r4/metadata", status=405),
        case("get-batch-validate", "GET", "/r4/ValueSet/$batch-validate-code", status=405),
        case("text-plain", "POST", EXPAND, with_url(), {"Content-Type": "text/plain"}, status=415),
        case("multipart", "POST", EXPAND, with_url(), {"Content-Type": "multipart/form-data; boundary=x"}, status=415),
        case("octet-stream", "POST", EXPAND, with_url(), {"Content-Type": "application/octet-stream"}, status=415),
        case("xml-type-json-body", "POST", EXPAND, with_url(), X),
        case("json-type-xml-body", "POST", EXPAND, f"<Parameters {NS}/>".encode(), J),
        case("form-type-json-body", "POST", EXPAND, with_url(), {"Content-Type": "application/x-www-form-urlencoded"}),
        case("accept-png", "GET", "/r4/metadata", headers={"Accept": "image/png"}, status=406),
        case("format-unknown", "GET", "/r4/metadata?_format=pdf", status=406),
        case("unknown-operation", "GET", "/r4/ValueSet/$frobnicate", status=404),
        case("unknown-version", "GET", "/r6/metadata", status=404),
        case("dot-dot-path", "GET", "/r4/ValueSet/../../../etc/passwd", status=404),
        case("nul-in-path", "GET", "/r4/ValueSet/a%00b", status=404),
        case("double-slash", "GET", "//r4//metadata", status=404),
        case("json-body-on-get", "GET", f"{EXPAND}?url={VS}", with_url(), J, status=200),
    ]


def xml_attacks():
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">' for i in range(9))
              + f']><Parameters {NS}><parameter><name value="&lol8;"/></parameter></Parameters>').encode()
    deep = f"<Parameters {NS}><parameter>" + "<part>" * 10_000 + "</part>" * 10_000 + "</parameter></Parameters>"
    attrs = " ".join(f'a{i}="x"' for i in range(200_000))
    many = f"<Parameters {NS}>" + '<parameter><name value="x"/></parameter>' * 130_000 + "</Parameters>"
    return [
        case("xml-billion-laughs", "POST", EXPAND, laughs, X, seconds=15),
        case("xml-xxe-file", "POST", EXPAND, b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">'
             b']><Parameters xmlns="http://hl7.org/fhir"><parameter><name value="&x;"/></parameter></Parameters>', X),
        case("xml-xxe-http", "POST", EXPAND, b'<!DOCTYPE p [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>'
             b'<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="&x;"/></parameter></Parameters>', X),
        case("xml-parameter-entity", "POST", EXPAND, b'<!DOCTYPE p [<!ENTITY % x SYSTEM "http://127.0.0.1:9/d"> %x;]>'
             b'<Parameters xmlns="http://hl7.org/fhir"/>', X),
        case("xml-undeclared-entity", "POST", EXPAND, f'<Parameters {NS}><parameter><name value="&x;"/></parameter>'
             "</Parameters>".encode(), X),
        case("xml-xinclude", "POST", EXPAND, f'<Parameters {NS} xmlns:xi="http://www.w3.org/2001/XInclude">'
             '<xi:include href="file:///etc/passwd"/></Parameters>'.encode(), X),
        case("xml-deep-10k", "POST", EXPAND, deep.encode(), X, seconds=15),
        case("xml-200k-attributes", "POST", EXPAND, f"<Parameters {NS}><parameter {attrs}/></Parameters>".encode(), X, seconds=15),
        # over the element limit (413), unless the request deadline ends the parse first on a busy machine (422)
        case("xml-130k-elements", "POST", EXPAND, many.encode(), X, status=(413, 422), seconds=15),
        case("xml-9mb", "POST", EXPAND, f"<Parameters {NS}>".encode() + b" " * (9 * 1024 * 1024) + b"</Parameters>",
             X, status=413, seconds=15),
        case("xml-not-well-formed", "POST", EXPAND, f"<Parameters {NS}><parameter></Parameters>".encode(), X),
        case("xml-no-namespace", "POST", EXPAND, b"<Parameters><parameter/></Parameters>", X),
        case("xml-unknown-root", "POST", EXPAND, f"<Nonsense {NS}/>".encode(), X),
        case("xml-text-content", "POST", EXPAND, f"<Parameters {NS}>hello</Parameters>".encode(), X),
        case("xml-bad-boolean", "POST", EXPAND, f'<Parameters {NS}><parameter><name value="activeOnly"/>'
             '<valueBoolean value="maybe"/></parameter></Parameters>'.encode(), X),
        case("xml-processing-instruction", "POST", EXPAND, f'<?xml-stylesheet href="x"?><Parameters {NS}><parameter>'
             f'<name value="url"/><valueUri value="{VS}"/></parameter></Parameters>'.encode(), X, status=200),
        case("xml-empty", "POST", EXPAND, b"", X),
    ]


def _cycle(*links, closing=None) -> list[dict]:
    out = []
    for name, targets in links:
        out.append({"resourceType": "ValueSet", "url": f"http://example.org/vs/{name}", "status": "active",
                    "compose": {"include": [{"valueSet": [f"http://example.org/vs/{t}"]} for t in targets]}})
    return out


def _diamond(n: int) -> list[dict]:
    vss = _cycle(*[(f"d{i}", [f"d{i + 1}", f"d{i + 1}"]) for i in range(n - 1)])
    vss.append({"resourceType": "ValueSet", "url": f"http://example.org/vs/d{n - 1}", "status": "active",
                "compose": {"include": [{"system": CS}]}})
    return vss


def _tx(vss, url, *more) -> bytes:
    return params({"name": "url", "valueUri": url}, *({"name": "tx-resource", "resource": v} for v in vss), *more)


def cycles():
    code = [{"name": "system", "valueUri": CS}, {"name": "code", "valueCode": "anaemia"}]
    exclude_cycle = [{"resourceType": "ValueSet", "url": "http://example.org/vs/e1", "status": "active",
                      "compose": {"include": [{"system": CS}],
                                  "exclude": [{"valueSet": ["http://example.org/vs/e1"]}]}}]
    return [
        case("cycle-self", "POST", EXPAND, _tx(_cycle(("s", ["s"])), "http://example.org/vs/s"), status=422),
        case("cycle-two", "POST", EXPAND, _tx(_cycle(("a", ["b"]), ("b", ["a"])), "http://example.org/vs/a"),
             status=422),
        case("cycle-three", "POST", EXPAND,
             _tx(_cycle(("a", ["b"]), ("b", ["c"]), ("c", ["a"])), "http://example.org/vs/a"), status=422),
        case("cycle-in-exclude", "POST", EXPAND, _tx(exclude_cycle, "http://example.org/vs/e1"), status=422),
        case("cycle-validate-code", "POST", VALIDATE,
             _tx(_cycle(("a", ["b"]), ("b", ["a"])), "http://example.org/vs/a", *code), status=(200, 422)),
        case("diamond-26-expand", "POST", EXPAND, _tx(_diamond(26), "http://example.org/vs/d0"), status=200),
        case("diamond-26-validate", "POST", VALIDATE, _tx(_diamond(26), "http://example.org/vs/d0", *code),
             status=200),
        case("import-missing", "POST", EXPAND, _tx(_cycle(("m", ["nowhere"])), "http://example.org/vs/m"),
             status=422),
    ]


def _regex(pattern: str, codes=("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",)) -> bytes:
    cs = {"resourceType": "CodeSystem", "url": "http://example.org/cs/r", "status": "active", "content": "complete",
          "concept": [{"code": c} for c in codes]}
    vs = {"resourceType": "ValueSet", "url": "http://example.org/vs/r", "status": "active", "compose": {"include": [
        {"system": "http://example.org/cs/r", "filter": [{"property": "code", "op": "regex", "value": pattern}]}]}}
    return _tx([cs, vs], "http://example.org/vs/r")


def regex_filters():
    return [
        case("regex-catastrophic", "POST", EXPAND, _regex("(a+)+$"), status=200),
        case("regex-nested-quantifiers", "POST", EXPAND, _regex("((a*)*b)*c"), status=200),
        case("regex-long", "POST", EXPAND, _regex("a?" * 3000 + "a" * 3000), status=(200, 400, 422), seconds=15),
        case("regex-invalid", "POST", EXPAND, _regex("(")),
        case("regex-backreference", "POST", EXPAND, _regex(r"(a)\1")),
    ]


def oversized():
    concepts = [{"code": f"c{i}", "display": f"Concept {i}"} for i in range(20_000)]
    big_cs = {"resourceType": "CodeSystem", "url": "http://example.org/cs/big", "status": "active",
              "content": "complete", "concept": concepts}
    big_vs = {"resourceType": "ValueSet", "url": "http://example.org/vs/big", "status": "active",
              "compose": {"include": [{"system": "http://example.org/cs/big"}]}}
    many = [{"resourceType": "ValueSet", "url": f"http://example.org/vs/m{i}", "status": "active"} for i in range(2000)]
    return [
        case("tx-codesystem-20k-count", "POST", EXPAND,
             _tx([big_cs, big_vs], "http://example.org/vs/big", {"name": "count", "valueInteger": 10}),
             status=200, seconds=15),
        case("tx-codesystem-20k-too-costly", "POST", EXPAND, _tx([big_cs, big_vs], "http://example.org/vs/big"),
             status=422, seconds=15),
        case("tx-2000-valuesets", "POST", EXPAND, _tx(many, VS), status=200, seconds=15),
        case("body-over-32mib", "POST", EXPAND, b" " * (33 * 1024 * 1024), status=413, seconds=10),
        case("content-length-lie-huge", "POST", EXPAND, None, {**J, "Content-Length": str(1 << 40)}, status=413),
    ]


def semantics():
    return [
        case("conflicting-query-and-body", "POST", f"{EXPAND}?count=1", with_url({"name": "count", "valueInteger": 2})),
        case("ssrf-canonical", "GET", f"{EXPAND}?url=http://169.254.169.254/latest/meta-data", status=(404, 422)),
        case("ssrf-file", "GET", f"{EXPAND}?url=file:///etc/passwd", status=(404, 422)),
        case("unknown-system", "GET", "/r4/CodeSystem/$lookup?system=http://nowhere.example/cs&code=x",
             status=(404, 422)),
        case("lookup-without-code", "GET", f"/r4/CodeSystem/$lookup?system={CS}"),
        case("display-language-bad", "GET", f"{EXPAND}?url={VS}&displayLanguage=%3C%3E%3C%3E"),
        case("valueset-param-is-codesystem", "POST", EXPAND,
             params({"name": "valueSet", "resource": {"resourceType": "CodeSystem", "url": "http://x"}})),
        case("translate-nothing", "GET", "/r4/ConceptMap/$translate"),
    ]


CASES = (malformed_json() + deep_json() + numbers() + encodings() + long_urls() + methods_and_types()
         + xml_attacks() + cycles() + regex_filters() + oversized() + semantics() + params_typing())
