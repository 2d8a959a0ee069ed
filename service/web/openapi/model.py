"""What the description table says about a route: the parts of an operation the route table cannot know.

The route table (``service.web.routes``) gives paths, methods and the flags that decide a good part of the
contract (``Route.cacheable``: ETag, Cache-Control and 304; ``Route.negotiated``: _format, 406 and the four
answer formats; ``Route.page``: a page of its own). An ``Op`` adds the operation's own facts: its summary, its
FHIR parameters (by name; types come from ``service.params``), which of them a GET cannot do without, the
examples, the request body, the success answer and the error statuses the operation itself can give.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace


class Per:
    """An example or schema that differs by FHIR version (r4=, r5=) or by resource type (CodeSystem=, ...)."""

    def __init__(self, **choices):
        self.choices = choices

    def pick(self, version: str | None, rtype: str | None):
        for key in (rtype, version):
            if key in self.choices:
                return self.choices[key]
        return self.choices.get("default")


@dataclass(frozen=True)
class Body:
    """A POST body. kind: "operation" (a Parameters resource, the resource the operation is about, or a form),
    "resource" (any FHIR resource) or "batch" (a batch Bundle)."""
    kind: str
    only: tuple[str, ...] = ()       # parameters that only a body can carry (Codings, resources)
    resource: str | None = None      # the resource a bare body stands for (ValueSet for $expand)
    example: dict | None = None      # for "resource" and "batch"; operation bodies come from the examples


@dataclass(frozen=True)
class Ok:
    """The success answer: a component schema of a FHIR resource (answered in every negotiated format), or an
    explicit {media type: schema} for downloads and non-FHIR answers."""
    description: str
    schema: str | Per | None = None
    media: dict | None = None
    headers: tuple[str, ...] = ()    # component headers the answer always carries (beyond ETag/Cache-Control)
    etag: bool = True                # on a cacheable route, every 200 to a GET carries ETag and Cache-Control


@dataclass(frozen=True)
class Op:
    tag: str
    summary: str
    ok: Ok
    params: tuple[str, ...] = ()            # query parameters, catalogue names (catalogue.OPERATION_PARAMS)
    required: tuple[str, ...] = ()          # required on GET (a POST may carry them in its body)
    examples: dict = field(default_factory=dict)   # parameter name -> example (a Per, or a plain value)
    body: Body | None = None
    errors: tuple[int, ...] = ()            # statuses the operation itself can answer (404, 422...)
    only_errors: tuple[int, ...] | None = None   # exactly these statuses, none derived (a path outside the pipeline)
    conditional: bool = False               # an ETag and 304 without Route.cacheable (downloads)
    control: tuple[str, ...] = ("_format", "_pretty")   # control parameters (catalogue.CONTROL)
    headers: tuple[str, ...] = ("Accept-Language",)     # request headers (catalogue.HEADERS)
    path_params: dict = field(default_factory=dict)      # path parameters other than id and rtype
    search: bool = False                    # the search parameters of catalogue.search_parameters()
    own: dict = field(default_factory=dict)   # parameters of this operation only: name -> (description, schema)
    description: str = ""


def on_instance(op: Op, *, drop: tuple[str, ...] = (), summary: str | None = None) -> Op:
    """The instance-level twin of a type-level operation ([type]/[id]/$op): the instance names the resource,
    so the parameters that would name it are dropped, and an unknown id is a 404."""
    return replace(op, params=tuple(p for p in op.params if p not in drop),
                   required=tuple(p for p in op.required if p not in drop),
                   examples={k: v for k, v in op.examples.items() if k not in drop},
                   errors=tuple(sorted(set(op.errors) | {404})), summary=summary or op.summary)
