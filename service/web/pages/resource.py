"""Any FHIR answer as a page (the routes without a page of their own, and errors): its type and title, an
OperationOutcome's issues in words, the resource as JSON (as the request's FHIR version gives it)."""
from __future__ import annotations

from urllib.parse import urlencode

import orjson

from .templating import page_body


def resource_page(req, resource: dict, status: int = 200) -> bytes:
    title = resource.get("title") or resource.get("name") or resource.get("id") or resource.get("resourceType")
    pairs = [(k, v) for k, v in req.query_pairs if k != "_format"] if req.environ.get("QUERY_STRING") else []
    here = req.environ.get("SCRIPT_NAME", "").rstrip("/") + req.path

    def as_format(fmt: str) -> str:
        return f"{here}?{urlencode(pairs + [('_format', fmt)])}"

    issues = [{"severity": i.get("severity", ""), "code": i.get("code", ""),
               "text": i.get("diagnostics") or (i.get("details") or {}).get("text", "")}
              for i in resource.get("issue", [])] if resource.get("resourceType") == "OperationOutcome" else []
    return page_body(req, "resource.html", title=str(title), resource_type=resource.get("resourceType", ""),
                     status=status, issues=issues, json_url=as_format("json"), xml_url=as_format("xml"),
                     json_text=orjson.dumps(resource, option=orjson.OPT_INDENT_2).decode("utf-8"))
