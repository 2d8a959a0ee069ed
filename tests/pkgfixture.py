"""Build tiny FHIR NPM packages (.tgz) for tests (import as `from pkgfixture import ...`).

The default package ``test.tiny#1.0.0`` (FHIR 4.0.1) holds:

* CodeSystem ``http://example.org/fhir/CodeSystem/obs-status`` (final, preliminary, cancelled),
* ValueSet ``http://example.org/fhir/ValueSet/obs-status`` (all of it) -- R4 shape,
* StructureDefinition ``http://hl7.org/fhir/StructureDefinition/Observation`` (a cut-down
  snapshot): status (code) required -> obs-status; code (CodeableConcept) extensible -> the
  fixtures' ``pets``; value[x] (Quantity | CodeableConcept) preferred -> ``mammals``;
  component.code required -> ``pets``; interpretation (CodeableConcept) example -> ``pets``,
* StructureDefinition ``http://example.org/fhir/StructureDefinition/strict-observation``: a
  differential-only profile of Observation making code's binding required.
"""
from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

BASE = "http://example.org/fhir"
OBS_STATUS_CS = f"{BASE}/CodeSystem/obs-status"
OBS_STATUS_VS = f"{BASE}/ValueSet/obs-status"
PROFILE = f"{BASE}/StructureDefinition/strict-observation"


def _el(path, types=(), binding=None):
    el = {"id": path, "path": path}
    if types:
        el["type"] = [{"code": t} for t in types]
    if binding:
        el["binding"] = {"strength": binding[0], "valueSet": binding[1]}
    return el


def tiny_resources() -> list[dict]:
    cs = {"resourceType": "CodeSystem", "id": "obs-status", "url": OBS_STATUS_CS, "version": "1.0.0",
          "name": "ObsStatus", "status": "active", "content": "complete",
          "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">big narrative</div>"},
          "concept": [{"code": "final", "display": "Final"}, {"code": "preliminary", "display": "Preliminary"},
                      {"code": "cancelled", "display": "Cancelled"}]}
    vs = {"resourceType": "ValueSet", "id": "obs-status", "url": OBS_STATUS_VS, "version": "1.0.0",
          "name": "ObsStatusVS", "title": "Observation status", "status": "active",
          "compose": {"include": [{"system": OBS_STATUS_CS}]}}
    sd = {"resourceType": "StructureDefinition", "id": "Observation",
          "url": "http://hl7.org/fhir/StructureDefinition/Observation", "name": "Observation",
          "status": "active", "kind": "resource", "abstract": False, "type": "Observation",
          "derivation": "specialization",
          "snapshot": {"element": [
              _el("Observation"),
              _el("Observation.status", ["code"], ("required", OBS_STATUS_VS + "|1.0.0")),
              _el("Observation.code", ["CodeableConcept"], ("extensible", f"{BASE}/ValueSet/pets")),
              _el("Observation.value[x]", ["Quantity", "CodeableConcept", "string"],
                  ("preferred", f"{BASE}/ValueSet/mammals")),
              _el("Observation.interpretation", ["CodeableConcept"], ("example", f"{BASE}/ValueSet/pets")),
              _el("Observation.component", ["BackboneElement"]),
              _el("Observation.component.code", ["CodeableConcept"], ("required", f"{BASE}/ValueSet/pets")),
              _el("Observation.subject", ["Reference"]),
              _el("Observation.method", ["CodeableConcept"], ("required", f"{BASE}/ValueSet/unknown-vs")),
          ]}}
    profile = {"resourceType": "StructureDefinition", "id": "strict-observation", "url": PROFILE,
               "name": "StrictObservation", "status": "active", "kind": "resource", "abstract": False,
               "type": "Observation", "derivation": "constraint",
               "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
               "differential": {"element": [
                   _el("Observation.code", (), ("required", f"{BASE}/ValueSet/pets"))]}}
    return [cs, vs, sd, profile]


def make_package(path: Path, resources: list[dict] | None = None, *, name: str = "test.tiny",
                 version: str = "1.0.0", fhir_versions=("4.0.1",), with_index: bool = True,
                 extra_members: dict[str, bytes] | None = None) -> Path:
    resources = tiny_resources() if resources is None else resources
    members: dict[str, bytes] = {
        "package/package.json": json.dumps({"name": name, "version": version,
                                            "fhirVersions": list(fhir_versions)}).encode()}
    index = []
    for res in resources:
        fname = f"{res['resourceType']}-{res['id']}.json"
        members[f"package/{fname}"] = json.dumps(res).encode()
        index.append({"filename": fname, "resourceType": res["resourceType"], "id": res["id"],
                      "url": res.get("url")})
    if with_index:
        members["package/.index.json"] = json.dumps({"index-version": 1, "files": index}).encode()
    members.update(extra_members or {})
    with tarfile.open(path, "w:gz") as tar:
        for mname, data in members.items():
            info = tarfile.TarInfo(mname)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path
