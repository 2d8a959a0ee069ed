"""The ValueSet page: the definition in words, the expansion (a page of it, filtered by text, in a chosen display
language), and downloads (JSON, XML, CSV, a collection Bundle, the FHIR package).

Without scripts the filter, language and paging are a GET form and links back to this page (``filter``,
``displayLanguage``, ``offset``); with scripts a small inline script filters as one types by calling the value
set's ``$expand?filter=`` and redraws the table (progressive enhancement: the same table, the same links).
"""
from __future__ import annotations

from ... import operations as ops
from ... import params as P
from ...errors import Invalid, NotFound, TerminologyError
from ..respond import PageResult
from .compose_words import ComposeWords
from .templating import Links, code_system_of, concept_url, page_body

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
LANGUAGES = (("", "Default"), ("en", "English (US spelling)"), ("en-GB", "English (British spelling)"))
METADATA = (("url", "URL"), ("version", "Version"), ("name", "Name"), ("status", "Status"),
            ("experimental", "Experimental"), ("publisher", "Publisher"), ("date", "Date"))


class PageQuery:
    """The page's own query parameters, checked (a bad one is a 400, as for any FHIR parameter)."""

    def __init__(self, req):
        self.filter = (req.arg("filter") or "").strip()
        self.language = (req.arg("displayLanguage") or "").strip()
        self.offset = _int("offset", req.arg("offset"), 0)
        self.count = min(_int("count", req.arg("count"), PAGE_SIZE), MAX_PAGE_SIZE) or PAGE_SIZE

    def typed(self) -> dict:
        typed: dict = {"excludeNested": [True], "offset": [self.offset], "count": [self.count]}
        if self.filter:
            typed["filter"] = [self.filter]
        if self.language:
            typed["displayLanguage"] = [self.language]
        return typed

    def page_args(self, **changes) -> dict:
        args = {"filter": self.filter, "displayLanguage": self.language,
                "count": self.count if self.count != PAGE_SIZE else None, "offset": self.offset or None}
        args.update(changes)
        return args


def _int(name: str, raw, default: int) -> int:
    return default if raw in (None, "") else P.integer(name, raw)


def valueset_page(svc, req, rid: str) -> PageResult:
    vs = svc.registry.by_id("ValueSet", rid)
    if vs is None:
        raise NotFound(f"ValueSet/{rid} is not known")
    links = Links(req)
    query = PageQuery(req)
    expansion, error = _expand(svc, req, rid, query)
    rows, systems = _rows(svc, links, expansion)
    total = (expansion or {}).get("total")
    words = ComposeWords(svc.registry, links)
    ours = svc.content_registry.by_id("ValueSet", rid) is vs
    body = page_body(
        req, "valueset.html", title=vs.get("title") or vs.get("name") or rid, vs=vs, rid=rid, query=None,
        q=query, statements=words.statements(vs), notes=words.notes(vs), rows=rows, total=total, error=error,
        pager=_pager(links, rid, query, total, len(rows)), languages=LANGUAGES, systems=systems,
        page_url=links.resource("ValueSet", rid), expand_url=links.fhir_url(f"ValueSet/{rid}/$expand"),
        metadata=[(label, _text(vs[key])) for key, label in METADATA if vs.get(key) is not None],
        downloads=_downloads(links, rid, vs, query, ours))
    return PageResult(body)


def _expand(svc, req, rid: str, query: PageQuery) -> tuple[dict | None, str | None]:
    """(the expansion, None) or (None, why it cannot be shown)."""
    request = P.expand(query.typed())
    ctx = svc.context(req, request)   # a bad displayLanguage is raised here: a 400 with the reason
    try:
        return ops.expand(ctx, request, rid).get("expansion") or {}, None
    except TerminologyError as exc:
        if isinstance(exc, Invalid) and query.filter:
            raise   # the filter typed (e.g. too many words): a 400 with the reason
        return None, str(exc)   # the value set itself cannot be expanded here (e.g. an unknown system)


def _rows(svc, links: Links, expansion: dict | None) -> tuple[list[dict], dict[str, str]]:
    """Table rows of the expansion, and system -> concept page prefix (for the script's links)."""
    rows, cache, systems = [], {}, {}
    for item in (expansion or {}).get("contains", []):
        system, code = item.get("system"), item.get("code")
        rid, _cs = code_system_of(svc.registry, system, cache)
        if rid and system not in systems:
            systems[system] = links.concept(rid, "")
        rows.append({"code": code or "", "display": item.get("display") or "", "system": system or "",
                     "url": concept_url(svc.registry, links, system, code, cache),
                     "abstract": bool(item.get("abstract")), "inactive": bool(item.get("inactive"))})
    return rows, systems


def _pager(links: Links, rid: str, query: PageQuery, total: int | None, shown: int) -> dict:
    prev_url = next_url = None
    if query.offset > 0:
        prev_url = links.resource("ValueSet", rid, **query.page_args(offset=max(0, query.offset - query.count) or None))
    if total is not None and query.offset + shown < total:
        next_url = links.resource("ValueSet", rid, **query.page_args(offset=query.offset + query.count))
    first = query.offset + 1 if shown else 0
    return {"prev": prev_url, "next": next_url, "first": first, "last": query.offset + shown}


def _downloads(links: Links, rid: str, vs: dict, query: PageQuery, ours: bool) -> list[tuple[str, str, str]]:
    lang = query.language or None
    items = [("Definition (FHIR JSON)", links.resource("ValueSet", rid, _format="json"), "download"),
             ("Definition (FHIR XML)", links.resource("ValueSet", rid, _format="xml"), "download"),
             ("Expansion (FHIR JSON)", links.fhir_url(f"ValueSet/{rid}/$expand", displayLanguage=lang, _format="json"),
              "download"),
             ("Expansion (CSV)", links.fhir_url(f"ValueSet/{rid}/$expand.csv", displayLanguage=lang), "download")]
    if vs.get("url"):
        items.append(("Collection Bundle (definition and expansion)",
                      links.fhir_url("ValueSet/$bundle", url=vs["url"], mode="expanded"), "download"))
    if ours:
        items.append(("FHIR package of all our content (.tgz)", links.fhir_url("$package"), "download"))
    return items


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
