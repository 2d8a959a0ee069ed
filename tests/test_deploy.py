"""deploy/: Kubernetes manifests, Dockerfile, nginx configuration and the demo's load mix.

The manifests and the image cannot run here (no cluster, no Docker engine): these tests check that they parse and
agree with each other and with the server (ports, probe paths, names, labels). The nginx configuration is checked
by `nginx -t` when nginx is installed; deploy/loopback-demo.sh runs it for real in .ci/run.
"""
from __future__ import annotations

import importlib.util
import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"


@pytest.fixture(scope="module")
def manifests() -> dict[str, dict]:
    docs = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            assert isinstance(doc, dict) and {"apiVersion", "kind", "metadata"} <= set(doc), path.name
            assert doc["kind"] not in docs, f"two {doc['kind']}s"
            docs[doc["kind"]] = doc
    return docs


def _container(manifests) -> dict:
    (container,) = manifests["Deployment"]["spec"]["template"]["spec"]["containers"]
    return container


def _dockerfile() -> list[str]:
    """Dockerfile instructions with continuation lines joined."""
    return [line.strip() for line in re.sub(r"\\\n\s*", " ", (REPO / "Dockerfile").read_text()).splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_the_three_kinds_with_their_api_versions(manifests):
    assert {k: d["apiVersion"] for k, d in manifests.items()} == {
        "Deployment": "apps/v1", "Service": "v1", "HorizontalPodAutoscaler": "autoscaling/v2"}


def test_the_deployment_selects_its_pods_and_runs_them_as_non_root(manifests):
    dep = manifests["Deployment"]
    labels = dep["spec"]["template"]["metadata"]["labels"]
    assert dep["spec"]["selector"]["matchLabels"].items() <= labels.items()
    pod = dep["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert _container(manifests)["securityContext"]["allowPrivilegeEscalation"] is False


def test_probes_use_readyz_and_healthz_on_the_container_port(manifests):
    c = _container(manifests)
    port_names = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["startupProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert c[probe]["httpGet"]["port"] in port_names
    annotations = manifests["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] == "/metrics"
    assert int(annotations["prometheus.io/port"]) in port_names.values()


def test_the_service_reaches_the_pods(manifests):
    svc, c = manifests["Service"], _container(manifests)
    labels = manifests["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert svc["spec"]["selector"].items() <= labels.items()
    targets = {p["targetPort"] for p in svc["spec"]["ports"]}
    assert targets <= {p["name"] for p in c["ports"]} | {p["containerPort"] for p in c["ports"]}


def test_the_autoscaler_scales_the_deployment_by_cpu_which_has_a_request(manifests):
    hpa, dep = manifests["HorizontalPodAutoscaler"], manifests["Deployment"]
    ref = hpa["spec"]["scaleTargetRef"]
    assert (ref["apiVersion"], ref["kind"], ref["name"]) == ("apps/v1", "Deployment", dep["metadata"]["name"])
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu" and metric["resource"]["target"]["type"] == "Utilization"
    assert _container(manifests)["resources"]["requests"]["cpu"]   # utilisation is relative to it


def test_the_dockerfile_runs_as_non_root_with_a_healthcheck_on_the_exposed_port(manifests):
    lines = _dockerfile()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    (expose,) = [int(line.split()[1]) for line in lines if line.startswith("EXPOSE ")]
    (cmd,) = [json.loads(line[len("CMD "):]) for line in lines if line.startswith("CMD ")]
    assert cmd[:2] == ["rrall-tx", "serve"] and int(cmd[cmd.index("--port") + 1]) == expose
    (health,) = [line for line in lines if line.startswith("HEALTHCHECK ")]
    assert f"127.0.0.1:{expose}/healthz" in health
    assert expose in {p["containerPort"] for p in _container(manifests)["ports"]}
    uid = int(users[-1].split(":")[0])
    assert manifests["Deployment"]["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == uid
    content = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--content"]
    assert all((REPO / d).is_dir() for d in content if not d.startswith("build/")), content


def test_the_nginx_configuration_has_the_parts_the_docs_promise():
    conf = (DEPLOY / "nginx.conf").read_text()
    directives = {m.group(1): m.group(2) for m in re.finditer(r"^\s*(\w+)\s+([^;{]*)[;{]", conf, re.M)}
    upstream = re.search(r"upstream rrall \{(.*?)\}", conf, re.S).group(1)
    assert len(re.findall(r"^\s*server\s", upstream, re.M)) >= 2
    assert directives["proxy_request_buffering"] == "on" and directives["proxy_buffering"] == "on"
    assert {"error", "timeout", "http_502"} <= set(directives["proxy_next_upstream"].split())
    assert directives["proxy_cache_revalidate"] == "on" and directives["gzip"] == "on"
    assert "application/fhir+json" in directives["gzip_types"]
    assert "$http_accept_language" in directives["proxy_cache_key"]   # the server varies on it
    assert re.search(r"location = /metrics \{\s*deny all;", conf)
    assert "proxy_ignore_headers" not in conf                         # Cache-Control and ETag are honoured


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="nginx not installed")
def test_nginx_accepts_the_configuration(tmp_path):
    out = subprocess.run(["bash", str(DEPLOY / "loopback-demo.sh"), "--config-test"], capture_output=True,
                         text=True, timeout=60, env={"PATH": "/usr/sbin:/usr/bin:/bin", "TMPDIR": str(tmp_path)})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "configuration OK" in out.stdout


@pytest.fixture(scope="module")
def loadgen():
    spec = importlib.util.spec_from_file_location("loadgen", DEPLOY / "loadgen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_load_mix_is_answered_200_by_the_real_content(loadgen):
    """The demo counts every answer other than 200 as a failure: each kind of request it sends must succeed."""
    from service import create_app

    client = create_app({"ACCESS_LOG": "off"}).test_client()
    codes, value_sets = loadgen.corpus(REPO)
    assert len(codes) > 50 and len(value_sets) > 10
    rng = random.Random(3)
    kinds = set()
    for _ in range(150):
        method, path, body = loadgen.pick(rng, codes, value_sets)
        kinds.add((method, path.split("?")[0]))
        resp = (client.get(path) if method == "GET" else
                client.post(path, data=body, content_type="application/fhir+json"))
        assert resp.status_code == 200, (method, path, resp.get_data(as_text=True)[:300])
    assert len(kinds) == 4


def test_the_load_generator_refuses_anything_but_loopback(loadgen):
    with pytest.raises(SystemExit, match="loopback"):
        loadgen.main(["--url", "http://10.0.0.1:8080", "--seconds", "1"])


def test_the_demo_script_is_valid_bash_and_stays_on_loopback():
    script = DEPLOY / "loopback-demo.sh"
    assert subprocess.run(["bash", "-n", str(script)], timeout=10).returncode == 0
    text = script.read_text()
    assert "HOST=127.0.0.1" in text and "0.0.0.0" not in text
    assert set(re.findall(r"--host\s+(\S+)", text)) == {'"$HOST"'}
