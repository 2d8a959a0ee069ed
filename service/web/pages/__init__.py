"""Pages for people: what a browser (or ``_format=html``) gets instead of FHIR JSON/XML.

Server-rendered with Jinja2 (which Flask ships), no scripts or styles from elsewhere (works offline). A route
may have a page handler of its own (``routes.Route.page``); any other answer is shown by ``resource_page``:
the resource, readable, with links to its JSON and XML.
"""
from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

import orjson

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context) -> bytes:
    return environment().get_template(template).render(**context).encode("utf-8")


def resource_page(req, resource: dict, status: int = 200) -> bytes:
    """Any FHIR answer as a page: its type and title, the JSON (as the request's FHIR version gives it)."""
    title = resource.get("title") or resource.get("name") or resource.get("id") or resource.get("resourceType")
    here = req.path + ("?" + req.environ.get("QUERY_STRING", "") if req.environ.get("QUERY_STRING") else "")
    sep = "&" if "?" in here else "?"
    return render("resource.html", title=str(title), resource_type=resource.get("resourceType", ""),
                  status=status, version=req.version,
                  json_text=orjson.dumps(resource, option=orjson.OPT_INDENT_2).decode("utf-8"),
                  json_url=html.unescape(f"{here}{sep}_format=json"), xml_url=f"{here}{sep}_format=xml",
                  base=req.environ.get("SCRIPT_NAME", ""))
