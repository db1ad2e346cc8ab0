#!/bin/sh
# Bad input and hostile environments: one clear line on stderr, a non-zero exit, no crash and
# no libbpf dump.
. tests/lib/common.sh

# expect_err NAME WANT_RC PATTERN CMD...: exit status, exactly one line, matching PATTERN.
expect_err() {
	name=$1 want=$2 pat=$3; shift 3
	"$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc -eq "$want" ] && [ "$(wc -l <"$TMP/e")" -eq 1 ] && grep -q "$pat" "$TMP/e" &&
		[ ! -s "$TMP/o" ]; then
		ok "$name"
	else
		not_ok "$name (rc=$rc)"; sed 's/^/#   /' "$TMP/e" | head -5
	fi
}

expect_err "unknown option" 2 "unknown option '--bogus'; see scry --help" "$SCRY" --bogus
expect_err "unknown short option" 2 "unknown option -Z" "$SCRY" -Z
expect_err "option without its value" 2 "option -n needs a value" "$SCRY" -n
expect_err "-n not a number" 2 "^scry: -n 'x': expected" "$SCRY" -n x
expect_err "-M not a number" 2 "^scry: -M '-1': expected" "$SCRY" -M -1
expect_err "--ring-mb not a power of two" 2 "power of two" "$SCRY" --ring-mb 3
expect_err "unknown filter field" 1 "unknown field 'proc.nam'" "$SCRY" proc.nam=x
expect_err "bad -p template" 1 "unknown field 'evt.nope'" "$SCRY" -p '%evt.nope'
expect_err "not root" 1 "needs root, or the capabilities CAP_BPF and CAP_PERFMON" \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$SCRY" -n 1
expect_err "missing BTF file" 1 "^scry: --btf /nonexistent: No such file" "$SCRY" --btf /nonexistent -n 1
expect_err "garbage BTF file" 1 "not a kernel BTF file" "$SCRY" --btf /etc/hostname -n 1

# BTF of another kernel: the programs that need absent tracepoints are disabled with a warning
# each, and the verifier's refusal of the rest is one line (its log only with -v).
clang -g -target bpf -c tests/data/wrong_btf.c -o "$TMP/wrong.o"
"$SCRY" --btf "$TMP/wrong.o" -n 1 >"$TMP/o" 2>"$TMP/e"
rc=$?
check "foreign BTF: non-zero exit" [ $rc -ne 0 ]
check "foreign BTF: one warning per missing tracepoint (6)" [ "$(grep -c 'warning: this kernel has no tracepoint' "$TMP/e")" -eq 6 ]
check "foreign BTF: refusal in one line, pointing at -v" \
	[ "$(grep -vc warning "$TMP/e")" -eq 1 -a "$(grep -c 'refused to load BPF program .*run with -v' "$TMP/e")" -eq 1 ]
check "foreign BTF: no libbpf output without -v" [ "$(grep -c libbpf "$TMP/e")" -eq 0 ]
"$SCRY" -v --btf "$TMP/wrong.o" -n 1 >"$TMP/o" 2>"$TMP/e"
check "foreign BTF with -v: the verifier's log is shown" grep -q 'PROG LOAD LOG' "$TMP/e"

check "--help exits 0 and documents -M" sh -c "'$SCRY' --help | grep -q -- '-M SECS'"
check "--version" sh -c "'$SCRY' --version | grep -q '^scry [0-9]'"
finish
