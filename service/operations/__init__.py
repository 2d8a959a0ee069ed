"""Operation handlers: a typed request (service.engine.requests) in, an R5-shaped resource dict out. No Flask.

Each handler resolves its inputs (request-scoped resources, instance id, canonical) and calls the engine;
errors are raised as TerminologyError.
"""
from __future__ import annotations

from .context import make_context, resolve_valueset, use_supplements
from .expand import apply_valueset_defaults, expand
from .lookup import lookup, subsumes
from .translate import translate
from .validate import batch_validate, validate_code

__all__ = ["apply_valueset_defaults", "batch_validate", "expand", "lookup", "make_context", "resolve_valueset",
           "subsumes", "translate", "use_supplements", "validate_code"]
