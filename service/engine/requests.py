"""Typed operation requests: what each operation is asked, as frozen dataclasses.

``service.params`` builds them from the merged, marshmallow-typed parameters of an HTTP request (the only
place that knows FHIR parameter names); operations and the engine read fields, never raw names.

``VersionChoices`` and ``WalkInputs`` are everything a compose walk (``expand.Expander``) reads besides the
registry and the deadline: the expansion memo keys on ``WalkInputs`` itself, so an input added here is in the
key by construction.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Pairs = tuple[tuple[str, str], ...]   # (canonical url, version) pairs, in request order


def fhir(name: str, default=None, *, many: bool = False):
    """A field read from the FHIR parameter `name` (its first value, or all values as a tuple if many)."""
    return field(default=() if many else default, metadata={"fhir": name, "many": many})


@dataclass(frozen=True)
class VersionChoices:
    """Version parameters: system-version, force-system-version, check-system-version, default-valueset-version,
    versionsMatch."""
    system_version: Pairs = ()
    force_system_version: Pairs = ()
    check_system_version: Pairs = ()
    default_valueset_version: Pairs = ()
    versions_match: bool | None = None   # None: not given

    def as_dict(self, name: str) -> dict[str, str]:
        return dict(getattr(self, name))


@dataclass(frozen=True)
class WalkInputs:
    """The inputs of a compose walk (hashable: the expansion memo's key)."""
    versions: VersionChoices = VersionChoices()
    max_walk: int = 1_000_000


@dataclass(frozen=True)
class Common:
    """Parameters every terminology operation takes."""
    tx_resources: tuple = ()          # request-scoped resources (tx-resource, inline valueSet/codeSystem with url)
    display_language: str | None = fhir("displayLanguage")
    use_supplement: tuple[str, ...] = fhir("useSupplement", many=True)
    versions: VersionChoices = VersionChoices()
    source: dict = field(default_factory=dict, compare=False, repr=False)   # the typed parameters it came from


@dataclass(frozen=True)
class LookupRequest(Common):
    system: str | None = fhir("system")
    code: str | None = fhir("code")
    version: str | None = fhir("version")
    coding: dict | None = fhir("coding")
    properties: tuple[str, ...] = fhir("property", many=True)


@dataclass(frozen=True)
class SubsumesRequest(Common):
    system: str | None = fhir("system")
    version: str | None = fhir("version")
    code_a: str | None = fhir("codeA")
    code_b: str | None = fhir("codeB")
    coding_a: dict | None = fhir("codingA")
    coding_b: dict | None = fhir("codingB")


@dataclass(frozen=True)
class ValueSetChoice:
    """Which value set: a canonical (url [+ valueSetVersion]) or an inline resource."""
    url: str | None = None
    version: str | None = None
    inline: dict | None = None


@dataclass(frozen=True)
class ValidationOptions:
    abstract_ok: bool = fhir("abstract", True)
    active_only: bool = fhir("activeOnly", False)
    lenient_display: bool = fhir("lenient-display-validation", False)
    membership_only: bool = fhir("valueset-membership-only", False)


@dataclass(frozen=True)
class ValidateCodeRequest(Common):
    value_set: ValueSetChoice = ValueSetChoice()
    system: str | None = fhir("system")
    code_system_url: str | None = None  # (CodeSystem $validate-code) url: the system when none is given
    system_version: str | None = None   # systemVersion, or (CodeSystem $validate-code) version
    code: str | None = fhir("code")
    display: str | None = fhir("display")
    coding: dict | None = fhir("coding")
    codeable_concept: dict | None = fhir("codeableConcept")
    options: ValidationOptions = ValidationOptions()


@dataclass(frozen=True)
class ExpandRequest(Common):
    value_set: ValueSetChoice = ValueSetChoice()
    filter: str | None = fhir("filter")
    count: int | None = fhir("count")
    offset: int = fhir("offset", 0)
    active_only: bool = fhir("activeOnly", False)
    exclude_nested: bool = fhir("excludeNested", False)
    exclude_not_for_ui: bool = fhir("excludeNotForUI", False)
    include_designations: bool = fhir("includeDesignations", False)
    include_definition: bool = fhir("includeDefinition", False)
    designations: tuple[str, ...] = fhir("designation", many=True)    # designation filters
    properties: tuple[str, ...] = fhir("property", many=True)
    echo: tuple = ()                      # (name, value[x] key, value) parameters the expansion echoes


@dataclass(frozen=True)
class TranslateCall:
    """One coding to translate (the engine.translate keyword arguments)."""
    source_code: str
    source_system: str
    source_version: str | None
    target_system: str | None
    map_url: str | None
    map_version: str | None
    reverse: bool
    inline_maps: tuple
    dependencies: tuple
    reverse_shape: str
    source_scope: str | None
    target_scope: str | None


@dataclass(frozen=True)
class TranslateRequest(Common):
    calls: tuple[TranslateCall, ...] = ()


@dataclass(frozen=True)
class BatchValidateRequest(Common):
    validations: tuple = ()   # each: a ValidateCodeRequest
