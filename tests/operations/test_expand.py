"""service.operations.expand: the $expand handler -- value set resolution, the parameters a value set declares,
supplements, then select, page and render."""
from __future__ import annotations

import json


def test_version_defaults_declared_by_a_value_set_are_part_of_the_expansion():
    """A ValueSet's own valueset-expansion-parameter system-version changes which version is expanded."""
    from service import create_app
    from helpers import FIXTURES

    app = create_app({"CONTENT_DIRS": [str(FIXTURES)]})
    c = app.test_client()
    versioned = "http://example.org/fhir/CodeSystem/versioned"
    vs = {"resourceType": "ValueSet", "url": "http://x/vs-sysver", "status": "active", "compose": {
        "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter",
                       "extension": [{"url": "name", "valueCode": "system-version"},
                                     {"url": "value", "valueUri": f"{versioned}|1.0.0"}]}],
        "include": [{"system": versioned}]}}
    body = {"resourceType": "Parameters", "parameter": [{"name": "valueSet", "resource": vs}]}
    out = c.post("/r5/ValueSet/$expand", data=json.dumps(body), content_type="application/fhir+json").get_json()
    used = [p["valueUri"] for p in out["expansion"]["parameter"] if p["name"] == "used-codesystem"]
    assert used == [f"{versioned}|1.0.0"]
