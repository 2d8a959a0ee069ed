"""Reading pages as a browser would, for the page tests: GET with a browser's headers, then the links, ids, scripts
and visible text of the HTML (the standard library's parser, no extra dependency)."""
from __future__ import annotations

from html.parser import HTMLParser

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
           "Accept-Language": "en-US,en;q=0.9"}
RR = "http://terminology.rr-all.org/fhir"
BLOCKS = {"p", "div", "li", "dt", "dd", "td", "th", "tr", "h1", "h2", "h3", "br", "ul", "summary", "caption",
          "section", "nav", "header", "footer", "main", "option", "label", "title"}


def page(client, path: str, status: int = 200, **headers):
    """GET a page as a browser does; assert it is HTML with the status; return (response, parsed page)."""
    r = client.get(path, headers={**BROWSER, **headers})
    assert r.status_code == status, (path, r.status_code, r.data[:500])
    assert r.mimetype == "text/html"
    return r, Page(r.get_data(as_text=True))


class Page(HTMLParser):
    """The parts of a page the tests look at: links (href, text, attributes), ids, scripts (and styles), the
    visible text (whitespace collapsed; block elements separated by a space, inline ones not)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.links: list[dict] = []
        self.ids: set[str] = set()
        self.scripts: list[str] = []
        self._text: list[str] = []
        self._open: list[dict] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in BLOCKS:
            self._text.append(" ")
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            link = {"href": attrs["href"], "text": "", "attrs": attrs}
            self.links.append(link)
            self._open.append(link)
        if tag in ("script", "style"):
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self._text.append(" ")
        if tag == "a" and self._open:
            self._open.pop()
        if tag in ("script", "style"):
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
            return
        self._text.append(data)
        for link in self._open:
            link["text"] += data

    @property
    def text(self) -> str:
        return " ".join("".join(self._text).split())

    def hrefs(self, text: str | None = None) -> list[str]:
        return [link["href"] for link in self.links if text is None or " ".join(link["text"].split()) == text]
