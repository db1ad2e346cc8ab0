#!/bin/sh
# scry's own image (tools/mkimage.sh, `make image`) run as the DaemonSet runs it: host pids,
# the host's /proc, /sys and runtime socket read-only under /host (SCRY_HOST_ROOT), a read-only
# root, no_new_privs, only the manifest's capabilities. It must see and name the other
# containers exactly as the host binary does.
#
# Two runtimes: Docker (what users run), which here refuses CAP_BPF and CAP_PERFMON by name
# ("unknown capability", moby#42601) and so is given CAP_SYS_ADMIN in their place; and runc
# with a spec made from deploy/kubernetes/daemonset.yaml itself (tests/tools/runc_spec.py): its
# exact capabilities, limits and mounts, as containerd would hand them to runc on a node.
# timeout: 900
. tests/lib/common.sh
plan 8
. tests/lib/docker.sh

command -v runc >/dev/null 2>&1 || RUNC_MISSING=1
dockerd_start && image_build || { not_ok "private dockerd and test image"; skip_rest dockerd "no engine"; }
SIMG=scry-img:test
DOCKER="$DOCKER" sh tools/mkimage.sh "$SCRY" "$SIMG" "$TMP/img" >"$TMP/mkimage" 2>&1 ||
	{ not_ok "tools/mkimage.sh builds scry's image"; sed 's/^/#   /' "$TMP/mkimage"; skip_rest mkimage "no image"; }

# 1. The image: the binary, exactly the libraries ldd names (the loader too), and what scry
#    reads from its own root; its scry is this build's.
ldd "$SCRY" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | sort >"$TMP/ldd"
tar -tf "$TMP/img/rootfs.tar" | sed 's|^\./|/|' | grep -v '/$' | sort >"$TMP/files"
"$DOCKER" run --rm --network none "$SIMG" --version >"$TMP/ver" 2>&1
py "
libs = set(open('$TMP/ldd').read().split())
files = set(open('$TMP/files').read().split())
extra = {'/usr/bin/scry', '/etc/services', '/etc/passwd', '/etc/group'}
terminfo = {f for f in files if f.startswith('/lib/terminfo/')}
assert files - terminfo == libs | extra, ('unexpected', sorted(files - terminfo - libs - extra), 'missing', sorted(libs | extra - files))
assert terminfo and len(libs) > 5, (terminfo, libs)
print('ok')" >"$TMP/res" 2>&1
check "the image holds scry, exactly its $(wc -l <"$TMP/ldd") libraries and what it reads from its own root; its scry --version is this build's" \
	sh -c "grep -qx ok '$TMP/res' && [ \"\$(cat '$TMP/ver')\" = \"\$('$SCRY' --version)\" ]" ||
	{ sed 's/^/#   /' "$TMP/res" | tail -3; sed 's/^/#   ver: /' "$TMP/ver"; }

tag=$$
A=scryimg-a-$tag B=scryimg-b-$tag
# Both on the CPU (a tenth of one each), so that a CPU view lists them.
"$DOCKER" run -d --name "$A" --network none --cpus 0.1 "$IMAGE" /h/busy_loop 600 >/dev/null
"$DOCKER" run -d --name "$B" --network none --cpus 0.1 "$IMAGE" /h/busy_loop 600 >/dev/null
idA=$("$DOCKER" inspect -f '{{.Id}}' "$A" | cut -c1-12)
idB=$("$DOCKER" inspect -f '{{.Id}}' "$B" | cut -c1-12)
# The host's /run is not where this engine is: a directory standing for it, holding the
# private engine's socket (a hard link: same inode, and no symbolic link out of the root).
mkdir -p "$TMP/hostrun"
ln "$DK/docker.sock" "$TMP/hostrun/docker.sock"

