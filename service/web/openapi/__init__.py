"""openapi.yaml, generated: the route table (``service.web.routes``) plus a declarative description of each route
(``table.DESCRIBED``: summary, FHIR parameters, examples, body, answers, error statuses).

    python -m service.web.openapi > openapi.yaml       # regenerate
    python -m service.web.openapi --check openapi.yaml # exit 1 when the file is not what the code generates

Modules: ``build`` (paths and operations from the routes), ``table`` (the descriptions), ``model`` (their
shape), ``catalogue`` (parameters; types read from ``service.params``), ``components`` (schemas, error answers,
headers), ``examples`` (values from the built-in content), ``document`` (info, components, YAML).
"""
from __future__ import annotations

from .build import MissingDescription, build, expand_rule
from .document import to_yaml


def generate() -> str:
    """The text of openapi.yaml."""
    return to_yaml(build())


__all__ = ["MissingDescription", "build", "expand_rule", "generate", "to_yaml"]
