# Bad wire input: the peer mixes runts, 9000-byte frames, random bytes and
# damaged frames of ours into a valid numbered stream.  Every valid frame
# must arrive, the rest be counted (by the device or by the driver), and the
# kernel stay quiet.  Run twice: at MTU 1500 the device itself refuses the
# 9000-byte frames (no long-packet mode); at MTU 3000 (4 KiB buffers,
# long packets on) they span three descriptors and the driver drops them.
DESC="livemap_e1000: junk mixed into a valid stream is counted and dropped"
NICS="e1000"
TIMEOUT=200

guest() {
	cat <<'EOF2'
st() { e1000_ethtool -s eth0 "$1"; }
check "livemap core loads" lm_insmod livemap
check "livemap_e1000 loads" lm_insmod livemap_e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
for mtu in 1500 3000; do
	ip link set eth0 mtu $mtu
	ip link set eth0 up
	check "MTU $mtu: carrier" wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]'
	usleep 1200000		# QEMU's 1 s rx hold after the RCTL write
	span0=$(st rx_spanning); roc0=$(st hw_rx_oversize)
	lm-afp rx -i eth0 --all --count 5000 --idle 5 --timeout 60 --json \
		--ready-file /tmp/rx$mtu.ready >/tmp/rx$mtu.json &
	rxpid=$!
	check "MTU $mtu: reader ready" wait_until 10 test -e /tmp/rx$mtu.ready
	tell "GO_$mtu"
	wait $rxpid
	send_file /tmp/rx$mtu.json rx$mtu.json
	value "valid_$mtu" "$(grep -o '"valid":[0-9]*' /tmp/rx$mtu.json | tail -n 1 | cut -d: -f2)"
	value "lost_$mtu" "$(grep -o '"lost":[0-9]*' /tmp/rx$mtu.json | tail -n 1 | cut -d: -f2)"
	wait_for "DONE_$mtu" 60
	span=$(( $(st rx_spanning) - span0 )); roc=$(( $(st hw_rx_oversize) - roc0 ))
	value "roc_$mtu" "$roc"
	value "span_$mtu" "$span"
	tell "COUNTED_$mtu"
	e1000_ethtool -S eth0 >/tmp/stats$mtu.txt
	send_file /tmp/stats$mtu.txt ethtool-S-$mtu.txt
	ip link set eth0 down
done
check "livemap_e1000 unloads" rmmod livemap_e1000
check "livemap core unloads" rmmod livemap
EOF2
}

host() {
	local mtu f
	for mtu in 1500 3000; do
		wait_guest "GO_$mtu" 60 || return 1
		# 5000 valid frames, one junk frame after every 5: 1000 junk,
		# kinds in turn (runt, jumbo, random, ethertype, corrupt, badmagic).
		"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send 5000 --rate 2000 \
			--junk 5 --on-full block --dst "$NIC0_MAC" --timeout 60 --json \
			>"$VMDIR/peer-$mtu.json"
		cp "$VMDIR/peer-$mtu.json" "$ARTIFACTS/" 2>/dev/null
		f=$VMDIR/peer-$mtu.json
		is "$(json_get "$f" sent)" 5000 "MTU $mtu: peer sent 5000 valid frames"
		wait_guest_value "lost_$mtu" 60
		is "$(guest_value "valid_$mtu")/$(guest_value "lost_$mtu")" 5000/0 \
			"MTU $mtu: every valid frame arrived, none lost"
		tell_guest "DONE_$mtu"
		wait_guest "COUNTED_$mtu" 30 || return 1
		local jumbo roc span
		jumbo=$(json_get "$f" junk_jumbo)
		roc=$(guest_value "roc_$mtu")
		span=$(guest_value "span_$mtu")
		diag "MTU $mtu: $jumbo jumbo frames sent; refused by the device $roc, dropped as spanning $span"
		if [ "$mtu" = 1500 ]; then
			is "$roc/$span" "$jumbo/0" "MTU 1500: the device refuses every jumbo frame (ROC)"
		else
			is "$roc/$span" "0/$jumbo" "MTU 3000: the driver drops every spanning jumbo frame"
		fi
	done
}
