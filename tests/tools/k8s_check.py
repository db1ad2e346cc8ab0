#!/usr/bin/python3
"""Offline checks of deploy/kubernetes (t_k8s_manifests.sh).

  k8s_check.py schema FILE...     every document against the Kubernetes API types of Debian's
                                  python3-kubernetes (the models' openapi_types): unknown
                                  fields, wrong types and missing required fields are errors
  k8s_check.py rules DIR SCRY     scry's own rules: least privilege, read-only host mounts,
                                  the serve contract (port, /healthz, annotations, NODE_NAME),
                                  resources, and every scry flag used being in `SCRY --help`
  k8s_check.py relabel FILE       the Prometheus example's relabelling, applied to a pod's
                                  discovery labels (Debian's promtool lacks kubernetes_sd)

Prints one line per problem and exits 1 if there is any.
"""
import inspect  # noqa: F401 (required())
import re
import subprocess
import sys

import yaml

problems = []


def bad(msg):
    problems.append(msg)


def docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


# --- schema: the API types of python3-kubernetes ------------------------------------------------
KINDS = {
    ("v1", "Namespace"): "V1Namespace",
    ("v1", "ServiceAccount"): "V1ServiceAccount",
    ("v1", "Service"): "V1Service",
    ("apps/v1", "DaemonSet"): "V1DaemonSet",
}
PRIMITIVE = {"str": str, "int": int, "bool": bool, "float": (int, float), "object": object,
             "datetime": str, "date": str}


def check_value(value, typ, where, models):
    if value is None:
        return
    m = re.fullmatch(r"list\[(.*)\]", typ)
    if m:
        if not isinstance(value, list):
            return bad(f"{where}: expected a list, got {type(value).__name__}")
        for i, v in enumerate(value):
            check_value(v, m.group(1), f"{where}[{i}]", models)
        return
    m = re.fullmatch(r"dict\(str, (.*)\)", typ)
    if m:
        if not isinstance(value, dict):
            return bad(f"{where}: expected a map, got {type(value).__name__}")
        for k, v in value.items():
            check_value(v, m.group(1), f"{where}.{k}", models)
        return
    if typ in PRIMITIVE:
        want = PRIMITIVE[typ]
        if typ == "str" and isinstance(value, (int, float)) and not isinstance(value, bool):
            # int-or-string fields (ports, quantities) are typed "object" in the models; a
            # number where a str is declared is an error, as the API server would say
            return bad(f"{where}: expected a string, got {value!r}")
        if typ == "int" and isinstance(value, bool):
            return bad(f"{where}: expected an integer, got {value!r}")
        if not isinstance(value, want):
            bad(f"{where}: expected {typ}, got {type(value).__name__} {value!r}")
        return
    cls = getattr(models, typ, None)
    if cls is None:
        return bad(f"{where}: unknown type {typ} in python3-kubernetes")
    if not isinstance(value, dict):
        return bad(f"{where}: expected an object ({typ}), got {type(value).__name__}")
    by_json = {j: (attr, cls.openapi_types[attr]) for attr, j in cls.attribute_map.items()}
    for key, v in value.items():
        if key not in by_json:
            bad(f"{where}.{key}: no such field in {typ}")
            continue
        check_value(v, by_json[key][1], f"{where}.{key}", models)
    # Required fields: the model's setter refuses None for them (client-side validation).
    for j, (attr, _) in by_json.items():
        if j not in value and required(cls, attr):
            bad(f"{where}: required field {j} ({typ}) is missing")


def required(cls, attr):
    import inspect
    prop = getattr(cls, attr, None)
    if not isinstance(prop, property) or prop.fset is None:
        return False
    return "must not be `None`" in inspect.getsource(prop.fset)


def schema(paths):
    from kubernetes.client import models
    n = 0
    for path in paths:
        for i, d in enumerate(docs(path)):
            key = (d.get("apiVersion"), d.get("kind"))
            where = f"{path}#{i} {key[1]}"
            if key not in KINDS:
                bad(f"{where}: apiVersion/kind {key} not one the check knows")
                continue
            check_value(d, KINDS[key], where, models)
            n += 1
    print(f"schema: {n} documents checked")


# --- scry's rules -----------------------------------------------------------------------------
ALLOWED_CAPS = {"BPF", "PERFMON", "SYS_PTRACE", "DAC_READ_SEARCH", "SYS_RESOURCE"}


def scry_help(scry):
    return subprocess.run([scry, "--help"], capture_output=True, text=True).stdout


