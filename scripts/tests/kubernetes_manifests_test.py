#!/usr/bin/python3
"""Renders deployment/kubernetes/overlays/{dev,prod} with `kubectl kustomize` and checks every
object (issue 15): workloads have probes (Agones health for the Fleet), resources, non-root,
read-only root filesystems; images are the deployment issue's (deployment/kubernetes/images.txt)
with a pinned tag, never `latest`; the Fleet's ports are TCP and clear of the SDK sidecar's; the
API has its readiness/liveness paths, a policy/v1 PodDisruptionBudget and an autoscaling/v2
HorizontalPodAutoscaler; no Secret is written inline.

Renders with the kubectl on PATH: Debian 12's kubernetes-client (kubectl 1.20, kustomize v2.0.3)
from scripts/install-deps, or where another package owns /usr/bin/kubectl, that one (the
manifests are written for kustomize v2.0.3 and render the same with newer ones). Runs in about
a second.

Debian's interpreter (/usr/bin/python3) on purpose: python3-yaml (install-deps) serves it.
"""
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
KUSTOMIZE = os.path.join(ROOT, "deployment", "kubernetes")
OVERLAYS = {"dev": "omega-dev", "prod": "omega"}  # overlay -> namespace
SIDECAR_PORTS = {8080, 9357, 9358}  # the Agones SDK sidecar's health, gRPC and REST ports
# Environment variables that carry credentials: their values must come from a Secret.
SENSITIVE_ENV = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|SEED|KEY|DATABASE_URL|REDIS_URL")
LONG_RUNNING = {"Deployment", "StatefulSet", "DaemonSet"}

failures = []
passed = 0


def check(condition, what):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(what)
    return condition


def read_images():
    ours, dev_only = set(), set()
    with open(os.path.join(KUSTOMIZE, "images.txt")) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if len(words) == 1:
                ours.add(words[0])
            elif len(words) == 2 and words[0] == "dev-only":
                dev_only.add(words[1])
    return ours, dev_only


def built_images():
    """The repositories deployment/scripts/build-images makes by default for the three
    programs: its default prefix and its `for target in ...` list."""
    with open(os.path.join(ROOT, "deployment", "scripts", "build-images")) as f:
        text = f.read()
    prefix = re.search(r"^prefix=(\S+)|\bprefix=([\w.-]+)", text, re.M)
    targets = re.search(r"^for target in ([\w ]+); do\n\s*build \"\$prefix/\$target:", text, re.M)
    if not prefix or not targets:
        return set()
    name = prefix.group(1) or prefix.group(2)
    return {f"{name}/{target}" for target in targets.group(1).split()}