# 2. Docker, with the DaemonSet's mounts: both name the containers as `docker inspect` does.
"$SCRY" -c topcontainers_cpu -j -M 4 --interval 0 >"$TMP/host.top" 2>"$TMP/host.top.err" &
hp=$!
timeout 120 "$DOCKER" run --rm --pid=host --network none --read-only --cap-drop ALL \
	--cap-add SYS_ADMIN --cap-add SYS_PTRACE --cap-add DAC_READ_SEARCH \
	--security-opt no-new-privileges -e SCRY_HOST_ROOT=/host -e NODE_NAME=test-node \
	-v /proc:/host/proc:ro -v /sys:/host/sys:ro -v "$TMP/hostrun:/host/run:ro" \
	"$SIMG" -c topcontainers_cpu -j -M 4 --interval 0 >"$TMP/img.top" 2>"$TMP/img.top.err"
irc=$?
wait_pid $hp 60
py "
import json
want = {'$A': '$idA', '$B': '$idB'}
def rows(f):
    d = json.load(open(f))
    return {r['container.name']: (r['container.id'], r.get('container.image'), r['procs'])
            for r in d['rows'] if r['container.name'] in want}
h, i = rows('$TMP/host.top'), rows('$TMP/img.top')
for name, cid in want.items():
    assert h.get(name) == (cid, '$IMAGE', 1), ('host', name, h)
    assert i.get(name) == (cid, '$IMAGE', 1), ('image', name, i)
print('ok')" >"$TMP/res" 2>&1
check "docker run --pid=host (host /proc, /sys, runtime socket read-only under /host; read-only root; SYS_ADMIN, SYS_PTRACE, DAC_READ_SEARCH): the image's topcontainers_cpu names both containers with docker inspect's ids and image, as the host binary does" \
	sh -c "[ $irc -eq 0 ] && grep -qx ok '$TMP/res'" ||
	{ sed 's/^/#   /' "$TMP/res" | tail -3; sed 's/^/#   image: /' "$TMP/img.top.err" | tail -3; }

if [ -n "${RUNC_MISSING:-}" ]; then
	skip 2 runc "no runc to run the image with the DaemonSet's exact capabilities"
else
	RR="$TMP/runc-state"
	mkdir -p "$RR" "$TMP/bundle"
	(cd "$TMP/bundle" && runc spec && mv config.json base.json)
	RUNC_IDS=
	EXTRA_CLEANUP="for c in \$RUNC_IDS; do runc --root '$RR' delete -f \$c >/dev/null 2>&1; done; docker_cleanup"
	# runc_run NAME [--without CAP] -- ARGS: the image as the DaemonSet runs it, in the
	# background; its pid in RPID.
	runc_run() {
		n=$1; shift
		spec_opts=
		while [ "$1" != -- ]; do spec_opts="$spec_opts $1"; shift; done; shift
		mkdir -p "$TMP/bundle/$n"
		python3 tests/tools/runc_spec.py "$TMP/bundle/base.json" deploy/kubernetes/daemonset.yaml \
			"$TMP/img/rootfs" "$TMP/bundle/$n/config.json" --run-dir "$TMP/hostrun" \
			$spec_opts -- "$@" || return 1
		RUNC_IDS="$RUNC_IDS scry-$n-$tag"
		runc --root "$RR" run --bundle "$TMP/bundle/$n" "scry-$n-$tag" \
			>"$TMP/$n.out" 2>"$TMP/$n.err" </dev/null &
		RPID=$!
	}

	# 3. The DaemonSet's own capabilities and limits: exactly the getppid calls the test
	#    makes in container A, named, by the image as by the host binary.
	filt="container.name=$A and evt.type=getppid"
	start_scry "$TMP/hs.out" "$TMP/hs.err" -j -pc "$filt" || echo "# the host binary did not start"
	runc_run stream -- -v -j -pc "$filt"
	i=0
	until grep -q '^scry: tracing' "$TMP/stream.err" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! alive "$RPID"; then echo "# image did not start:"; sed 's/^/#   /' "$TMP/stream.err" | tail -5; break; fi
		sleep 0.1
	done
	"$DOCKER" exec "$A" /h/getppid_loop 20000 >/dev/null
	sleep 0.5
	runc --root "$RR" kill "scry-stream-$tag" INT 2>/dev/null
	wait_pid "$RPID" 60
	rrc=$?
	stop_scry INT
	caps=$(sed -n 's/.*add: \[\(.*\)\]$/\1/p' deploy/kubernetes/daemonset.yaml | tr -d '" ')
	py "
