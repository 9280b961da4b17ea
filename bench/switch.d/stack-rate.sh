# The highest rate the guest's stack receives without loss (livemap_e1000 in
# stack mode, AF_PACKET reader, the guest transmitting SW_TXRATE frames/s at
# the same time, as in the switch scenarios): the second rate of issue 5's
# switch run.  A VM scenario for test/vm/run, kept out of make check (it
# measures, asserts nothing but completeness); bench/switch runs it.
#
# For each rate in PROBE_RATES (ascending), PROBE_SECS seconds of stream:
# loss-free when the reader got every frame and QEMU refused none.  The
# answer (value max_rate) is the highest rate below the first lossy one.
DESC="stack-mode loss-free receive rate of livemap_e1000 (probe)"
NICS="e1000"
PROBE_RATES=${PROBE_RATES:-"2000 5000 10000 15000 20000 25000 30000 40000"}
PROBE_SECS=${PROBE_SECS:-4}
SW_TXRATE=${SW_TXRATE:-500}
TIMEOUT=$((120 + $(echo $PROBE_RATES | wc -w) * (PROBE_SECS + 12)))

guest() {
	cat <<EOF2
TXRATE=$SW_TXRATE
EOF2
	cat <<'EOF2'
check "livemap loads" lm_insmod livemap
check "livemap_e1000 loads" lm_insmod livemap_e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
check "eth0 has carrier" wait_until 10 has_carrier eth0
usleep 1200000
lm-afp tx -i eth0 -n 1000000000 -R "$TXRATE" --stream 2 --on-full block --json >/tmp/tx.json &
txpid=$!
tell PROBE_READY
k=1
while :; do
	tok=$(next_host_line 60)
	[ "$tok" = "STEP$k" ] || break
	lm-afp rx -i eth0 --stream 1 --idle 2 --timeout 120 --json --ready-file /tmp/r$k.ready \
		>/tmp/r$k.json &
	rp=$!
	wait_until 10 test -e /tmp/r$k.ready
	tell "READY$k"
	wait $rp
	value "step$k" "$(grep -o '"valid":[0-9]*' /tmp/r$k.json | tail -n 1 | cut -d: -f2)"
	k=$((k + 1))
done
check "the host ended the probe" test "$tok" = DONE
kill -INT $txpid
wait $txpid
EOF2
}

host() {
	local k=1 r sent refused valid max=0 lossy=""
	wait_guest PROBE_READY 90 || return 1
	for r in $PROBE_RATES; do
		tell_guest "STEP$k"
		wait_guest "READY$k" 60 || return 1
		"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send $((r * PROBE_SECS)) --rate "$r" \
			--stream 1 --dst "$NIC0_MAC" --timeout $((PROBE_SECS + 20)) --json \
			>"$ARTIFACTS/peer$k.json"
		sent=$(json_get "$ARTIFACTS/peer$k.json" sent)
		refused=$(json_get "$ARTIFACTS/peer$k.json" refused)
		wait_guest_value "step$k" 30
		valid=$(guest_value "step$k")
		diag "$(printf '%6d frames/s: sent %d refused %d received %s' "$r" "$sent" "$refused" "${valid:--}")"
		if [ "$refused" = 0 ] && [ "$valid" = "$sent" ] && [ -z "$lossy" ]; then
			max=$r
		elif [ -z "$lossy" ]; then
			lossy=$r
		fi
		k=$((k + 1))
		[ -n "$lossy" ] && break	# above the first lossy rate only more loss
	done
	tell_guest DONE
	echo "max_rate $max" >"$ARTIFACTS/stack-rate.txt"
	echo "first_lossy ${lossy:--}" >>"$ARTIFACTS/stack-rate.txt"
	diag "highest loss-free stack rate: $max frames/s (first lossy: ${lossy:-none of the probed})"
	check "the probe measured at least one loss-free rate" test "$max" -gt 0
}
