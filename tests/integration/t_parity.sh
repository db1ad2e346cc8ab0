#!/bin/sh
# docs/sysdig-parity.md is what `make parity` writes from this scry's -l and -L, sysdig 0.29's
# lists and the reasons in docs/sysdig/notes.tsv (which the generator checks against scry: a
# reason for a field scry has, or a "differs" for one it lacks, is an error). So the parity
# table cannot drift from the code.
. tests/lib/common.sh
plan 2

out=$(python3 tests/tools/sysdig_parity.py "$BUILD/scry" 2>&1 >"$TMP/parity.md")
check "the notes agree with scry -l and -L ($out)" [ -z "$out" ]
check "docs/sysdig-parity.md is current (make parity): $(diff docs/sysdig-parity.md "$TMP/parity.md" | head -4 | tr '\n' ' ')" \
	cmp -s docs/sysdig-parity.md "$TMP/parity.md"
finish
