"""The page of the read route (``/{r4,r5}/{CodeSystem,ValueSet,ConceptMap}/{id}``): one per resource type."""
from __future__ import annotations

from ..respond import PageResult
from .codesystem import codesystem_page
from .conceptmap import conceptmap_page
from .valueset import valueset_page

PAGES = {"CodeSystem": codesystem_page, "ValueSet": valueset_page, "ConceptMap": conceptmap_page}


def read_page(svc, req, rtype: str, rid: str) -> PageResult:
    return PAGES[rtype](svc, req, rid)
