#!/bin/sh
# Chisels on the command line, before anything runs: -L lists them with their arguments, -L NAME
# prints sysdig's -i help (description, arguments, types, defaults), and a wrong or missing
# argument is one line and exit 2, whichever form the arguments took.
. tests/lib/common.sh
plan 7

"$SCRY" -L >"$TMP/L" 2>&1
rc=$?
checkall "-L (exit $rc): every chisel with its arguments after its name, the views as before" \
	'[ $rc -eq 0 ] && grep -q "^fileslower min_ms \[disable_color\] " "$TMP/L" &&
	 grep -q "^spy_file \[read_or_write\] \[spy_on_file_name\] " "$TMP/L" &&
	 grep -q "^spy_port host_port \[disable_color\] " "$TMP/L" &&
	 grep -q "^fdbytes_by FIELD  *bytes" "$TMP/L" && grep -q "^topprocs_cpu  *CPU" "$TMP/L" &&
	 grep -q "^echo_fds " "$TMP/L" && grep -q "^udp_extract " "$TMP/L"' ||
	sed 's/^/#   /' "$TMP/L" | head -5

"$SCRY" -L spy_file >"$TMP/h" 2>&1
rc=$?
checkall "-L spy_file (exit $rc): usage, each argument with its type, choices and default, the events" \
	'[ $rc -eq 0 ] && grep -q "^usage: scry -c spy_file \[read_or_write\] \[spy_on_file_name\] \[FILTER\]" "$TMP/h" &&
	 grep -q "read_or_write *\[string, optional\] .*(one of: R W RW) (default: RW)" "$TMP/h" &&
	 grep -q "spy_on_file_name *\[string, optional\]" "$TMP/h" &&
	 grep -q "^events: fd.type=file" "$TMP/h" && grep -q "^data: -s 2000 by itself" "$TMP/h"' ||
	sed 's/^/#   /' "$TMP/h" | head -12

"$SCRY" -L fileslower >"$TMP/h" 2>&1
rc=$?
checkall "-L fileslower (exit $rc): min_ms, a number, required" \
	'[ $rc -eq 0 ] && grep -q "^  min_ms *\[number\] " "$TMP/h"' || sed 's/^/#   /' "$TMP/h" | head -12

# usage errors: nothing on stdout, one line on stderr naming the chisel, exit 2
n=0 bad=
for args in "fileslower" "fileslower abc" "fileslower 10 disable_colors extra" "spy_port 99999" \
	"spy_ip not.an.ip" "netlower 5 colours"; do
	"$SCRY" -n 1 -c "$args" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	[ $rc -eq 2 ] && [ ! -s "$TMP/o" ] && [ "$(wc -l <"$TMP/e")" -eq 1 ] &&
		grep -q "^scry: ${args%% *}: " "$TMP/e" || bad="$bad [$args: $rc $(cat "$TMP/e")]"
	n=$((n + 1))
done
check "-c 'NAME ARGS' wrong or missing: exit 2, one line each ($n forms)$bad" [ -z "$bad" ]
# the same positionally (the words after the name)
"$SCRY" -n 1 -c fileslower abc proc.name=x >"$TMP/o" 2>"$TMP/e"
rc=$?
checkall "-c fileslower abc FILTER: exit 2 ($rc), the word named" \
	'[ $rc -eq 2 ] && grep -q "expected a number >= 0 for .abc." "$TMP/e"' || sed 's/^/#   /' "$TMP/e"
"$SCRY" -n 1 -c spy_ip >"$TMP/o" 2>"$TMP/e"
rc=$?
checkall "-c spy_ip without its address: exit 2 ($rc), missing host_ip" \
	'[ $rc -eq 2 ] && [ "$(cat "$TMP/e")" = "scry: spy_ip: missing '"'host_ip'"'; usage: scry -c spy_ip host_ip [disable_color] [FILTER] (scry -L spy_ip)" ]' ||
	sed 's/^/#   /' "$TMP/e"
"$SCRY" --help >"$TMP/help"
checkall "--help tells -c CHISEL [ARGS] and -L [CHISEL]" \
	'grep -q "^  -c CHISEL \[ARGS\] " "$TMP/help" && grep -q "^  -L \[CHISEL\] " "$TMP/help"'
finish
