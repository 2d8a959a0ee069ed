"""The only place that converts between FHIR R4 and R5 shapes (JSON level, terminology resources).

Internally everything is R5-shaped. Requests on /r4 are converted R4 -> R5 on
the way in, responses R5 -> R4 on the way out.
"""
from __future__ import annotations

# The R4 equivalence of a map target is kept through R4 -> R5 -> R4 in the standard cross-version extension, since
# the R5 relationship is coarser (equal, subsumes, specializes, inexact have no R5 code of their own); the engine
# carries it into $translate matches.
from .engine.translate import R4_EQUIVALENCE_EXT as EQUIVALENCE_EXT

EXT_BASE = "http://hl7.org/fhir/5.0/StructureDefinition/"
FILTER_OP_EXT = EXT_BASE + "extension-ValueSet.compose.include.filter.op"
EXP_PROP_EXT = EXT_BASE + "extension-ValueSet.expansion.property"
CONTAINS_PROP_EXT = EXT_BASE + "extension-ValueSet.expansion.contains.property"
R4_FILTER_OPS = {"=", "is-a", "descendent-of", "is-not-a", "regex", "in", "not-in", "generalizes", "exists"}

EQUIV_TO_REL = {"relatedto": "related-to", "equivalent": "equivalent", "equal": "equivalent",
                "wider": "source-is-narrower-than-target", "subsumes": "source-is-narrower-than-target",
                "narrower": "source-is-broader-than-target", "specializes": "source-is-broader-than-target",
                "inexact": "related-to", "unmatched": "not-related-to", "disjoint": "not-related-to"}
REL_TO_EQUIV = {"related-to": "relatedto", "equivalent": "equivalent",
                "source-is-narrower-than-target": "wider", "source-is-broader-than-target": "narrower",
                "not-related-to": "disjoint"}


# ---- the walk shared by both directions ---------------------------------------------------
def _walk(res, convert):
    """Apply convert[resourceType] to res and every resource inside it: Parameters, Bundle entries and the
    contained resources of any resource."""
    if isinstance(res, list):
        return [_walk(r, convert) for r in res]
    if not isinstance(res, dict):
        return res
    rtype = res.get("resourceType")
    if rtype in convert:
        out = convert[rtype](res)
    elif rtype == "Parameters":
        out = dict(res)
        out["parameter"] = [_param(p, convert) for p in res.get("parameter", [])]
    elif rtype == "Bundle" and "entry" in res:
        out = dict(res)
        out["entry"] = [dict(e, resource=_walk(e["resource"], convert)) if isinstance(e, dict) and "resource" in e
                        else e for e in res["entry"]]
    else:
        out = res
    if isinstance(out.get("contained"), list):
        out = dict(out)
        out["contained"] = [_walk(r, convert) for r in out["contained"]]
    return out


def _param(p, convert):
    if not isinstance(p, dict) or ("resource" not in p and "part" not in p):
        return p   # a plain value: nothing version-specific inside, no copy needed
    out = dict(p)
    if "resource" in p:
        out["resource"] = _walk(p["resource"], convert)
    if "part" in p:
        out["part"] = [_param(x, convert) for x in p["part"]]
    return out


def r4_to_r5(res):
    """An R4 resource (or list) in the internal R5 shape."""
    return _walk(res, _R4_TO_R5)


def r5_to_r4(res):
    """An internal R5-shaped resource (or list) as FHIR R4."""
    return _walk(res, _R5_TO_R4)


# ---- R4 -> R5 ---------------------------------------------------------------------------
def _vs_r4_to_r5(vs):
    out = dict(vs)
    if "compose" in vs:
        compose = dict(vs["compose"])
        for key in ("include", "exclude"):
            if key in compose:
                compose[key] = [_inc_r4_to_r5(i) for i in compose[key]]
        out["compose"] = compose
    if "expansion" in vs:
        exp = _lift_property(dict(vs["expansion"]), EXP_PROP_EXT)
        if "contains" in exp:
            exp["contains"] = [_contains_r4_to_r5(c) for c in exp["contains"]]
        out["expansion"] = exp
    return out


def _inc_r4_to_r5(inc):
    if "filter" not in inc:
        return inc
    out = dict(inc)
    filters = []
    for f in inc["filter"]:
        f = dict(f)
        op_ext = (f.get("_op") or {}).get("extension", [])
        for e in op_ext:
            if e.get("url") == FILTER_OP_EXT and "valueCode" in e:
                f["op"] = e["valueCode"]
        f.pop("_op", None)
        filters.append(f)
    out["filter"] = filters
    return out


