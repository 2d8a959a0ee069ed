"""ConceptMap/$translate over R5-shaped ConceptMaps (no Flask here).

``translate`` walks the candidate maps (one named map, the inline maps, or every
loaded map) and returns an R5-shaped Parameters dict: ``result``, ``message``
when nothing usable was found, and one ``match`` per hit with ``relationship``,
``concept``, ``originMap`` and, when the map has them, ``property``,
``product`` and ``dependsOn``.

Direction:
* forward: the code is a *source* code; every group whose source system (and
  version, if asked) matches contributes its element targets; ``target_system``
  restricts the groups' target system.
* reverse: the code is a *target* code; every group whose target system
  matches contributes the elements that map to it; ``target_system`` then
  restricts the groups' *source* system (R4: "reverse swaps the meaning of the
  source and target parameters").  Two output shapes:
  ``reverse_shape="source"`` (R4 ``reverse=true``): ``concept`` is the source
  concept found and the relationship is read from the request's point of view
  (so "source-is-narrower-than-target" becomes "source-is-broader-than-target");
  ``reverse_shape="target"`` (R5 ``targetCode``, as HL7's tx-ecosystem tests
  expect): ``concept`` is the matched target concept, a ``source`` part carries
  the source concept found and the relationship is the map's own.
"""
from __future__ import annotations

from ..errors import Unresolvable
from .versions import matches, split_canonical

NOT_RELATED = "not-related-to"
# an R4 map's own equivalence, kept beside the coarser R5 relationship (convert.py writes and reads it)
R4_EQUIVALENCE_EXT = ("http://hl7.org/fhir/4.0/StructureDefinition/"
                      "extension-ConceptMap.group.element.target.equivalence")
R4_INVERSE = {"wider": "narrower", "narrower": "wider", "subsumes": "specializes", "specializes": "subsumes"}
INVERSE = {"source-is-narrower-than-target": "source-is-broader-than-target",
           "source-is-broader-than-target": "source-is-narrower-than-target"}
# unmapped.mode: R5 names and the R4 name ("provided") that the R4->R5 loader keeps as is
USE_SOURCE = {"use-source-code", "provided"}
_MAX_OTHER_MAP_DEPTH = 5


def translate(ctx, *, source_code: str, source_system: str | None = None, source_version: str | None = None,
              target_system: str | None = None, map_url: str | None = None, map_version: str | None = None,
              reverse: bool = False, inline_maps=(), source_scope: str | None = None,
              target_scope: str | None = None, dependencies=(), reverse_shape: str = "source",
              fill_display: bool = True) -> dict:
    """Translate one code; see the module docstring. Unknown map_url -> Unresolvable."""
    maps = candidate_maps(ctx, map_url=map_url, map_version=map_version, inline_maps=inline_maps,
                          source_scope=source_scope, target_scope=target_scope, reverse=reverse)
    finder = _Finder(ctx, dependencies=dependencies, reverse_shape=reverse_shape, fill_display=fill_display)
    for cm in maps:
        if reverse:
            finder.reverse(cm, source_code, source_system, source_version, target_system)
        else:
            finder.forward(cm, source_code, source_system, source_version, target_system, depth=0)
    return build_result(finder.matches, describe(source_code, source_system, source_version, reverse))


def describe(code: str, system: str | None, version: str | None, reverse: bool) -> str:
    sys_txt = f"{system}|{version}" if system and version else (system or "(no system)")
    return f"{'target ' if reverse else ''}code '{code}' in '{sys_txt}'"


def build_result(matches: list[dict], what: str | list[str]) -> dict:
    """Parameters dict from match parameters (deduplicated, in order)."""
    unique: list[dict] = []
    for m in matches:
        if m not in unique:
            unique.append(m)
    result = any(_relationship(m) != NOT_RELATED for m in unique)
    params: list[dict] = [{"name": "result", "valueBoolean": result}]
    if not result:
        items = [what] if isinstance(what, str) else what
        if unique:
            text = "; ".join(f"Only 'not-related-to' mappings were found for {w}" for w in items)
        else:
            text = "; ".join(f"No translations found for {w}" for w in items)
        params.append({"name": "message", "valueString": text})
    params.extend(unique)
    return {"resourceType": "Parameters", "parameter": params}


def _relationship(match: dict) -> str | None:
    for p in match.get("part", []):
        if p.get("name") == "relationship":
            return p.get("valueCode")
    return None