def flags_documented(args, helptext, where):
    for a in args:
        if a.startswith("-") and not re.match(r"^-?\d", a):
            flag = a.split("=")[0]
            if not re.search(r"(^|[\s,])" + re.escape(flag) + r"\b", helptext):
                bad(f"{where}: flag {flag} is not in scry --help")


def rules(d, scry):
    import glob
    import os
    helptext = scry_help(scry)
    files = sorted(glob.glob(os.path.join(d, "*.yaml")) +
                   glob.glob(os.path.join(d, "examples", "*.yaml")))
    objs = []
    for f in files:
        if f.endswith("kustomization.yaml"):
            continue
        for doc in docs(f):
            objs.append((f, doc))
    by_kind = {}
    for f, o in objs:
        by_kind.setdefault(o["kind"], []).append((f, o))
        md = o.get("metadata", {})
        if o["kind"] != "Namespace" and md.get("namespace") != "scry":
            bad(f"{f}: {o['kind']} {md.get('name')} is not in namespace scry")
    accounts = {o["metadata"]["name"] for _, o in by_kind.get("ServiceAccount", [])}
    serve_ports = []
    for f, ds in by_kind.get("DaemonSet", []):
        name = ds["metadata"]["name"]
        w = f"{f}: DaemonSet {name}"
        spec = ds["spec"]
        tmpl = spec["template"]
        sel = spec["selector"]["matchLabels"]
        labels = tmpl["metadata"]["labels"]
        if any(labels.get(k) != v for k, v in sel.items()):
            bad(f"{w}: selector {sel} does not match the pod labels {labels}")
        ps = tmpl["spec"]
        if ps.get("hostPID") is not True:
            bad(f"{w}: hostPID must be true (scry's pids and /proc are the host's)")
        if ps.get("hostNetwork"):
            bad(f"{w}: hostNetwork is not needed")
        if ps.get("serviceAccountName") not in accounts:
            bad(f"{w}: serviceAccountName {ps.get('serviceAccountName')} is not defined")
        if ps.get("automountServiceAccountToken") is not False:
            bad(f"{w}: scry needs no API token (automountServiceAccountToken: false)")
        vols = {v["name"]: v for v in ps.get("volumes", [])}
        if len(ps["containers"]) != 1:
            bad(f"{w}: one container expected")
        c = ps["containers"][0]
        sc = c.get("securityContext", {})
        if sc.get("privileged") is not False:
            bad(f"{w}: privileged must be false")
        if sc.get("allowPrivilegeEscalation") is not False:
            bad(f"{w}: allowPrivilegeEscalation must be false")
        if sc.get("readOnlyRootFilesystem") is not True:
            bad(f"{w}: readOnlyRootFilesystem must be true")
        caps = sc.get("capabilities", {})
        if caps.get("drop") != ["ALL"]:
            bad(f"{w}: capabilities.drop must be [ALL]")
        add = set(caps.get("add", []))
        if not add <= ALLOWED_CAPS:
            bad(f"{w}: capabilities beyond the least set: {sorted(add - ALLOWED_CAPS)}")
        if not {"BPF", "PERFMON"} <= add:
            bad(f"{w}: BPF and PERFMON are needed to load the probes")
        env = {e["name"]: e for e in c.get("env", [])}
        root = env.get("SCRY_HOST_ROOT", {}).get("value")
        if not root:
            bad(f"{w}: SCRY_HOST_ROOT is not set")
        node = env.get("NODE_NAME", {}).get("valueFrom", {}).get("fieldRef", {})
        if node.get("fieldPath") != "spec.nodeName":
            bad(f"{w}: NODE_NAME must come from the downward API (spec.nodeName)")
        mounted = set()
        for m in c.get("volumeMounts", []):
            v = vols.get(m["name"])
            if v is None:
                bad(f"{w}: volumeMount {m['name']} has no volume")
                continue
            mounted.add(m["name"])
            hp = v.get("hostPath", {}).get("path")
            if root and m["mountPath"].startswith(root + "/"):
                if m.get("readOnly") is not True:
                    bad(f"{w}: host mount {m['mountPath']} must be readOnly")
                if hp != m["mountPath"][len(root):]:
                    bad(f"{w}: {m['mountPath']} holds the host's {hp}, not "
                        f"{m['mountPath'][len(root):]}: scry would read the wrong files")
        for need in ("/proc", "/sys", "/run"):
            if not any(v.get("hostPath", {}).get("path") == need for v in vols.values()):
                bad(f"{w}: the host's {need} is not mounted")
        for n in vols:
            if n not in mounted:
                bad(f"{w}: volume {n} is not mounted")
        res = c.get("resources", {})
        for k in ("cpu", "memory"):
            if k not in res.get("requests", {}) or k not in res.get("limits", {}):
                bad(f"{w}: resources.requests and limits need {k}")
        args = [os.path.expandvars(a) for a in c.get("args", [])]
        if args[:1] == ["serve"]:
            if re.search(r"^\s*(scry )?serve\b", helptext, re.M):
                flags_documented(args[1:], helptext, w)
            else:
                print(f"serve-absent: {w}: `scry serve` is not in this build's --help: its "
                      "flags are not checked")
            listen = args[args.index("--listen") + 1] if "--listen" in args else ""
            port = int(listen.rsplit(":", 1)[1]) if ":" in listen else None
            ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
            if port is None or ports.get("metrics") != port:
                bad(f"{w}: --listen {listen} is not the port named metrics {ports}")
            ann = tmpl["metadata"].get("annotations", {})
            if ann.get("prometheus.io/scrape") != "true" or ann.get("prometheus.io/port") != str(port):
                bad(f"{w}: the prometheus.io annotations do not name port {port}")
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                g = c.get(probe, {}).get("httpGet", {})
                if g.get("path") != "/healthz" or g.get("port") not in ("metrics", port):
                    bad(f"{w}: {probe} must be httpGet /healthz on the metrics port")
            serve_ports.append(port)
        else:
            flags_documented(args, helptext, w)
    for f, svc in by_kind.get("Service", []):
        sel = svc["spec"]["selector"]
        if not any(all(ds["spec"]["template"]["metadata"]["labels"].get(k) == v
                       for k, v in sel.items()) for _, ds in by_kind.get("DaemonSet", [])):
            bad(f"{f}: the Service's selector matches no DaemonSet")
        for p in svc["spec"]["ports"]:
            if p["port"] not in serve_ports:
                bad(f"{f}: Service port {p['port']} is not a serving DaemonSet's")
    print(f"rules: {len(objs)} objects, {len(by_kind.get('DaemonSet', []))} DaemonSets checked")


