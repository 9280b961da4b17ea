#!/usr/bin/env bash
# The harness must notice a kernel BUG(), a WARN(), a failing check and a
# guest that never ends -- and never leave a QEMU process or temp dir behind.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/livemap-selftest.XXXXXX)
trap 'rm -rf "$out"' EXIT
n=0
t() {	# t DESC CMD...
	n=$((n + 1))
	if "$@"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
desc() { :; }
# each fixture: run it, keep its TAP output and exit status
runfix() {
	ARTIFACTS=$out/$1 "$here/run" "$here/fixtures/$1.sh" >"$out/$1.tap" 2>&1
	echo $? >"$out/$1.rc"
	sed -n 's/^# vmdir //p' "$out/$1.tap" >"$out/$1.vmdir"
}
has() { grep -qE -- "$2" "$out/$1.tap"; }
rc() { [ "$(cat "$out/$1.rc")" = "$2" ]; }
gone() {	# no QEMU of that run alive, its temp dir removed
	local d
	d=$(cat "$out/$1.vmdir")
	[ -n "$d" ] && [ ! -e "$d" ] && ! pgrep -f "qemu-system-x86_64.*$d" >/dev/null
}

runfix bug
t() { n=$((n + 1)); local d=$1; shift; if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; sed 's/^/# /' "$out/$FIX.tap" | tail -n 15; fi; }
FIX=bug
t "BUG(): the run fails" rc bug 1
t "BUG(): the kernel-log check fails" has bug '^not ok .*kernel log free'
t "BUG(): the console tail is printed" has bug '^#   .*(kernel BUG|invalid opcode)'
t "BUG(): the guest did not reach its end" has bug '^not ok .*ran to its end'
t "BUG(): the check before the BUG passed" has bug '^ok .*reached the guest script'
t "BUG(): no QEMU or temp dir left" gone bug

runfix warn
FIX=warn
t "WARN(): the run fails" rc warn 1
t "WARN(): the kernel-log check fails" has warn '^not ok .*kernel log free'
t "WARN(): the console tail shows the warning" has warn '^#   .*WARNING:'
t "a failing guest check is reported as not ok" has warn '^not ok .*a check that fails on purpose'
t "a passing guest check after it is still reported ok" has warn '^ok .*a check that passes'
t "WARN(): no QEMU or temp dir left" gone warn

runfix hang
FIX=hang
t "hang: the run fails" rc hang 1
t "hang: reported as killed at its 20 s limit" has hang '^not ok .*finished within 20s \(killed at 2[0-9]s\)'
t "hang: the console tail is printed" has hang '^# --- console tail'
t "hang: no QEMU or temp dir left" gone hang
runfix tokens
FIX=tokens
t "tokens: 40 round trips and next_host_line, all checks pass" rc tokens 0
t "tokens: no check failed" sh -c "! grep -q '^not ok' '$out/tokens.tap'"
t "tokens: no QEMU or temp dir left" gone tokens
echo "1..$n"