def kubectl_version():
    """The version of the kubectl on PATH ("kubectl 1.20"), or None without one."""
    try:
        version = subprocess.run(["kubectl", "version", "--client"], capture_output=True,
                                 text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if version.returncode != 0:
        return None
    number = re.search(r"v(\d+\.\d+)", version.stdout)
    return "kubectl " + (number.group(1) if number else "?")


def render(kubectl, overlay):
    path = os.path.join(KUSTOMIZE, "overlays", overlay)
    result = subprocess.run([kubectl, "kustomize", path], capture_output=True, text=True,
                            timeout=60)
    if not check(result.returncode == 0, f"{kubectl} kustomize {overlay}: {result.stderr.strip()}"):
        return []
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def pod_spec(obj):
    """The pod spec of a workload (a Fleet's is two templates deep), or None."""
    kind, spec = obj["kind"], obj.get("spec", {})
    if kind in LONG_RUNNING or kind == "Job":
        return spec["template"]["spec"]
    if kind == "Fleet":
        return spec["template"]["spec"]["template"]["spec"]
    return None


def image_parts(image, allowed):
    """(the allowed repository the image is, or its whole name; its tag). A registry in front
    (newName "registry.example.com/omega-realm/api") is still the repository omega-realm/api."""
    name, _, tag = image.rpartition(":") if ":" in image.rsplit("/", 1)[-1] else (image, "", "")
    for repository in allowed:
        if name == repository or name.endswith("/" + repository):
            return repository, tag
    return name, tag


def check_container(where, container, pod, kind, ours, allowed, tags):
    repository, tag = image_parts(container.get("image", ""), allowed)
    check(repository in allowed, f"{where}: image {container.get('image')} is not one of {sorted(allowed)}")
    check(tag and tag != "latest", f"{where}: image {container.get('image')} has no pinned tag")
    if repository in ours:
        tags.add(tag)
    resources = container.get("resources", {})
    for bound in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            check(resource in resources.get(bound, {}), f"{where}: no {bound}.{resource}")
    security = container.get("securityContext", {})
    non_root = security.get("runAsNonRoot", pod.get("securityContext", {}).get("runAsNonRoot"))
    check(non_root is True, f"{where}: runAsNonRoot is not true")
    check(security.get("readOnlyRootFilesystem") is True, f"{where}: root filesystem not read-only")
    check(security.get("allowPrivilegeEscalation") is False, f"{where}: privilege escalation allowed")
    check("ALL" in security.get("capabilities", {}).get("drop", []), f"{where}: capabilities kept")
    if kind in LONG_RUNNING:
        for probe in ("readinessProbe", "livenessProbe"):
            check(probe in container, f"{where}: no {probe}")
    for env in container.get("env", []):
        if SENSITIVE_ENV.search(env["name"]):
            check("value" not in env and "secretKeyRef" in env.get("valueFrom", {}),
                  f"{where}: {env['name']} is not taken from a Secret")
        if env["name"] in ("OMEGA_ZONE_PORT", "OMEGA_ZONE_HTTP_PORT"):
            check(int(env.get("value", "0")) not in SIDECAR_PORTS,
                  f"{where}: {env['name']} is an Agones sidecar port")


def by_kind(objects, kind, name=None):
    return [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]


def check_api(label, objects):
    deployments = by_kind(objects, "Deployment", "omega-api")
    if not check(len(deployments) == 1, f"{label}: no Deployment omega-api"):
        return
    container = pod_spec(deployments[0])["containers"][0]
    check(container.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/readyz",
          f"{label}: omega-api readiness is not /readyz")
    check(container.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/healthz",
          f"{label}: omega-api liveness is not /healthz")
    hpas = [h for h in by_kind(objects, "HorizontalPodAutoscaler")
            if h["spec"]["scaleTargetRef"]["name"] == "omega-api"]
    check(len(hpas) == 1 and hpas[0]["apiVersion"] == "autoscaling/v2",
          f"{label}: no autoscaling/v2 HorizontalPodAutoscaler for omega-api")
    replicas = deployments[0]["spec"].get("replicas", 0)
    minimum = hpas[0]["spec"].get("minReplicas", 1) if hpas else 0
    check(max(replicas, minimum) >= 2, f"{label}: omega-api may run fewer than 2 replicas")
    pod_labels = deployments[0]["spec"]["template"]["metadata"]["labels"]
    pdbs = [p for p in by_kind(objects, "PodDisruptionBudget")
            if p["apiVersion"] == "policy/v1" and
            p["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()]
    check(len(pdbs) == 1, f"{label}: no policy/v1 PodDisruptionBudget for omega-api")
    services = by_kind(objects, "Service", "omega-api")
    check(len(services) == 1 and services[0]["spec"]["selector"].items() <= pod_labels.items(),
          f"{label}: no Service selecting the omega-api pods")
    ingresses = by_kind(objects, "Ingress", "omega-api")
    if check(len(ingresses) == 1, f"{label}: no Ingress omega-api"):
        spec = ingresses[0]["spec"]
        hosts = [r["host"] for r in spec["rules"]]
        tls_hosts = [h for t in spec.get("tls", []) for h in t.get("hosts", []) if t.get("secretName")]
        check(hosts and set(hosts) <= set(tls_hosts), f"{label}: Ingress hosts without TLS")
        paths = [p["path"] for r in spec["rules"] for p in r["http"]["paths"]]
        check(paths and all(p.startswith("/v1") for p in paths),
              f"{label}: the Ingress routes more than /v1/ ({paths})")
    jobs = [j for j in by_kind(objects, "Job")
            if pod_spec(j)["containers"][0].get("args", [])[:1] == ["migrate"]]
    check(len(jobs) == 1, f"{label}: no migrate Job")


def check_fleet(label, objects):
    fleets = by_kind(objects, "Fleet")
    if not check(len(fleets) == 1 and fleets[0]["apiVersion"] == "agones.dev/v1",
                 f"{label}: no agones.dev/v1 Fleet"):
        return
    fleet = fleets[0]
    spec = fleet["spec"]["template"]["spec"]
    for port in spec.get("ports", []):
        check(port.get("protocol") == "TCP", f"{label}: Fleet port {port.get('name')} is not TCP")
        for field in ("containerPort", "hostPort"):
            check(port.get(field) not in SIDECAR_PORTS,
                  f"{label}: Fleet port {port.get('name')} {field} is an Agones sidecar port")
    for container in spec["template"]["spec"]["containers"]:
        for port in container.get("ports", []):
            check(port["containerPort"] not in SIDECAR_PORTS,
                  f"{label}: container port {port['containerPort']} is an Agones sidecar port")
    # Agones mounts the pod's service account token into its SDK sidecar (and hides it from the
    # game server container): without it the sidecar cannot update the GameServer.
    check(spec["template"]["spec"].get("automountServiceAccountToken", True) is not False,
          f"{label}: the Fleet's pods take the SDK sidecar's service account token away")
    health = spec.get("health", {})
    check(health.get("disabled") is False and health.get("periodSeconds", 0) > 0 and
          health.get("failureThreshold", 0) > 0, f"{label}: Fleet health checking not set")
    check(spec.get("eviction", {}).get("safe") in ("Always", "OnUpgrade", "Never"),
          f"{label}: Fleet eviction.safe not chosen")
    counters = spec.get("counters", {})
    for counter in ("players", "instances"):
        check("capacity" in counters.get(counter, {}), f"{label}: Fleet declares no Counter {counter}")
    autoscalers = by_kind(objects, "FleetAutoscaler")
    if check(len(autoscalers) == 1 and autoscalers[0]["apiVersion"] == "autoscaling.agones.dev/v1"
             and autoscalers[0]["spec"]["fleetName"] == fleet["metadata"]["name"],
             f"{label}: no autoscaling.agones.dev/v1 FleetAutoscaler for the Fleet"):
        policy = autoscalers[0]["spec"]["policy"]
        check(policy["type"] in ("Counter", "Buffer"), f"{label}: FleetAutoscaler policy {policy['type']}")
        if policy["type"] == "Counter":
            check(policy["counter"]["key"] in counters,
                  f"{label}: the FleetAutoscaler's Counter is not declared by the Fleet")


def check_network(label, objects):
    policies = by_kind(objects, "NetworkPolicy")
    check(any(p["spec"]["podSelector"] == {} and not p["spec"].get("ingress") for p in policies),
          f"{label}: no default-deny NetworkPolicy")
    for component, closed_port in (("omega-zone", 9081), ("omega-api", 8080)):
        rules = [r for p in policies
                 if p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name") == component
                 for r in p["spec"].get("ingress", [])
                 if closed_port in [q["port"] for q in r.get("ports", [])]]
        check(rules and all(r.get("from") for r in rules),
              f"{label}: {component}:{closed_port} is open to everyone")
    check_scrape(label, objects)


def check_scrape(label, objects):
    """The scrape jobs are the ones the alerting rules name (deployment/prometheus/alerts.yml),
    and the API's carries the service credential from a file (its /metrics refuses others)."""
    config_maps = by_kind(objects, "ConfigMap", "omega-prometheus-scrape")
    if not check(config_maps, f"{label}: no Prometheus scrape config"):
        return
    jobs = {}
    for text in config_maps[0].get("data", {}).values():
        for job in (yaml.safe_load(text) or {}).get("scrape_configs", []):
            jobs[job["job_name"]] = job
    check(set(jobs) == {"omega-api", "omega-zone"},
          f"{label}: scrape jobs {sorted(jobs)}, not omega-api and omega-zone (the alerts' names)")
    authorization = jobs.get("omega-api", {}).get("authorization", {})
    check(authorization.get("credentials_file") and "credentials" not in authorization,
          f"{label}: the omega-api scrape job has no credentials_file (/metrics wants the service token)")
    check("authorization" not in jobs.get("omega-zone", {}),
          f"{label}: the omega-zone scrape job sends the service token to the zones")


def check_overlay(label, overlay, namespace, objects, ours, dev_only):
    check(by_kind(objects, "Namespace", namespace), f"{label}: no Namespace {namespace}")
    check(not by_kind(objects, "Secret"), f"{label}: a Secret is written in the manifests")
    allowed = ours | (dev_only if overlay == "dev" else set())
    tags = set()
    for obj in objects:
        where = f"{label}: {obj['kind']}/{obj['metadata']['name']}"
        if obj["kind"] != "Namespace":
            check(obj["metadata"].get("namespace") == namespace, f"{where}: not in namespace {namespace}")
        pod = pod_spec(obj)
        if pod is None:
            continue
        for container in pod.get("initContainers", []) + pod["containers"]:
            check_container(f"{where} {container['name']}", container, pod, obj["kind"], ours,
                            allowed, tags)
    check(len(tags) == 1, f"{label}: our images are not all of one release: {sorted(tags)}")
    check_api(label, objects)
    check_fleet(label, objects)
    check_network(label, objects)


def main():
    ours, dev_only = read_images()
    check(ours, "images.txt names no image")
    built = built_images()
    check(built, "cannot read the image names of deployment/scripts/build-images")
    check(ours == built, f"images.txt names {sorted(ours)}, build-images makes {sorted(built)}")
    version = kubectl_version()
    if check(version, "no kubectl on PATH (scripts/install-deps installs kubernetes-client)"):
        print(f"rendering with kubectl ({version})")
        for overlay, namespace in OVERLAYS.items():
            objects = render("kubectl", overlay)
            if objects:
                check_overlay(f"{overlay} ({version})", overlay, namespace, objects, ours, dev_only)
    for failure in failures:
        print("FAIL", failure)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