# --- the Prometheus example's relabelling -----------------------------------------------------
def relabel(path):
    cfg = yaml.safe_load(open(path))
    job = cfg["scrape_configs"][0]

    def apply(labels):
        labels = dict(labels)
        for r in job["relabel_configs"]:
            src = ";".join(labels.get(s, "") for s in r.get("source_labels", []))
            regex = "^(?:" + r.get("regex", "(.*)") + ")$"
            m = re.match(regex, src)
            action = r.get("action", "replace")
            if action == "keep":
                if not m:
                    return None
                continue
            if action == "replace" and m:
                repl = r.get("replacement", "$1")
                val = re.sub(r"\$(\d+)", lambda g: m.group(int(g.group(1))) or "", repl)
                labels[r["target_label"]] = val
        return labels

    pod = {"__address__": "10.1.2.3", "__metrics_path__": "/metrics",
           "__meta_kubernetes_pod_annotation_prometheus_io_scrape": "true",
           "__meta_kubernetes_pod_annotation_prometheus_io_port": "9464",
           "__meta_kubernetes_pod_annotation_prometheus_io_path": "/metrics",
           "__meta_kubernetes_pod_node_name": "node-a",
           "__meta_kubernetes_pod_name": "scry-x7k2p"}
    got = apply(pod)
    if not got or got["__address__"] != "10.1.2.3:9464" or got["__metrics_path__"] != "/metrics":
        bad(f"{path}: a scry pod is not scraped at 10.1.2.3:9464/metrics: {got}")
    elif got.get("kubernetes_node") != "node-a" or got.get("kubernetes_pod") != "scry-x7k2p":
        bad(f"{path}: the node and pod labels are missing: {got}")
    # a container port in the address is replaced by the annotation's
    got = apply(dict(pod, __address__="10.1.2.3:8080"))
    if not got or got["__address__"] != "10.1.2.3:9464":
        bad(f"{path}: a discovered port is not replaced by the annotation's: {got}")
    # pods that do not ask to be scraped are dropped
    if apply(dict(pod, __meta_kubernetes_pod_annotation_prometheus_io_scrape="false")):
        bad(f"{path}: a pod without prometheus.io/scrape=true is kept")
    if apply({k: v for k, v in pod.items() if "scrape" not in k}):
        bad(f"{path}: a pod without annotations is kept")
    if job["kubernetes_sd_configs"][0]["role"] != "pod":
        bad(f"{path}: pod discovery expected")
    print("relabel: 4 cases checked")


def main():
    cmd = sys.argv[1]
    if cmd == "schema":
        schema(sys.argv[2:])
    elif cmd == "rules":
        rules(sys.argv[2], sys.argv[3])
    elif cmd == "relabel":
        relabel(sys.argv[2])
    for p in problems:
        print("problem:", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
