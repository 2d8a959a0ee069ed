"""Operation parameters: merged from the query string, a form and a Parameters body, typed by marshmallow
(``raw``), and turned into one frozen request dataclass per operation (``requests``, ``translate``; the
dataclasses are ``service.engine.requests``). Nothing after this package reads a parameter by its name.
"""
from __future__ import annotations

from .raw import (BOOLEANS, CODINGS, CONCEPTS, INTEGERS, MULTI, RESOURCE_PARAMS, STRINGS, TYPED, coerce, first,
                  from_parameters, integer, merge)
from .requests import (batch_validate, expand, lookup, subsumes, validate_code, validations, version_choices,
                       with_defaults)
from .translate import translate

__all__ = ["BOOLEANS", "CODINGS", "CONCEPTS", "INTEGERS", "MULTI", "RESOURCE_PARAMS", "STRINGS", "TYPED",
           "batch_validate", "coerce", "expand", "first", "from_parameters", "integer", "lookup", "merge",
           "subsumes", "translate", "validate_code", "validations", "version_choices", "with_defaults"]
