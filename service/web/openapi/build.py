"""openapi.yaml from the route table and the description table.

Paths and methods come from ``routes.FHIR_RULES`` (under /r4 and /r5) and ``routes.ROOT_RULES``; what a route's
flags imply (``Route.cacheable``, ``negotiated``, ``page``) is written here once; the rest is in
``table.DESCRIBED``. A route without a description, or a description without a route, is an error.
"""
from __future__ import annotations

import re

from .. import negotiate, routes
from . import catalogue as C
from . import components as K
from .examples import IDS, as_form, as_parameters, as_xml
from .model import Op, Per
from .table import DESCRIBED, LAYER_RULES

VERSIONS = ("r4", "r5")
FHIR_VERSION = {"r4": "4.0.1", "r5": "5.0.0"}
_ANY = re.compile(r"<any\(([^)]*)\):(\w+)>")
_VAR = re.compile(r"<(?:([^:<>()]+):)?(\w+)>")
FORM = "application/x-www-form-urlencoded"
# request body types (parse.json_body); the legacy application/json+fhir and application/xml+fhir are read too,
# but not listed: OpenAPI tools have no serializer for them
REQUEST_JSON = tuple(t for t in negotiate.JSON_TYPES if not t.endswith("+fhir"))
REQUEST_XML = tuple(t for t in negotiate.XML_TYPES if not t.endswith("+fhir"))
PREFLIGHT_ALLOW = "GET, HEAD, POST, OPTIONS"   # layers.cors answers every preflight with this
ID_PARAM = {"name": "id", "in": "path", "required": True, "description": "Logical id of the resource.",
            "schema": {"type": "string", "pattern": f"^{routes.FHIR_ID_PATTERN}$"}}
RTYPE_PARAM = {"name": "rtype", "in": "path", "required": True,
               "description": "A FHIR resource type of the endpoint's FHIR version (another name -> 404).",
               "schema": {"type": "string", "pattern": "^[A-Z][A-Za-z]{1,63}$"}, "example": "Condition"}


class MissingDescription(Exception):
    """Routes without a description in table.DESCRIBED (or descriptions of routes that do not exist)."""


def expand_rule(rule: str) -> list[tuple[str, str | None]]:
    """(OpenAPI path, the resource type an <any(...)> alternative fixed) for a Flask rule."""
    m = _ANY.search(rule)
    if m:
        out = []
        for alt in (a.strip() for a in m.group(1).split(",")):
            out.extend((p, alt) for p, _ in expand_rule(rule[:m.start()] + alt + rule[m.end():]))
        return out
    return [(_VAR.sub(lambda v: "{id}" if v.group(2) == "rid" else "{" + v.group(2) + "}", rule), None)]


def _rtype_of(path: str, bound: str | None) -> str | None:
    if bound:
        return bound
    segments = path.split("/")
    if "{id}" in segments:
        return segments[segments.index("{id}") - 1]
    return None