def _contains_r4_to_r5(c):
    out = _lift_property(dict(c), CONTAINS_PROP_EXT)
    if "contains" in c:
        out["contains"] = [_contains_r4_to_r5(x) for x in c["contains"]]
    return out


def _lift_property(obj: dict, url: str) -> dict:
    """R4 property extensions (url) on obj become the R5 `property` element."""
    exts, props = _split_ext(obj.get("extension", []), url)
    if props:
        obj["property"] = [_ext_parts(e) for e in props]
        if exts:
            obj["extension"] = exts
        else:
            obj.pop("extension", None)
    return obj


def _split_ext(exts, url):
    keep, hit = [], []
    for e in exts or []:
        (hit if e.get("url") == url else keep).append(e)
    return keep, hit


def _ext_parts(ext):
    out = {}
    for sub in ext.get("extension", []):
        for k, v in sub.items():
            if k.startswith("value"):
                if sub.get("url") in ("code", "uri"):
                    out[sub["url"]] = v
                else:
                    out[k] = v
    return out


# ConceptMap scope elements: (R4 name, R5 name)
_CM_SCOPE = (("sourceUri", "sourceScopeUri"), ("sourceCanonical", "sourceScopeCanonical"),
             ("targetUri", "targetScopeUri"), ("targetCanonical", "targetScopeCanonical"))


def _cm_r4_to_r5(cm):
    out = dict(cm)
    for r4, r5 in _CM_SCOPE:
        if r4 in out:
            out[r5] = out.pop(r4)
    groups = []
    for g in cm.get("group", []):
        g = dict(g)
        if g.get("sourceVersion") and "|" not in g.get("source", ""):
            g["source"] = f"{g.get('source')}|{g.pop('sourceVersion')}"
        if g.get("targetVersion") and "|" not in g.get("target", ""):
            g["target"] = f"{g.get('target')}|{g.pop('targetVersion')}"
        elements = []
        for e in g.get("element", []):
            e = dict(e)
            targets = []
            for t in e.get("target", []):
                t = dict(t)
                if "equivalence" in t:
                    eq = t.pop("equivalence")
                    if eq == "unmatched" and not t:
                        e["noMap"] = True   # R5's way of saying "no match"; a target with a code, a comment or a
                        continue            # product stays a target (not-related-to), so nothing is lost
                    t["relationship"] = EQUIV_TO_REL.get(eq, "related-to")
                    if REL_TO_EQUIV.get(t["relationship"]) != eq:
                        t["extension"] = [x for x in t.get("extension", []) if x.get("url") != EQUIVALENCE_EXT] + [
                            {"url": EQUIVALENCE_EXT, "valueCode": eq}]
                targets.append(t)
            if targets:
                e["target"] = targets
            else:
                e.pop("target", None)
            elements.append(e)
        g["element"] = elements
        groups.append(g)
    if groups:
        out["group"] = groups
    return out


# ---- R5 -> R4 ---------------------------------------------------------------------------
def _vs_r5_to_r4(vs):
    out = dict(vs)
    for key in ("versionAlgorithmString", "versionAlgorithmCoding", "copyrightLabel", "scope"):
        out.pop(key, None)
    if "compose" in vs:
        compose = dict(vs["compose"])
        compose.pop("property", None)
        for key in ("include", "exclude"):
            if key in compose:
                compose[key] = [_inc_r5_to_r4(i) for i in compose[key]]
        out["compose"] = compose
    if "expansion" in vs:
        exp = dict(vs["expansion"])
        exp.pop("next", None)
        if "property" in exp:
            props = exp.pop("property")
            exp["extension"] = list(exp.get("extension", [])) + [
                {"url": EXP_PROP_EXT, "extension": [{"url": k, ("valueCode" if k == "code" else "valueUri"): v}
                                                    for k, v in p.items() if k in ("code", "uri")]}
                for p in props]
        if "contains" in exp:
            exp["contains"] = [_contains_r5_to_r4(c) for c in exp["contains"]]
        out["expansion"] = exp
    return out


def _inc_r5_to_r4(inc):
    out = dict(inc)
    out.pop("copyright", None)
    if "filter" in inc:
        filters = []
        for f in inc["filter"]:
            f = dict(f)
            if f.get("op") not in R4_FILTER_OPS:
                op = f.pop("op", None)
                f["_op"] = {"extension": [{"url": FILTER_OP_EXT, "valueCode": op}]}
            filters.append(f)
        out["filter"] = filters
    return out


