"""What every page shares: the Jinja2 environment (autoescaping on), the links between pages, and the
page body every page handler wraps in a ``respond.PageResult`` (not imported here: ``respond`` imports this package
for its generic resource page).

Links are built here and nowhere else, so a page never points at a path the route table does not answer
(``tests/web/test_pages.py`` follows every link of every page). Pages of a FHIR endpoint link within it
(/r4 pages to /r4 pages); the home and search pages, which are not under a FHIR base, link to /r4 (what EHRs
use), and every FHIR page offers the same page on the other version.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_VERSION = "r4"
SERVER_NAME = "RR-ALL terminology server"


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True, auto_reload=False)


def render(template: str, **context) -> bytes:
    return environment().get_template(template).render(**context).encode("utf-8")


class Links:
    """The URLs of pages and FHIR answers for one request (relative to the server's root path)."""

    def __init__(self, req):
        self.root = req.environ.get("SCRIPT_NAME", "").rstrip("/")
        self.version = (req.version or DEFAULT_VERSION.upper()).lower()
        self.fhir = f"{self.root}/{self.version}"
        self.path = req.path
        base = req.base_url   # scheme://host + the root path
        self.origin = base[:len(base) - len(self.root)] if self.root else base

    def absolute(self, url: str) -> str:
        """A link of these (root-relative) as an absolute URL, for JSON answers."""
        return self.origin + url

    # ---- pages ------------------------------------------------------------------------------------
    @property
    def home(self) -> str:
        return self.root + "/"

    def search(self, q: str | None = None) -> str:
        return f"{self.root}/search" + (f"?{urlencode({'q': q})}" if q else "")

    def resource(self, rtype: str, rid: str, **query) -> str:
        url = f"{self.fhir}/{rtype}/{quote(rid, safe='')}"
        query = {k: v for k, v in query.items() if v not in (None, "")}
        return url + (f"?{urlencode(query)}" if query else "")

    def concept(self, cs_id: str, code: str) -> str:
        return f"{self.fhir}/CodeSystem/{quote(cs_id, safe='')}/concept/{quote(code, safe='')}"

    def resource_search(self, rtype: str) -> str:
        return f"{self.fhir}/{rtype}"

    def other_version(self) -> str | None:
        """This page on the other FHIR version (None for pages outside /r4 and /r5)."""
        if not self.path.startswith(("/r4/", "/r5/")):
            return None
        other = "r5" if self.path.startswith("/r4/") else "r4"
        return f"{self.root}/{other}/{quote(self.path[4:], safe='/$+-._~')}"   # the path arrives decoded

    # ---- FHIR answers (downloads, the type-ahead) -------------------------------------------------------
    def fhir_url(self, tail: str, **query) -> str:
        pairs = []
        for k, v in query.items():
            pairs.extend((k, x) for x in (v if isinstance(v, (list, tuple)) else [v]) if x not in (None, ""))
        return f"{self.fhir}/{tail}" + (f"?{urlencode(pairs)}" if pairs else "")


def page_body(req, template: str, *, title: str, **context) -> bytes:
    """A page: the template rendered with the title, the links and the request's FHIR version."""
    links = Links(req)
    return render(template, title=title, links=links, version=req.version, other_version=links.other_version(),
                  **context)


def code_system_of(registry, system: str | None, cache: dict):
    """(id, code system) of the code system a canonical (url or url|version) names, or (None, None); the
    cache dict keeps the answers of one page."""
    if not system:
        return None, None
    if system not in cache:
        cs = registry.resolve("CodeSystem", system)
        rid = cs.metadata.get("id") if cs is not None else None
        cache[system] = (rid, cs) if rid else (None, None)
    return cache[system]


def concept_url(registry, links: Links, system: str | None, code: str | None, cache: dict) -> str | None:
    """The concept page of (system, code) when this server holds that concept, else None."""
    rid, cs = code_system_of(registry, system, cache)
    if rid is None or not code or not cs.has(code):
        return None
    return links.concept(rid, code)