import collections, json
def count(f):
    c = collections.Counter()
    for l in open(f):
        e = json.loads(l)
        c[(e['container.name'], e['container.id'], e['container.image'], e['proc.name'], e['evt.dir'])] += 1
    return c
want = {('$A', '$idA', '$IMAGE', 'getppid_loop', d): 20000 for d in '<>'}
h, i = count('$TMP/hs.out'), count('$TMP/stream.out')
assert dict(i) == want, ('image', dict(i))
assert dict(h) == want, ('host', dict(h))
print('ok')" >"$TMP/res" 2>&1
	check "runc with the DaemonSet's spec (capabilities $caps only, no pid namespace, read-only root and mounts, its limits): exactly the 20000 getppid enters and exits of container A, named with its id and image, as the host binary sees them" \
		sh -c "[ $rrc -eq 0 ] && grep -qx ok '$TMP/res'" ||
		{ sed 's/^/#   /' "$TMP/res" | tail -3; sed 's/^/#   image: /' "$TMP/stream.err" | tail -4; }

	# 4. The capabilities are what the kernel holds it to: without CAP_BPF it cannot trace,
	#    and says so in one line.
	runc_run nobpf --without BPF -- -c topcontainers_cpu -j -M 2
	wait_pid "$RPID" 60
	nrc=$?
	check "the same without CAP_BPF: exit 1 with the capabilities named, nothing traced" \
		sh -c "[ $nrc -eq 1 ] && grep -q 'CAP_BPF and CAP_PERFMON' '$TMP/nobpf.err' && [ ! -s '$TMP/nobpf.out' ]" ||
		sed 's/^/#   /' "$TMP/nobpf.err" | tail -3
fi

# 6. The host binary with the same capabilities and no others (no CAP_SYS_ADMIN): libbpf is
#    given vmlinux's BTF by name, or its search of the modules' BTF (which needs CAP_SYS_ADMIN)
#    fails the load. BPF=39 PERFMON=38 SYS_PTRACE=19 DAC_READ_SEARCH=2.
"$HELPERS/capdrop" 39,38,19,2 "$SCRY" -v -n 2000 -j -pc "container.name=$B and evt.type=getppid" \
	>"$TMP/cd.out" 2>"$TMP/cd.err" &
cdp=$!
i=0
until grep -q '^scry: tracing' "$TMP/cd.err" 2>/dev/null || [ $i -gt 600 ] || ! alive $cdp; do
	i=$((i + 1)); sleep 0.1
done
"$DOCKER" exec "$B" /h/getppid_loop 5000 >/dev/null
wait_pid $cdp 60
crc=$?
check "the host binary with CAP_BPF, CAP_PERFMON, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH alone traces container B by name" \
	sh -c "[ $crc -eq 0 ] && [ \$(grep -c '\"container.name\":\"$B\"' '$TMP/cd.out') -eq 2000 ]" ||
	sed 's/^/#   /' "$TMP/cd.err" | tail -3

# 7. --host-root with the real / bind-mounted elsewhere (recursively, in a mount namespace of
#    its own): the same containers, names and process counts as without.
"$SCRY" -c lscontainers -j >"$TMP/ls.plain" 2>"$TMP/ls.plain.err"
unshare -m sh -c "mount --make-rprivate / && mkdir -p '$TMP/hostroot' &&
	mount --rbind / '$TMP/hostroot' && exec '$SCRY' --host-root '$TMP/hostroot' -c lscontainers -j" \
	>"$TMP/ls.root" 2>"$TMP/ls.root.err"
lrc=$?
py "
import json
def rows(f):
    return sorted((c['container.id'], c['container.name'], c['container.image'], c['procs'])
                  for c in json.load(open(f)))