def _contains_r5_to_r4(c):
    out = dict(c)
    if "property" in c:
        props = out.pop("property")
        exts = []
        for p in props:
            sub = [{"url": "code", "valueCode": p["code"]}]
            for k, v in p.items():
                if k.startswith("value"):
                    sub.append({"url": "value", k: v})
            exts.append({"url": CONTAINS_PROP_EXT, "extension": sub})
        out["extension"] = list(c.get("extension", [])) + exts
    if "designation" in c:
        out["designation"] = [{k: v for k, v in d.items() if k != "additionalUse"} for d in c["designation"]]
    if "contains" in c:
        out["contains"] = [_contains_r5_to_r4(x) for x in c["contains"]]
    return out


def _cm_r5_to_r4(cm):
    out = dict(cm)
    for r4, r5 in _CM_SCOPE:
        if r5 in out:
            out[r4] = out.pop(r5)
    for key in ("property", "additionalAttribute", "versionAlgorithmString", "copyrightLabel"):
        out.pop(key, None)
    groups = []
    for g in cm.get("group", []):
        g = dict(g)
        for side in ("source", "target"):
            if "|" in g.get(side, ""):
                url, _, ver = g[side].partition("|")
                g[side], g[side + "Version"] = url, ver
        elements = []
        for e in g.get("element", []):
            e = dict(e)
            targets = [_target_r5_to_r4(t) for t in e.get("target", [])]
            if e.pop("noMap", False):
                targets.append({"equivalence": "unmatched"})
            if targets:
                e["target"] = targets
            elements.append(e)
        g["element"] = elements
        groups.append(g)
    if groups:
        out["group"] = groups
    return out


def _target_r5_to_r4(t: dict) -> dict:
    out = {k: v for k, v in t.items() if k not in ("relationship", "extension")}
    others, kept = _split_ext(t.get("extension"), EQUIVALENCE_EXT)
    if others:
        out["extension"] = others
    out["equivalence"] = (kept[0].get("valueCode") if kept else None) or REL_TO_EQUIV.get(
        t.get("relationship"), "relatedto")
    return out


def r4_equivalence(element: dict) -> str | None:
    """The R4 equivalence an R5-shaped element (a map target, a $translate relationship part) carries in the
    cross-version extension, if any."""
    for ext in element.get("extension", []) or []:
        if ext.get("url") == EQUIVALENCE_EXT:
            return ext.get("valueCode")
    return None


# ---- $translate output (R5 -> R4) -------------------------------------------------------
def translate_result_r5_to_r4(params: dict) -> dict:
    """An R5 $translate answer in R4 terms: match.relationship -> equivalence (R4 codes),
    product/dependsOn parts attribute/value -> element/concept, match.property dropped.
    originMap (and the tx-ecosystem `source` coding of reverse matches) are kept."""
    out = dict(params)
    out["parameter"] = [_translate_param_r5_to_r4(p) for p in params.get("parameter", [])]
    return out


def _translate_param_r5_to_r4(p: dict) -> dict:
    if p.get("name") != "match" or "part" not in p:
        return p
    parts = []
    for part in p["part"]:
        name = part.get("name")
        if name == "relationship":
            parts.append({"name": "equivalence", "valueCode": r4_equivalence(part.get("_valueCode") or {})
                          or REL_TO_EQUIV.get(part.get("valueCode"), "relatedto")})
        elif name in ("product", "dependsOn"):
            sub = []
            for x in part.get("part", []):
                if x.get("name") == "attribute":
                    sub.append({"name": "element", "valueUri": x.get("valueUri")})
                elif x.get("name") == "value":
                    value = next((v for k, v in x.items() if k.startswith("value")), None)
                    coding = value if isinstance(value, dict) else {"code": str(value)}
                    sub.append({"name": "concept", "valueCoding": coding})
            parts.append({"name": name, "part": sub})
        elif name != "property":
            parts.append(part)
    return dict(p, part=parts)


_R4_TO_R5 = {"ValueSet": _vs_r4_to_r5, "ConceptMap": _cm_r4_to_r5}
def _tc_r5_to_r4(tc):
    out = dict(tc)
    if "codeSystem" in tc:
        out["codeSystem"] = [{k: v for k, v in c.items() if k != "content"} for c in tc["codeSystem"]]
    return out


_R5_TO_R4 = {"ValueSet": _vs_r5_to_r4, "ConceptMap": _cm_r5_to_r4, "TerminologyCapabilities": _tc_r5_to_r4}
