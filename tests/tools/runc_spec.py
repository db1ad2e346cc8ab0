#!/usr/bin/env python3
"""An OCI runtime spec that runs scry's image as deploy/kubernetes/daemonset.yaml says a node's
runtime runs it (t_image.sh), for runc: the container's capabilities (exactly its add list, or
that list less the names given with --without), no pid namespace (hostPID), its own network
namespace (the pod's), the read-only root file system, no_new_privs, no seccomp filter
(Unconfined), the memory and CPU limits, and each hostPath volume bind-mounted (recursively,
read-only as the manifest says, slave propagation for HostToContainer) at its mountPath; env
from the manifest, NODE_NAME as the downward API would give it.

  runc_spec.py BASE.json DAEMONSET.yaml ROOTFS OUT.json [--run-dir DIR] [--without CAP ...]
               -- SCRY_ARGS...

--run-dir DIR replaces the manifest's /run volume (the test's private engine keeps its socket
elsewhere than the host's /run): DIR is mounted where /run would be.
"""
import json
import sys

import yaml


def quantity_bytes(q):
    units = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "K": 1000, "M": 10**6, "G": 10**9}
    for u, m in units.items():
        if q.endswith(u):
            return int(q[:-len(u)]) * m
    return int(q)


def cpu_millis(q):
    return int(q[:-1]) if q.endswith("m") else int(float(q) * 1000)


def main():
    argv = sys.argv[1:]
    cut = argv.index("--")
    opts, scry_args = argv[:cut], argv[cut + 1:]
    base, dsf, rootfs, out = opts[:4]
    rest = opts[4:]
    run_dir, without = None, set()
    i = 0
    while i < len(rest):
        if rest[i] == "--run-dir":
            run_dir = rest[i + 1]
            i += 2
        elif rest[i] == "--without":
            without.add(rest[i + 1])
            i += 2
        else:
            sys.exit(f"runc_spec: unknown option {rest[i]}")
    spec = json.load(open(base))
    ds = yaml.safe_load(open(dsf))
    pod = ds["spec"]["template"]["spec"]
    c = pod["containers"][0]
    sc = c["securityContext"]

    caps = ["CAP_" + x for x in sc["capabilities"]["add"] if x not in without]
    p = spec["process"]
    p["capabilities"] = {k: list(caps) for k in ("bounding", "effective", "permitted")}
    p["terminal"] = False
    p["args"] = ["/usr/bin/scry"] + scry_args
    env = ["PATH=/usr/bin"]
    for e in c.get("env", []):
        if "value" in e:
            env.append(f"{e['name']}={e['value']}")
        elif e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "spec.nodeName":
            env.append(f"{e['name']}=test-node")
    p["env"] = env
    p["noNewPrivileges"] = sc.get("allowPrivilegeEscalation") is False
    p["user"] = {"uid": sc.get("runAsUser", 0), "gid": sc.get("runAsGroup", 0)}
    p["rlimits"] = []	# the runtime's (here: the test's own; raising them needs CAP_SYS_RESOURCE)
    spec["root"] = {"path": rootfs, "readonly": sc.get("readOnlyRootFilesystem") is True}
    spec["hostname"] = "scry-test-node"

    lin = spec["linux"]
    ns = [n for n in lin["namespaces"] if not (pod.get("hostPID") and n["type"] == "pid")]
    lin["namespaces"] = ns
    lin.pop("seccomp", None)	# seccompProfile: Unconfined
    lim = c.get("resources", {}).get("limits", {})
    res = lin.setdefault("resources", {})
    if "memory" in lim:
        res["memory"] = {"limit": quantity_bytes(lim["memory"])}
    if "cpu" in lim:
        res["cpu"] = {"quota": cpu_millis(lim["cpu"]) * 100, "period": 100000}

    vols = {v["name"]: v for v in pod.get("volumes", [])}
    for m in c.get("volumeMounts", []):
        src = vols[m["name"]]["hostPath"]["path"]
        if src == "/run" and run_dir:
            src = run_dir
        o = ["rbind", "ro" if m.get("readOnly") else "rw"]
        if m.get("mountPropagation") == "HostToContainer":
            o.append("rslave")
        else:
            o.append("rprivate")
        spec["mounts"].append({"destination": m["mountPath"], "type": "bind", "source": src,
                               "options": o})
    json.dump(spec, open(out, "w"), indent=1)


if __name__ == "__main__":
    main()