# ---- map selection ---------------------------------------------------------------------
def candidate_maps(ctx, *, map_url=None, map_version=None, inline_maps=(), source_scope=None,
                   target_scope=None, reverse=False) -> list[dict]:
    inline = [m for m in inline_maps or () if isinstance(m, dict) and m.get("resourceType") == "ConceptMap"]
    if map_url:
        url, ver = split_canonical(map_url)
        ver = map_version or ver
        hits = [m for m in inline if m.get("url") == url and (ver is None or _version_ok(ver, m.get("version")))]
        if not hits:
            found = ctx.registry.resolve("ConceptMap", url, ver)
            if found is None:
                canon = f"{url}|{ver}" if ver else url
                raise Unresolvable(f"A definition for the ConceptMap '{canon}' could not be found",
                                   message_id="Unable_to_resolve_ConceptMap_")
            hits = [found]
        maps = hits
    elif inline:
        maps = inline
    else:
        maps = list(ctx.registry.all("ConceptMap"))
    # sourceScope / targetScope are the value sets of the request's source / target
    if reverse:
        source_scope, target_scope = target_scope, source_scope
    if source_scope:
        maps = [m for m in maps if _scope(m, "source") == split_canonical(source_scope)[0]]
    if target_scope:
        maps = [m for m in maps if _scope(m, "target") == split_canonical(target_scope)[0]]
    return maps


def _scope(cm: dict, side: str) -> str | None:
    for key in (f"{side}ScopeUri", f"{side}ScopeCanonical", f"{side}Uri", f"{side}Canonical"):
        if cm.get(key):
            return split_canonical(cm[key])[0]
    return None


def _version_ok(requested: str | None, actual: str | None) -> bool:
    return requested is None or actual is None or requested == actual or matches(requested, actual)


def _group_side(group: dict, side: str) -> tuple[str | None, str | None]:
    url, ver = split_canonical(group.get(side) or "")
    return (url or None), (ver or group.get(side + "Version"))


def _groups(cm: dict, side: str, system, version, other_system):
    """(group, (source, version), (target, version)) for the groups whose `side` ("source" or "target") is
    system in a compatible version and whose other side is other_system (each filter only when given)."""
    other = "target" if side == "source" else "source"
    for group in cm.get("group", []) or []:
        sides = {"source": _group_side(group, "source"), "target": _group_side(group, "target")}
        sys_, ver = sides[side]
        if system and sys_ != system:
            continue
        if version and ver and not _version_ok(version, ver):
            continue
        if other_system and sides[other][0] != other_system:
            continue
        yield group, sides["source"], sides["target"]


def origin(cm: dict) -> str:
    url = cm.get("url") or (f"ConceptMap/{cm['id']}" if cm.get("id") else "")
    return f"{url}|{cm['version']}" if cm.get("version") else url