class Builder:
    def __init__(self, described: dict[str, Op]):
        self.described = described

    # ---- parameters -----------------------------------------------------------------------------------------
    def _example(self, op: Op, name: str, version, rtype):
        value = op.examples.get(name)
        return value.pick(version, rtype) if isinstance(value, Per) else value

    def path_params(self, path: str, op: Op, rtype) -> list[dict]:
        out = []
        for name in re.findall(r"{(\w+)}", path):
            if name == "id":
                out.append({**ID_PARAM, "example": IDS.get(rtype, IDS["CodeSystem"])})
            elif name == "rtype":
                out.append(RTYPE_PARAM)
            elif name in op.path_params:
                description, schema, example = op.path_params[name]
                out.append({"name": name, "in": "path", "required": True, "description": description,
                            "schema": schema, "example": example})
            else:
                raise MissingDescription(f"path parameter {{{name}}} of {path} has no description (Op.path_params)")
        return out

    def query_params(self, op: Op, method: str, version, rtype) -> list[dict]:
        out = []
        for name in op.params:
            out.append(self._param(name, C.OPERATION_PARAMS[name], C.operation_schema(name), op, method, version,
                                   rtype))
        for name, own in op.own.items():
            own = own.pick(version, rtype) if isinstance(own, Per) else own
            if own is not None:   # a Per without a choice for this path: not a parameter here
                out.append(self._param(name, *own, op, method, version, rtype))
        if op.search:
            for name, description, schema in C.search_parameters():
                out.append(self._param(name, description, schema, op, method, version, rtype))
        return out

    def _param(self, name, description, schema, op, method, version, rtype) -> dict:
        p = {"name": name, "in": "query", "required": method == "get" and name in op.required,
             "description": description, "schema": schema}
        if schema.get("type") == "array":
            p.update(style="form", explode=True)
        example = self._example(op, name, version, rtype)
        if example is not None:
            p["example"] = example
        return p

    # ---- request bodies ---------------------------------------------------------------------------------------
    def body(self, op: Op, version, rtype) -> dict:
        body = op.body
        if body.kind == "operation":
            values = {n: self._example(op, n, version, rtype) for n in op.params}
            values = {n: v for n, v in values.items() if v is not None}
            schema = K.ref("schemas", "Parameters")
            if body.resource:
                schema = {"oneOf": [schema, K.ref("schemas", body.resource)]}
            example = body.example or as_parameters(values)
            content = self._json_xml(schema, example)
            form = {n: C.operation_schema(n) for n in op.params}
            content[FORM] = {"schema": {"type": "object", "properties": form}}
            if values and not body.example:
                content[FORM]["example"] = as_form(values)
            only = ", ".join(body.only)
            text = ("A Parameters resource (R4 shape on /r4, R5 on /r5), FHIR JSON or XML, or form fields named as "
                    "the query parameters; the query string may carry parameters too (the same parameter with "
                    "different values -> 400)." + (f" Only a Parameters body can carry: {only}." if only else "")
                    + (f" The body may also be the {body.resource} itself." if body.resource else ""))
            return {"required": False, "description": text, "content": content}
        schema = K.ref("schemas", "BatchBundle" if body.kind == "batch" else "Resource")
        text = "A batch Bundle" if body.kind == "batch" else "The resource to check"
        return {"required": True, "description": text + ", FHIR JSON or XML.",
                "content": self._json_xml(schema, body.example)}

    @staticmethod
    def _json_xml(schema: dict, example: dict | None) -> dict:
        content = {}
        for media in REQUEST_JSON:
            content[media] = {"schema": schema}
        for media in REQUEST_XML:
            content[media] = {"schema": {"type": "string", "description": "FHIR XML"}}
        if example:
            content[REQUEST_JSON[0]]["example"] = example
            if example.get("resourceType") == "Parameters" and all(
                    any(k.startswith("value") for k in p) for p in example["parameter"]):
                content[REQUEST_XML[0]]["example"] = as_xml(example)
        return content

    # ---- responses ----------------------------------------------------------------------------------------------
    def responses(self, path: str, route: routes.Route, op: Op, method: str, version, rtype) -> dict:
        get = method == "get"
        conditional = route.cacheable or op.conditional
        headers = {}
        if conditional and (get or route.cacheable):
            headers["ETag"] = K.header("ETag", required=get and op.ok.etag)
        if route.cacheable and get:
            headers["Cache-Control"] = K.header("Cache-Control", required=op.ok.etag)
        for name in op.ok.headers:
            headers[name] = K.header(name, required=True)
        ok = {"description": op.ok.description}
        if headers:
            ok["headers"] = headers
        if op.ok.media:
            ok["content"] = {media: {"schema": schema} for media, schema in op.ok.media.items()}
        else:
            schema = op.ok.schema.pick(version, rtype) if isinstance(op.ok.schema, Per) else op.ok.schema
            ok["content"] = K.fhir_content(K.ref("schemas", schema))
        out = {"200": ok}
        if conditional and get:
            out["304"] = {"description": "Not modified: If-None-Match names the current ETag",
                          "headers": {"ETag": K.header("ETag", required=True)}}
        statuses = {400, 500, *op.errors}
        if route.negotiated:
            statuses.add(406)
        if method == "post":
            statuses.add(413)
            if op.body is not None:
                statuses.add(415)
        if "{id}" in path or "{rtype}" in path:
            statuses.add(404)
        if op.only_errors is not None:
            statuses = set(op.only_errors)
        out.update({str(s): K.ref("responses", f"E{s}") for s in sorted(statuses)})
        return out

    # ---- operations -----------------------------------------------------------------------------------------
    def operation(self, path, version, rtype, endpoint, method, route, op: Op) -> dict:
        tag = op.tag.pick(version, rtype) if isinstance(op.tag, Per) else op.tag
        summary = op.summary.replace("{rtype}", rtype or "")
        out = {"tags": [f"{tag} ({version})" if version else tag], "summary": summary,
               "operationId": _operation_id(version, endpoint, rtype, method)}
        if op.description:
            out["description"] = op.description
        params = self.path_params(path, op, rtype) + self.query_params(op, method, version, rtype)
        params += [K.ref("parameters", name) for name in op.control]
        params += [K.ref("parameters", name) for name in op.headers]
        if (route.cacheable or op.conditional) and method == "get":
            params.append(K.ref("parameters", "If-None-Match"))
        out["parameters"] = params
        if method == "post" and op.body is not None:
            out["requestBody"] = self.body(op, version, rtype)
        out["responses"] = self.responses(path, route, op, method, version, rtype)
        return out

    def options(self, path: str, version, rtype, endpoint, methods: set[str], op: Op) -> dict:
        allow = sorted(set(methods) | ({"HEAD"} if "GET" in methods else set()) | {"OPTIONS"})
        out = {"tags": [f"{op.tag.pick(version, rtype) if isinstance(op.tag, Per) else op.tag}"
                        + (f" ({version})" if version else "")],
               "summary": "The methods this path allows (204); a CORS preflight is answered the same way",
               "operationId": _operation_id(version, endpoint, rtype, "options"),
               "parameters": self.path_params(path, op, rtype),
               "responses": {"204": {"description": "No content; Allow lists the methods (a CORS preflight, with "
                                                    f"Access-Control-Request-Method, gets Allow: {PREFLIGHT_ALLOW})",
                                     "headers": {"Allow": {"required": True, "schema": {
                                         "type": "string", "enum": sorted({", ".join(allow), PREFLIGHT_ALLOW})}}}}}}
        if "{" in path:
            out["responses"]["404"] = K.ref("responses", "OptionsNotFound")
        return out

    # ---- the whole spec -------------------------------------------------------------------------------------
    def rules(self, fhir_rules, root_rules):
        for rule, endpoint, methods, route in [*root_rules, *LAYER_RULES]:
            yield rule, None, endpoint, methods, route
        for version in VERSIONS:
            for rule, endpoint, methods, route in fhir_rules:
                yield f"/{version}{rule}", version, endpoint, methods, route

    def paths(self, fhir_rules, root_rules) -> dict:
        endpoints = {e for _r, e, _m, _x in [*fhir_rules, *root_rules, *LAYER_RULES]}
        missing = sorted(endpoints - set(self.described))
        stale = sorted(set(self.described) - endpoints)
        if missing or stale:
            raise MissingDescription("routes without a description in service/web/openapi/table.py: "
                                     f"{missing}; descriptions of no route: {stale}")
        paths: dict[str, dict] = {}
        allowed: dict[str, set] = {}
        first: dict[str, tuple] = {}
        for rule, version, endpoint, methods, route in self.rules(fhir_rules, root_rules):
            op = self.described[endpoint]
            for path, bound in expand_rule(rule):
                rtype = _rtype_of(path, bound)
                item = paths.setdefault(path, {})
                for method in methods:
                    if method.lower() in item:
                        raise ValueError(f"{method} {path} is routed twice")
                    item[method.lower()] = self.operation(path, version, rtype, endpoint, method.lower(), route, op)
                allowed.setdefault(path, set()).update(methods)
                first.setdefault(path, (version, rtype, endpoint, op))
        for path, item in paths.items():
            version, rtype, endpoint, op = first[path]
            item["options"] = self.options(path, version, rtype, endpoint, allowed[path], op)
        return paths


def _operation_id(version, endpoint: str, rtype, method: str) -> str:
    parts = [version, endpoint.replace("-", "_"), rtype, method]
    return "_".join(p for p in parts if p)


def build(fhir_rules=None, root_rules=None, described: dict[str, Op] | None = None) -> dict:
    """The OpenAPI document (a dict) for the route table."""
    from .document import document

    builder = Builder(DESCRIBED if described is None else described)
    paths = builder.paths(routes.FHIR_RULES if fhir_rules is None else fhir_rules,
                          routes.ROOT_RULES if root_rules is None else root_rules)
    return document(paths)
