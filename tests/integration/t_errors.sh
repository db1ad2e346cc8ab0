#!/bin/sh
# Bad input and hostile environments: one clear line on stderr (a filter's error: the message,
# the expression and a caret under the token), no crash and no libbpf dump; exit status 2 for
# every usage error (nothing is run), 1 for a failure while running.
. tests/lib/common.sh
plan 39

# status RC: how a run ended, for the messages ("rc=1", "killed by signal 11", "timed out").
status() {
	if [ "$1" -eq 124 ]; then echo "timed out"
	elif [ "$1" -ge 128 ]; then echo "killed by signal $(($1 - 128))"
	else echo "rc=$1"; fi
}
# exited RC WANT ERR: the run ended with exactly the documented status WANT (scry --help, 0 to
# 3: never a signal, >= 128, nor a timeout) and printed no sanitizer report on ERR.
exited() {
	[ "$1" -eq "$2" ] && ! grep -q 'Sanitizer\|runtime error:' "$3"
}

# expect_err NAME WANT_RC PATTERN CMD...: exit status, exactly one line, matching PATTERN.
expect_err() {
	name=$1 want=$2 pat=$3; shift 3
	timeout 30 "$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if exited $rc "$want" "$TMP/e" && [ "$(wc -l <"$TMP/e")" -eq 1 ] && grep -q "$pat" "$TMP/e" &&
		[ ! -s "$TMP/o" ]; then
		ok "$name (exit $want)"
	else
		not_ok "$name: want exit $want, $(status $rc)"; sed 's/^/#   /' "$TMP/e" | head -5
	fi
}

expect_err "unknown option" 2 "unknown option '--bogus'; see scry --help" "$SCRY" --bogus
expect_err "unknown short option" 2 "unknown option -Z" "$SCRY" -Z
expect_err "option without its value" 2 "option -n needs a value" "$SCRY" -n
expect_err "-n not a number" 2 "^scry: -n 'x': expected" "$SCRY" -n x
expect_err "-M not a number" 2 "^scry: -M '-1': expected" "$SCRY" -M -1
expect_err "--ring-mb not a power of two" 2 "power of two" "$SCRY" --ring-mb 3
# 4096 MiB is 2^32 bytes: a u32 max_entries of 0, which the kernel refuses
expect_err "--ring-mb 4096: above the kernel's largest ring, before loading anything" 2 \
	"^scry: --ring-mb '4096': expected a power of two from 1 to 2048 (MiB, the largest BPF ring buffer the kernel makes)" \
	"$SCRY" --ring-mb 4096 -n 1
expect_err "-n after the filter, not a number" 2 "^scry: -n 'x': expected" "$SCRY" proc.name=x -n x
expect_err "an option after the filter without its value" 2 "option -M needs a value" \
	"$SCRY" proc.name=x -M
expect_err "unknown option inside a filter value" 2 "unknown option -b in '-bash'.* goes after --" \
	"$SCRY" proc.name = -bash
expect_err "unknown view" 2 "^scry: unknown view 'nope'; scry -L lists the views" "$SCRY" -c nope -n 1
expect_err "unknown view for -L" 2 "^scry: unknown view 'nope'" "$SCRY" -L nope
expect_err "bad -p template" 2 "unknown field 'evt.nope'" "$SCRY" -p '%evt.nope'
expect_err "-C without -w" 2 "^scry: -C, -G and -W go with -w FILE" "$SCRY" -C 5
expect_err "-w with -j" 2 "^scry: -j, -p and -c format events for reading" "$SCRY" -w "$TMP/x.scry" -j
check "-w with -j: no file made" [ ! -e "$TMP/x.scry" ]
expect_err "scry top with -r" 2 "^scry: scry top is live and interactive" "$SCRY" top -r "$TMP/none"
expect_err "scry top without a terminal: a runtime error" 1 "scry top needs a terminal" "$SCRY" top
expect_err "a missing capture file: a runtime error" 1 "$TMP/none" "$SCRY" -r "$TMP/none"