p, r = rows('$TMP/ls.plain'), rows('$TMP/ls.root')
assert p == r, (p, r)
names = {x[1] for x in r}
assert {'$A', '$B'} <= names, names
print('ok')" >"$TMP/res" 2>&1
check "--host-root at the real / bind-mounted elsewhere: lscontainers lists the same containers, names, images and process counts" \
	sh -c "[ $lrc -eq 0 ] && grep -qx ok '$TMP/res'" ||
	{ sed 's/^/#   /' "$TMP/res" | tail -3; sed 's/^/#   /' "$TMP/ls.root.err" | tail -3; }

# 8. A root that is not a directory stops scry before anything runs (exit 2), from the option
#    or from the environment, in one line naming it.
"$SCRY" --host-root "$TMP/nonexistent" -c lscontainers >/dev/null 2>"$TMP/hr1"
r1=$?
SCRY_HOST_ROOT="$TMP/ls.plain" "$SCRY" -c lscontainers >/dev/null 2>"$TMP/hr2"
r2=$?
check "--host-root DIR that does not exist, SCRY_HOST_ROOT that is a file: exit 2, one line each" \
	sh -c "[ $r1 -eq 2 ] && [ $r2 -eq 2 ] && [ \$(wc -l <'$TMP/hr1') -eq 1 ] && [ \$(wc -l <'$TMP/hr2') -eq 1 ] &&
		grep -q -- \"--host-root '$TMP/nonexistent': No such file\" '$TMP/hr1' &&
		grep -q \"SCRY_HOST_ROOT '$TMP/ls.plain': Not a directory\" '$TMP/hr2'" ||
	sed 's/^/#   /' "$TMP/hr1" "$TMP/hr2"

# 5. HOOK (issue 16, scry serve): when this build has `scry serve`, the image serves the same
#    container series as the host binary. Until then this check is skipped.
if "$SCRY" --help 2>/dev/null | grep -q '^ *scry serve'; then
	p1=$((20000 + tag % 20000)) p2=$((40001 + tag % 20000))
	"$SCRY" serve --listen "127.0.0.1:$p2" >"$TMP/hserve.out" 2>"$TMP/hserve.err" &
	hsp=$!
	"$DOCKER" run -d --name "scry-serve-$tag" --pid=host --network host --read-only --cap-drop ALL \
		--cap-add SYS_ADMIN --cap-add SYS_PTRACE --cap-add DAC_READ_SEARCH \
		--security-opt no-new-privileges -e SCRY_HOST_ROOT=/host -e NODE_NAME=test-node \
		-v /proc:/host/proc:ro -v /sys:/host/sys:ro -v "$TMP/hostrun:/host/run:ro" \
		"$SIMG" serve --listen "127.0.0.1:$p1" >/dev/null
	py "
import re, time, urllib.request
def get(port, path):
    for _ in range(300):
        try:
            with urllib.request.urlopen(f'http://127.0.0.1:{port}{path}', timeout=5) as r:
                if r.status == 200:
                    return r.read().decode('utf-8', 'replace')
        except Exception:
            pass
        time.sleep(0.2)
    raise SystemExit(f'no 200 from :{port}{path}')
get($p1, '/healthz'); get($p2, '/healthz')
time.sleep(3)
def named(text):
    out = set()
    for line in text.splitlines():
        if line.startswith('#') or '{' not in line:
            continue
        l = dict(re.findall(r'(\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"', line))
        if 'container_name' in l:
            out.add((l.get('container_id', ''), l['container_name']))
    return out
i, h = named(get($p1, '/metrics')), named(get($p2, '/metrics'))
for pair in (('$idA', '$A'), ('$idB', '$B')):
    assert any(p[1] == pair[1] and pair[0] in p[0] for p in i), ('image', pair, i)
    assert any(p[1] == pair[1] and pair[0] in p[0] for p in h), ('host', pair, h)
print('ok')" >"$TMP/res" 2>&1
	"$DOCKER" rm -f "scry-serve-$tag" >/dev/null 2>&1
	kill -INT $hsp 2>/dev/null; wait_pid $hsp 30
	check "scry serve in the image and on the host: both serve containers A and B with docker inspect's ids" \
		grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
else
	skip 1 serve "this build has no scry serve yet: the image's metrics are not compared with the host's"
fi
"$DOCKER" rm -f "$A" "$B" >/dev/null 2>&1
finish
