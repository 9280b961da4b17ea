# Baseline plumbing: Linux's in-tree e1000 carries the host peer's numbered
# stream both ways without losing a frame.  Proves the wire, the peer and
# the guest AF_PACKET tool before any livemap driver is involved.
DESC="in-tree e1000: 10,000 frames each way at 2,000/s, none lost"
NICS="e1000"
KMODS="e1000"
TIMEOUT=150

guest() {
	cat <<'EOF2'
check "in-tree e1000 loads" kmod e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
check "eth0 has carrier" wait_until 10 has_carrier eth0

# host -> guest: the stack receives every frame (AF_PACKET reader)
lm-afp rx -i eth0 --count 10000 --idle 5 --timeout 60 --json --ready-file /tmp/rx.ready >/tmp/rx.json &
rxpid=$!
check "AF_PACKET reader is ready" wait_until 10 test -e /tmp/rx.ready
tell RX_READY
wait $rxpid
check "lm-afp rx exits 0" test $? = 0
send_file /tmp/rx.json rx.json
value rx_valid "$(grep -o '"valid":[0-9]*' /tmp/rx.json | tail -n 1 | cut -d: -f2)"

# guest -> host: every frame the stack sends reaches the peer
wait_for TX_GO 30
check "lm-afp tx sends 10000 frames at 2000/s" lm-afp tx -i eth0 -n 10000 -R 2000 --json >/tmp/tx.json
send_file /tmp/tx.json tx.json
wait_for PEER_DONE 60
EOF2
}

host() {
	wait_guest RX_READY 60 || return 1
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send 10000 --rate 2000 \
		--dst "$NIC0_MAC" --timeout 30 --json >"$ARTIFACTS/peer-tx.json"
	check "peer: sent 10000 frames, none refused by QEMU" \
		test "$(json_get "$ARTIFACTS/peer-tx.json" sent)/$(json_get "$ARTIFACTS/peer-tx.json" refused)" = 10000/0

	peer_bg "$ARTIFACTS/peer-rx.json" --expect 10000 --idle 5 --timeout 60 --json || return 1
	ppid=$PEER_PID
	tell_guest TX_GO
	wait $ppid
	tell_guest PEER_DONE
	local f=$ARTIFACTS/peer-rx.json
	is "$(json_get "$f" valid)" 10000 "peer received all 10000 frames the guest sent"
	is "$(json_get "$f" lost)/$(json_get "$f" dup)/$(json_get "$f" reorder)" 0/0/0 \
		"peer: 0 lost / 0 duplicated / 0 reordered"

	# The guest reader's verdict, read back from its JSON.
	wait_guest_value rx_valid 30
	is "$(guest_value rx_valid)" 10000 "guest stack received all 10000 frames the peer sent"
}
