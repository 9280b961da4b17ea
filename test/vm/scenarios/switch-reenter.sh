# The hitless switch re-entered at once after a graceful exit, under a
# 2,000 frames/s stream: the previous exit's lent rx buffers are still
# being converted back by stack-mode NAPI (~130 ms at this rate) when the
# next register prepares its spares.  That overlap once freed spares twice
# (kernel BUG at mm/slub.c:419, or skb_over_panic in NAPI, cycle 2): spares
# were handed to the driver's array while NAPI popped it.  switch-hitless
# pauses 0.5 s between cycles and never saw it.
#
# Two passes of 15 cycles, one per spare policy of livemap_e1000:
# spare_reserve=1 (default: ring - 1 spares held in stack mode, topped up
# by NAPI as an exit's conversions use them) and spare_reserve=0 (spares
# allocated by each register call).  Asserted per pass: every cycle's
# rxseq run clean (exit 0: no gap, duplicate or corrupt frame within its
# own period), carrier_changes unchanged, the spare count the policy
# promises (full at ifup and again once NAPI has run after the last exit;
# none beyond the lent slots without a reserve), nothing lent or in use
# after the last exit beyond what the ring still holds, clean unload.
DESC="hitless switch re-entered right after each exit, 2 x 15 cycles (both spare policies) under 2,000 frames/s"
NICS="e1000"
TIMEOUT=180
SMOKE=1

guest() {
	cat <<'EOF2'
check "livemap loads" lm_insmod livemap || exit 1
spares() { e1000_ethtool -s eth0 lm_spares; }
spares_are() { [ "$(spares)" = "$1" ]; }
for reserve in 1 0; do
	check "livemap_e1000 loads (spare_reserve=$reserve)" lm_insmod livemap_e1000 spare_reserve=$reserve || exit 1
	ip link set eth0 up
	check "eth0 has carrier" wait_until 10 has_carrier eth0
	ring=$(e1000_ethtool -g eth0 | cut -d' ' -f2)
	want=$(( reserve ? ring - 1 : 0 ))
	is "$(spares)" "$want" "spare_reserve=$reserve: $want spares after ifup"
	usleep 1200000		# QEMU's e1000 holds rx for 1 s after open's RCTL write
	cc0=$(cat /sys/class/net/eth0/carrier_changes)
	tell "RX_READY$reserve"
	wait_for "STREAMING$reserve" 60 || exit 1
	usleep 300000
	c=1 bad=0 frames=0
	while [ $c -le 15 ]; do
		echo "<5>switch-reenter: spare_reserve=$reserve cycle $c" >/dev/kmsg
		pkt-gen -f rxseq -i netmap:eth0 -s 1 -T 0 -d 0.2 --json >/tmp/pg.json 2>/tmp/pg.err
		rc=$?
		[ $rc = 0 ] || { bad=$((bad + 1)); diag "cycle $c: pkt-gen exit $rc: $(tail -n 1 /tmp/pg.err)"; }
		n=$(grep -o '"valid":[0-9]*' /tmp/pg.json | tail -n 1 | cut -d: -f2)
		frames=$((frames + ${n:-0}))
		c=$((c + 1))
	done
	is "$bad" 0 "spare_reserve=$reserve: 15 back-to-back enter/exit cycles, every rxseq period clean"
	check "the app received frames in netmap mode ($frames)" test "$frames" -gt 1500
	is "$(cat /sys/class/net/eth0/carrier_changes)" "$cc0" "carrier_changes unchanged"
	# The stream goes on: the last exit's lent slots convert, each on a
	# spare, and (with the reserve) NAPI tops the reserve up again.
	if [ "$reserve" = 1 ]; then
		check "after the last exit NAPI refilled the reserve to $want" \
			wait_until 10 spares_are "$want"
	else
		check "without a reserve the last exit's conversions used up every spare" \
			wait_until 10 spares_are 0
	fi
	tell "CYCLES_DONE$reserve"
	wait_for "PEER_DONE$reserve" 60
	is "$(stat_of rings_in_use)/$(stat_of ifs_in_use)" 0/0 "no ring or if left after the last exit"
	is_lent_only "every buffer in use is one the NIC holds lent"
	check "livemap_e1000 unloads" rmmod livemap_e1000
	is "$(stat_of bufs_in_use)/$(stat_of bufs_lent)" 0/0 "after unload: nothing lent, nothing in use"
done
check "livemap unloads" rmmod livemap
EOF2
}

host() {
	local r
	for r in 1 0; do
		wait_guest "RX_READY$r" 120 || return 1
		peer_bg "$ARTIFACTS/peer$r.json" --send 1000000000 --rate 2000 --stream 1 \
			--dst "$NIC0_MAC" --timeout "$TIMEOUT" --json || return 1
		tell_guest "STREAMING$r"
		wait_guest "CYCLES_DONE$r" "$TIMEOUT"
		kill -INT "$PEER_PID"
		wait "$PEER_PID"
		tell_guest "PEER_DONE$r"
	done
}
