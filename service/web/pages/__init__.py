"""Pages for people: what a browser (or ``_format=html``) gets instead of FHIR JSON/XML.

Server-rendered with Jinja2 (which Flask ships), no scripts or styles from elsewhere (works offline). A route
may have a page handler of its own (``routes.Route.page``): the home page and search (``home``), CodeSystem
(``codesystem``), concept (``concept``), ValueSet (``valueset``) and ConceptMap (``conceptmap``) pages, the read
route choosing among them (``read``). Any other answer is shown by ``resource_page`` (``resource``): the
resource, readable, with links to its JSON and XML. Links are built by ``templating.Links`` only.

This package's ``__init__`` imports nothing that imports ``respond`` (which imports it for ``resource_page``).
"""
from __future__ import annotations

from .resource import resource_page

__all__ = ["resource_page"]
