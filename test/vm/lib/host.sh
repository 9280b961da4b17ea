# Helpers for the host side of a scenario (bash), sourced by test/vm/run.
# Checks are recorded as "@check ok|fail DESC" in $VMDIR/host.log and
# turned into TAP by the harness, after the guest's checks.

_host_log() { printf '%s\n' "$*" >>"$VMDIR/host.log"; }

diag() { _host_log "@diag $*"; }

check() {
	local d=$1 rc
	shift
	"$@"
	rc=$?
	if [ $rc = 0 ]; then
		_host_log "@check ok $d"
		return 0
	fi
	_host_log "@check fail $d (exit $rc: $*)"
	return 1
}

is() {
	if [ "$1" = "$2" ]; then
		_host_log "@check ok $3"
		return 0
	fi
	_host_log "@check fail $3 (got '$1', want '$2')"
	return 1
}

# wait_guest TOKEN SECS: wait until the guest says "tell TOKEN".
# Returns 1 (and records a failure) on timeout or when the guest is gone.
wait_guest() {
	local deadline=$((SECONDS + ${2:-60}))
	while ((SECONDS < deadline)); do
		grep -qx "@tell $1" "$VMDIR/ctl.log" 2>/dev/null && return 0
		if ! kill -0 "$QEMU_PID" 2>/dev/null; then
			_host_log "@check fail guest ended before saying '$1'"
			return 1
		fi
		sleep 0.05
	done
	_host_log "@check fail waiting for guest token '$1' (${2:-60}s)"
	return 1
}

# tell_guest TOKEN: one line to the guest's wait_for.
tell_guest() {
	timeout 5 bash -c 'printf "%s\n" "$1" >"$2"' _ "$1" "$VMDIR/ctl.in"
}

# guest_value KEY: the last "value KEY V" the guest reported (empty if none).
guest_value() {
	sed -n "s/^@value $1 //p" "$VMDIR/ctl.log" | tail -n 1
}

# wait_guest_value KEY SECS: wait up to SECS s for the guest to report KEY
# (the caller's checks then find it, or fail on its absence).
wait_guest_value() {
	local deadline=$((SECONDS + $2))
	until [ -n "$(guest_value "$1")" ] || ((SECONDS > deadline)); do sleep 0.1; done
}

# json_get FILE KEY: a numeric field from the last JSON line holding "KEY":
# (flat extraction, enough for the fields our tools print).
json_get() {
	grep -o "\"$2\":[-0-9.]*" "$1" | tail -n 1 | cut -d: -f2
}

# peer_bg OUT ARGS...: start the host peer on NIC 0 in the background (its
# output in OUT) and return once its socket is bound, so the guest may
# send; PEER_PID is its pid.  Fails (and records why) if it never binds.
peer_bg() {
	local out=$1 deadline=$((SECONDS + 10))
	shift
	rm -f "$NIC0_PEER"	# a stale file would read as "bound" at once
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" "$@" >"$out" &
	PEER_PID=$!
	until [ -S "$NIC0_PEER" ] || ((SECONDS > deadline)); do sleep 0.05; done
	[ -S "$NIC0_PEER" ] && return 0
	_host_log "@check fail the host peer bound $NIC0_PEER within 10 s"
	return 1
}

# host_stream RATE DONE: once the guest says RX_READY, the peer streams
# numbered frames (stream 1) to NIC0 at RATE/s; STREAMING tells the guest,
# the stream stops when the guest says DONE, then PEER_DONE.  Its summary
# lands in $ARTIFACTS/peer.json.
host_stream() {
	local rate=$1 done=$2
	wait_guest RX_READY 120 || return 1
	peer_bg "$ARTIFACTS/peer.json" --send 1000000000 --rate "$rate" --stream 1 \
		--dst "$NIC0_MAC" --timeout "$TIMEOUT" --json || return 1
	tell_guest STREAMING
	wait_guest "$done" "$TIMEOUT"
	kill -INT "$PEER_PID"
	wait "$PEER_PID"
	tell_guest PEER_DONE
}
