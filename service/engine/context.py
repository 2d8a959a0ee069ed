"""Per-operation context: registry view, languages, version choices, limits, the expansion memo."""
from __future__ import annotations

import time

from .. import request_clock
from ..errors import TooCostly
from .languages import LanguagePrefs
from .requests import VersionChoices, WalkInputs


class OpContext:
    """Everything an operation needs besides its own inputs, passed down explicitly."""

    def __init__(self, registry, *, prefs: LanguagePrefs | None = None, versions: VersionChoices | None = None,
                 max_expansion: int = 1000, deadline_s: float = 10.0, max_walk: int = 1_000_000, memo=None):
        self.registry = registry
        self.prefs = prefs or LanguagePrefs([], "none", None)
        self.max_expansion = max_expansion   # codes rendered without an explicit count
        self.max_walk = max_walk             # codes a compose walk may collect before giving up
        # within a request, its clock started when the body had arrived (service/web/layers/intake.py): parsing counts too
        own, request = time.monotonic() + deadline_s, request_clock.deadline()
        self.deadline = own if request is None else min(own, request)
        self.memo = memo                     # the application's expansion memo (expansion_memo.ExpansionMemo)
        self.set_versions(versions or VersionChoices())
        self.supplements: list = []   # CodeSystem supplements applied to this operation

    def set_versions(self, versions: VersionChoices) -> None:
        """The version choices of the operation (url -> version maps for the walk)."""
        self.versions = versions
        self.system_version = versions.as_dict("system_version")
        self.force_version = versions.as_dict("force_system_version")
        self.check_version = versions.as_dict("check_system_version")
        self.valueset_version = versions.as_dict("default_valueset_version")   # default-valueset-version
        self.walk = WalkInputs(versions=versions, max_walk=self.max_walk)

    def check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise TooCostly("The operation took too long to complete and was stopped")
