"""Per-request operation context: registry view, languages, version overrides, limits."""
from __future__ import annotations

import time

from .. import request_clock
from ..errors import TooCostly
from .languages import LanguagePrefs
from .versions import split_canonical


class OpContext:
    """Everything an operation needs besides its own inputs, passed down explicitly."""

    def __init__(self, registry, *, prefs: LanguagePrefs | None = None, params: dict | None = None,
                 max_expansion: int = 1000, deadline_s: float = 10.0, max_walk: int = 1_000_000):
        self.registry = registry
        self.prefs = prefs or LanguagePrefs([], "none", None)
        self.max_expansion = max_expansion   # codes rendered without an explicit count
        self.max_walk = max_walk             # codes a compose walk may collect before giving up
        # within a request, its clock started when the body had arrived (service/edge.py): parsing counts too
        own, request = time.monotonic() + deadline_s, request_clock.deadline()
        self.deadline = own if request is None else min(own, request)
        self.set_params(params or {})
        self.supplements: list = []   # CodeSystem supplements applied to this operation

    def set_params(self, params: dict) -> None:
        """The operation's parameters, and the version choices they make (url -> version)."""
        self.params = params
        self.system_version: dict[str, str] = {}
        self.force_version: dict[str, str] = {}
        self.check_version: dict[str, str] = {}
        self.valueset_version: dict[str, str] = {}   # default-valueset-version
        for name, target in (("default-valueset-version", self.valueset_version),
                             ("system-version", self.system_version),
                             ("force-system-version", self.force_version),
                             ("check-system-version", self.check_version)):
            for value in params.get(name, []):
                if not isinstance(value, str):
                    continue
                url, ver = split_canonical(value)
                if ver:
                    target[url] = ver

    def check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise TooCostly("The operation took too long to complete and was stopped")