# ---- the walk --------------------------------------------------------------------------
class _Finder:
    def __init__(self, ctx, *, dependencies, reverse_shape: str, fill_display: bool):
        self.ctx = ctx
        self.dependencies = [d for d in (_norm_attr(d) for d in dependencies or ()) if d is not None]
        self.reverse_shape = reverse_shape
        self.fill_display = fill_display
        self.matches: list[dict] = []
        self._visited: set = set()   # (map, code) pairs walked, so other-map chains cannot fan out

    def forward(self, cm, code, system, version, target_system, *, depth: int) -> None:
        if (id(cm), code) in self._visited:
            return
        self._visited.add((id(cm), code))
        self.ctx.check_deadline()
        for group, _src, (g_tgt, g_tgt_ver) in _groups(cm, "source", system, version, target_system):
            elements = [e for e in group.get("element", []) or [] if e.get("code") == code]
            for element in elements:
                if element.get("noMap"):
                    continue
                for target in element.get("target", []) or []:
                    if not target.get("code") or not self._dependencies_ok(target):
                        continue   # a target without a code (an R4 'unmatched' with a comment) translates to nothing
                    concept = self._coding(g_tgt, g_tgt_ver, target.get("code"), target.get("display"))
                    self._add(cm, target.get("relationship"), concept, target)
            if not elements:
                self._unmapped(cm, group, code, g_tgt, g_tgt_ver, target_system, depth)

    def reverse(self, cm, code, system, version, other_system) -> None:
        for group, (g_src, g_src_ver), (g_tgt, g_tgt_ver) in _groups(cm, "target", system, version, other_system):
            for element in group.get("element", []) or []:
                for target in element.get("target", []) or []:
                    if target.get("code") != code or not self._dependencies_ok(target):
                        continue
                    source = self._coding(g_src, g_src_ver, element.get("code"), element.get("display"))
                    rel = target.get("relationship")
                    if self.reverse_shape == "target":
                        concept = self._coding(g_tgt, g_tgt_ver, target.get("code"), target.get("display"))
                        self._add(cm, rel, concept, target, source=source)
                    else:
                        self._add(cm, INVERSE.get(rel, rel), source, target, inverse=True)

    def _unmapped(self, cm, group, code, g_tgt, g_tgt_ver, target_system, depth) -> None:
        unmapped = group.get("unmapped")
        if not isinstance(unmapped, dict) or not code:
            return
        mode = unmapped.get("mode")
        if mode == "fixed" and unmapped.get("code"):
            concept = self._coding(g_tgt, g_tgt_ver, unmapped["code"], unmapped.get("display"))
            self._add(cm, unmapped.get("relationship", "related-to"), concept, None)
        elif mode in USE_SOURCE:
            concept = self._coding(g_tgt, g_tgt_ver, code, None)
            self._add(cm, unmapped.get("relationship", "equivalent"), concept, None)
        elif mode == "other-map" and unmapped.get("otherMap", unmapped.get("url")) \
                and depth < _MAX_OTHER_MAP_DEPTH:
            other = self.ctx.registry.resolve("ConceptMap", unmapped.get("otherMap", unmapped.get("url")))
            if other is not None and other is not cm:
                g_src, g_src_ver = _group_side(group, "source")
                self.forward(other, code, g_src, g_src_ver, target_system, depth=depth + 1)

    # ---- pieces ------------------------------------------------------------------
    def _coding(self, system, version, code, display) -> dict:
        coding: dict = {}
        if system:
            coding["system"] = system
        if version:
            coding["version"] = version
        coding["code"] = code
        if not display and self.fill_display and system and code:
            display = self._display(system, version, code)
        if display:
            coding["display"] = display
        return coding

    def _display(self, system, version, code) -> str | None:
        cs = self.ctx.registry.resolve("CodeSystem", system, version)
        if cs is None and version:
            cs = self.ctx.registry.resolve("CodeSystem", system, None)
        concept = cs.locate(code) if cs is not None and hasattr(cs, "locate") else None
        return concept.display if concept is not None else None

    def _dependencies_ok(self, target: dict) -> bool:
        """A target whose dependsOn contradicts a supplied dependency is not a match."""
        if not self.dependencies:
            return True
        for dep in target.get("dependsOn", []) or []:
            want = _norm_attr(dep)
            if want is None:
                continue
            for attr, value in self.dependencies:
                if attr == want[0] and not _same_value(value, want[1]):
                    return False
        return True

    def _add(self, cm, relationship, concept, target, *, source=None, inverse=False) -> None:
        parts: list[dict] = []
        if relationship:
            part = {"name": "relationship", "valueCode": relationship}
            equivalence = next((x.get("valueCode") for x in (target or {}).get("extension", []) or []
                                if x.get("url") == R4_EQUIVALENCE_EXT), None)
            if equivalence:
                if inverse:
                    equivalence = R4_INVERSE.get(equivalence, equivalence)
                part["_valueCode"] = {"extension": [{"url": R4_EQUIVALENCE_EXT, "valueCode": equivalence}]}
            parts.append(part)
        parts.append({"name": "concept", "valueCoding": concept})
        if target:
            prop_uris = {p.get("code"): p.get("uri") for p in cm.get("property", []) or [] if isinstance(p, dict)}
            for prop in target.get("property", []) or []:
                key, value = _value(prop)
                if key:
                    uri = prop_uris.get(prop.get("code")) or prop.get("code")
                    parts.append({"name": "property", "part": [{"name": "uri", "valueUri": uri},
                                                               {"name": "value", key: value}]})
            for name in ("product", "dependsOn"):
                for item in target.get(name, []) or []:
                    norm = _norm_attr(item)
                    if norm is not None:
                        key, value = _value(item) if "attribute" in item else _typed(norm[1])
                        if key is None:
                            continue
                        parts.append({"name": name, "part": [{"name": "attribute", "valueUri": norm[0]},
                                                             {"name": "value", key: value}]})
        parts.append({"name": "originMap", "valueCanonical": origin(cm)})
        if source is not None:
            parts.append({"name": "source", "valueCoding": source})
        self.matches.append({"name": "match", "part": parts})


# ---- dependsOn / product values ----------------------------------------------------------
def _value(item: dict) -> tuple[str | None, object]:
    for key, value in item.items():
        if key.startswith("value") and key not in ("value", "valueSet"):
            return key, value
    return None, None


def _norm_attr(item) -> tuple[str, object] | None:
    """(attribute, value) from an R5 {attribute, value[x]}, an R4 {property, system, value, display},
    or a request dependency {attribute|element, value|concept}; None when unusable."""
    if isinstance(item, tuple) and len(item) == 2:
        return item
    if not isinstance(item, dict):
        return None
    attr = item.get("attribute") or item.get("property") or item.get("element")
    if not attr:
        return None
    if "concept" in item:                                   # R4 request part: CodeableConcept
        cc = item["concept"]
        codings = cc.get("coding", []) if isinstance(cc, dict) else []
        return attr, (codings[0] if codings else cc)
    if "value" in item and not isinstance(item["value"], (dict, list)) and item.get("system"):
        coding = {"system": item["system"], "code": item["value"]}     # R4 ConceptMap OtherElement
        if item.get("display"):
            coding["display"] = item["display"]
        return attr, coding
    if "value" in item:
        return attr, item["value"]
    key, value = _value(item)
    return (attr, value) if key else None


def _typed(value) -> tuple[str, object]:
    if isinstance(value, dict):
        return ("valueCoding", value) if "code" in value or "system" in value else ("valueQuantity", value)
    if isinstance(value, bool):
        return "valueBoolean", value
    return "valueString", value


def _same_value(a, b) -> bool:
    ca = a.get("code") if isinstance(a, dict) else a
    cb = b.get("code") if isinstance(b, dict) else b
    if ca != cb:
        return False
    sa = a.get("system") if isinstance(a, dict) else None
    sb = b.get("system") if isinstance(b, dict) else None
    return sa is None or sb is None or sa == sb
