#!/bin/sh
# deploy/kubernetes checked offline with what Debian offers (no cluster, no registry here):
# every document against the API types of python3-kubernetes (Kubernetes 1.22's models), scry's
# own rules (least privilege, read-only host mounts, the serve contract), kubectl's kustomize
# build, promtool on the Prometheus example, and its relabelling applied to a pod's labels.
# Each checker is also shown a broken copy, to prove it can fail. Loads no BPF, runs no Docker.
. tests/lib/common.sh
plan 9
K=deploy/kubernetes
PY=/usr/bin/python3
CHECK="$PY tests/tools/k8s_check.py"
files="$K/namespace.yaml $K/serviceaccount.yaml $K/service.yaml $K/daemonset.yaml $K/examples/record-daemonset.yaml"

if $PY -c 'import kubernetes, yaml' 2>/dev/null; then
	$CHECK schema $files >"$TMP/schema" 2>&1
	check "every manifest matches the Kubernetes API types (python3-kubernetes $($PY -c 'import kubernetes; print(kubernetes.__version__)'))" \
		grep -qx "schema: 5 documents checked" "$TMP/schema" || sed 's/^/#   /' "$TMP/schema"
	# A misspelt field, a container without its name, a port as a string: three problems.
	sed -e 's/^      hostPID: true/      hostPid: true/' -e 's/^        - name: scry$/        - image2: x/' \
		-e 's/containerPort: 9464/containerPort: "9464"/' "$K/daemonset.yaml" >"$TMP/broken.yaml"
	$CHECK schema "$TMP/broken.yaml" >"$TMP/schema-bad" 2>&1
	py "
import sys
p = [l for l in open('$TMP/schema-bad') if l.startswith('problem:')]
want = ['.hostPid: no such field', 'containers[0].image2: no such field',
        'containers[0]: required field name', 'containerPort: expected int']
missing = [w for w in want if not any(w in l for l in p)]
assert not missing and len(p) == 4, (missing, p)
print('ok')" >"$TMP/res" 2>&1
	check "the schema check finds a misspelt field, a missing required name and a mistyped port" \
		grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" "$TMP/schema-bad" | tail -8
else
	skip 2 python3-kubernetes "no Kubernetes API models to check the manifests against"
fi

$CHECK rules "$K" "$SCRY" >"$TMP/rules" 2>&1
check "scry's rules: least capabilities, read-only host mounts under SCRY_HOST_ROOT, NODE_NAME from the downward API, /healthz probes and annotations on the --listen port, resources, flags in --help" \
	grep -qx "rules: 5 objects, 2 DaemonSets checked" "$TMP/rules" || sed 's/^/#   /' "$TMP/rules"

# The same rules on a copy with SYS_ADMIN added, /host/proc writable and NODE_NAME from a
# constant: three problems, each named.
mkdir -p "$TMP/k/examples"
cp "$K"/*.yaml "$TMP/k/"
sed -e 's/add: \["BPF", "PERFMON"/add: ["SYS_ADMIN", "BPF", "PERFMON"/' \
	-e '/mountPath: \/host\/proc/{n;s/readOnly: true/readOnly: false/}' \
	-e 's/fieldPath: spec.nodeName/fieldPath: metadata.name/' "$K/daemonset.yaml" >"$TMP/k/daemonset.yaml"
$CHECK rules "$TMP/k" "$SCRY" >"$TMP/rules-bad" 2>&1
py "
p = [l for l in open('$TMP/rules-bad') if l.startswith('problem:')]
want = ['beyond the least set', '/host/proc must be readOnly', 'NODE_NAME must come from the downward API']
missing = [w for w in want if not any(w in l for l in p)]
assert not missing and len(p) == 3, (missing, p)
print('ok')" >"$TMP/res" 2>&1
check "the rules find SYS_ADMIN, a writable host mount and a NODE_NAME not from the node" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" "$TMP/rules-bad" | tail -8

if grep -q '^serve-absent' "$TMP/rules"; then
	skip 1 serve "this build has no serve command yet: the DaemonSet's serve flags are not checked against --help"
else
	check "the DaemonSet's serve flags are in scry --help" true
fi

if command -v kubectl >/dev/null 2>&1; then
	timeout 60 kubectl kustomize "$K" >"$TMP/kust" 2>"$TMP/kust.err"
	py "
import yaml
d = [x for x in yaml.safe_load_all(open('$TMP/kust')) if x]
kinds = sorted((x['kind'], x['metadata']['name']) for x in d)
assert kinds == [('DaemonSet', 'scry'), ('Namespace', 'scry'), ('Service', 'scry'), ('ServiceAccount', 'scry')], kinds
print('ok')" >"$TMP/res" 2>&1
	check "kubectl kustomize builds the four objects of deploy/kubernetes (kubectl apply -k)" \
		grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" "$TMP/kust.err" | tail -5
else
	skip 1 kubectl "no kubectl to build the kustomization"
fi

# Debian's promtool is built without kubernetes_sd (it says "field kubernetes_sd_configs not
# found"): the rest of the file is checked with the discovery swapped for a static target.
if command -v promtool >/dev/null 2>&1; then
	py "
import yaml
c = yaml.safe_load(open('$K/prometheus/prometheus.yml'))
for j in c['scrape_configs']:
    j.pop('kubernetes_sd_configs')
    j['static_configs'] = [{'targets': ['127.0.0.1:9464']}]
yaml.safe_dump(c, open('$TMP/prom.yml', 'w'))"
	check "promtool check config: the Prometheus example (its kubernetes_sd swapped for a static target)" \
		sh -c "promtool check config '$TMP/prom.yml' >'$TMP/promtool' 2>&1" ||
		sed 's/^/#   /' "$TMP/promtool"
	sed 's/regex: (.+)$/regex: (.+/' "$K/prometheus/prometheus.yml" >"$TMP/prom-bad-src.yml"
	py "
import yaml
c = yaml.safe_load(open('$TMP/prom-bad-src.yml'))
for j in c['scrape_configs']:
    j.pop('kubernetes_sd_configs')
    j['static_configs'] = [{'targets': ['127.0.0.1:9464']}]
yaml.safe_dump(c, open('$TMP/prom-bad.yml', 'w'))"
	check "promtool refuses the same file with a broken relabel regex" \
		sh -c "! promtool check config '$TMP/prom-bad.yml' >/dev/null 2>&1"
else
	skip 2 promtool "no promtool to check the Prometheus example"
fi

$CHECK relabel "$K/prometheus/prometheus.yml" >"$TMP/relabel" 2>&1
check "the example's relabelling scrapes an annotated pod at its annotated port and path, with node and pod labels, and drops the others" \
	grep -qx "relabel: 4 cases checked" "$TMP/relabel" || sed 's/^/#   /' "$TMP/relabel"
finish
