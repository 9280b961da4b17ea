# Issue 4 acceptance, stack mode: livemap_e1000 carries the host peer's
# numbered stream both ways, 10,000 frames each way at 2,000/s, none lost,
# duplicated or reordered (the same test the in-tree e1000 passes).
DESC="livemap_e1000: 10,000 frames each way at 2,000/s, none lost"
NICS="e1000"
TIMEOUT=180

guest() {
	cat <<'EOF2'
check "livemap core loads" lm_insmod livemap
check "livemap_e1000 loads" lm_insmod livemap_e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
check "eth0 has carrier" wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]'
# QEMU holds rx for 1 s after the RCTL write of open (frames wait at the peer).
usleep 1200000

lm-afp rx -i eth0 --count 10000 --idle 5 --timeout 60 --json --ready-file /tmp/rx.ready >/tmp/rx.json &
rxpid=$!
check "AF_PACKET reader is ready" wait_until 10 test -e /tmp/rx.ready
tell RX_READY
wait $rxpid
check "lm-afp rx exits 0" test $? = 0
send_file /tmp/rx.json rx.json
value rx_valid "$(grep -o '"valid":[0-9]*' /tmp/rx.json | tail -n 1 | cut -d: -f2)"
value rx_lost "$(grep -o '"lost":[0-9]*' /tmp/rx.json | tail -n 1 | cut -d: -f2)"

wait_for TX_GO 30
check "lm-afp tx sends 10000 frames at 2000/s" lm-afp tx -i eth0 -n 10000 -R 2000 --json >/tmp/tx.json
send_file /tmp/tx.json tx.json
wait_for PEER_DONE 60
e1000_ethtool -S eth0 >/tmp/stats.txt
send_file /tmp/stats.txt ethtool-S.txt
is "$(e1000_ethtool -s eth0 rx_alloc_failed)/$(e1000_ethtool -s eth0 tx_dma_failed)" 0/0 \
	"no allocation or mapping failure"
check "livemap_e1000 unloads" rmmod livemap_e1000
check "livemap core unloads" rmmod livemap
EOF2
}

host() {
	wait_guest RX_READY 60 || return 1
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send 10000 --rate 2000 \
		--dst "$NIC0_MAC" --timeout 30 --json >"$VMDIR/peer-tx.json"
	cp "$VMDIR/peer-tx.json" "$ARTIFACTS/" 2>/dev/null
	check "peer: sent 10000 frames, none refused by QEMU" \
		test "$(json_get "$VMDIR/peer-tx.json" sent)/$(json_get "$VMDIR/peer-tx.json" refused)" = 10000/0

	peer_bg "$VMDIR/peer-rx.json" --expect 10000 --idle 5 --timeout 60 --json || return 1
	ppid=$PEER_PID
	tell_guest TX_GO
	wait $ppid
	tell_guest PEER_DONE
	local f=$VMDIR/peer-rx.json
	cp "$f" "$ARTIFACTS/" 2>/dev/null
	is "$(json_get "$f" valid)" 10000 "peer received all 10000 frames the guest sent"
	is "$(json_get "$f" lost)/$(json_get "$f" dup)/$(json_get "$f" reorder)" 0/0/0 \
		"peer: 0 lost / 0 duplicated / 0 reordered"

	wait_guest_value rx_lost 30
	is "$(guest_value rx_valid)" 10000 "guest stack received all 10000 frames the peer sent"
	is "$(guest_value rx_lost)" 0 "guest reader: 0 lost"
}