# A bad filter: three lines, the message, the expression and a caret under the token; exit 2.
expect_filter_err() {
	name=$1 want=$2; shift 2
	timeout 30 "$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	printf '%s\n' "$want" >"$TMP/want"
	if exited $rc 2 "$TMP/e" && [ ! -s "$TMP/o" ] && cmp -s "$TMP/want" "$TMP/e"; then
		ok "$name (exit 2)"
	else
		not_ok "$name: want exit 2, $(status $rc)"; diff "$TMP/want" "$TMP/e" | sed 's/^/#   /' | head -10
	fi
}
expect_filter_err "unknown filter field: a suggestion and a caret" \
"scry: filter: unknown field 'proc.nam': did you mean proc.name? (scry -l lists the fields)
scry:   proc.nam=x
scry:   ^~~~~~~~" "$SCRY" proc.nam=x
expect_filter_err "a misspelt syscall, in the filter's words, options around them" \
"scry: filter: unknown evt.type 'getppidd': did you mean getppid?
scry:   proc.name=x and evt.type = getppidd
scry:                              ^~~~~~~~" "$SCRY" -n 1 proc.name=x and evt.type = getppidd -M 1
expect_filter_err "the filter is checked before the capture is opened" \
"scry: filter: unknown field 'proc.nam': did you mean proc.name? (scry -l lists the fields)
scry:   proc.nam=x
scry:   ^~~~~~~~" "$SCRY" -r "$TMP/none" proc.nam=x
expect_filter_err "a string operator on a number" \
"scry: filter: proc.pid is a number: contains does not apply (use =, !=, <, <=, >, >=, in or exists)
scry:   proc.pid contains 1
scry:            ^~~~~~~~" "$SCRY" -r "$TMP/none" proc.pid contains 1
expect_filter_err "a number is decimal" \
"scry: filter: proc.pid takes a decimal number (0 or more), not '0x64'
scry:   proc.pid=0x64
scry:            ^~~~" "$SCRY" proc.pid=0x64
expect_filter_err "an escaped expression: the caret counts the escapes" \
"scry: filter: unknown field 'x' (scry -l lists the fields)
scry:   proc.name='\\x1b[2J' and x=1
scry:                           ^" "$SCRY" "proc.name='$(printf '\033')[2J' and x=1"
nest=$(python3 -c "print('(' * 30000 + 'proc.name=x' + ')' * 30000)")
timeout 30 "$SCRY" "$nest" >"$TMP/o" 2>"$TMP/e"
rc=$?
check "30000 nested parentheses: exit 2, no crash ($(status $rc))" exited $rc 2 "$TMP/e"
check "30000 nested parentheses: a clear error, one window of the expression" \
	[ "$(head -1 "$TMP/e")" = "scry: filter: nested too deeply: more than 100 levels of parentheses and not (a chain of and/or needs no parentheses)" -a "$(wc -l <"$TMP/e")" -eq 3 -a "$(wc -c <"$TMP/e")" -lt 600 ]
expect_err "not root" 1 "needs root, or the capabilities CAP_BPF and CAP_PERFMON" \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$SCRY" -n 1
expect_err "missing BTF file" 1 "^scry: --btf /nonexistent: No such file" "$SCRY" --btf /nonexistent -n 1
expect_err "garbage BTF file" 1 "not a kernel BTF file" "$SCRY" --btf /etc/hostname -n 1

# BTF of another kernel: the programs that need absent tracepoints are disabled with a warning
# each, and the verifier's refusal of the rest is one line (its log only with -v).
clang -g -target bpf -c tests/data/wrong_btf.c -o "$TMP/wrong.o"
timeout 60 "$SCRY" --btf "$TMP/wrong.o" -n 1 >"$TMP/o" 2>"$TMP/e"
rc=$?
check "foreign BTF: exit 1, a failure while running, not a crash ($(status $rc))" exited $rc 1 "$TMP/e"
# Every tracepoint program of the program table but the three the stub BTF has; the two sock
# length tracepoints say it in one warning, which names the fallback at sys_exit (in the stub).
check "foreign BTF: one warning per missing tracepoint (17)" [ "$(grep -c 'warning: this kernel has no tracepoint' "$TMP/e")" -eq 17 ]
check "foreign BTF: socket bytes fall back to the socket syscalls' exits, said once" \
	[ "$(grep -c 'no tracepoint sock_send_length (before Linux 6.3): scry reads bytes on sockets at the socket syscalls. exits instead' "$TMP/e")" -eq 1 ]
check "foreign BTF: refusal in one line, pointing at -v" \
	[ "$(grep -vc warning "$TMP/e")" -eq 1 -a "$(grep -c 'refused to load BPF program .*run with -v' "$TMP/e")" -eq 1 ]
check "foreign BTF: no libbpf output without -v" [ "$(grep -c libbpf "$TMP/e")" -eq 0 ]
timeout 60 "$SCRY" -v --btf "$TMP/wrong.o" -n 1 >"$TMP/o" 2>"$TMP/e"
rc=$?
checkall "foreign BTF with -v: the verifier's log is shown, exit 1 ($(status $rc))" \
	'exited $rc 1 "$TMP/e" && grep -q "PROG LOAD LOG" "$TMP/e"'

timeout 30 "$SCRY" --help >"$TMP/help" 2>"$TMP/e"
rc=$?
checkall "--help exits 0, nothing on stderr, documents -M ($(status $rc))" \
	'exited $rc 0 "$TMP/e" && [ ! -s "$TMP/e" ] && grep -q -- "^  -M SECS  " "$TMP/help"'
check "--help documents the exit statuses 0 to 3" \
	[ "$(grep -A4 '^Exit status:' "$TMP/help" | grep -c '^  [0-3]  ')" -eq 4 ]
timeout 30 "$SCRY" --version >"$TMP/version" 2>"$TMP/e"
rc=$?
checkall "--version: exit 0, one line 'scry VERSION', nothing on stderr ($(status $rc))" \
	'exited $rc 0 "$TMP/e" && [ ! -s "$TMP/e" ] && [ "$(wc -l <"$TMP/version")" -eq 1 ] &&
	 grep -q "^scry [0-9]" "$TMP/version"'
finish
