# Throughput of livemap_e1000, stack (AF_PACKET) vs netmap mode, 60-byte
# frames, same guest, same run.  The peer sends as fast as QEMU takes frames
# (--on-full block: the receiver's pace sets the rate, nothing is lost), so
# rx rate = frames / the peer's sending time; tx rate = frames / the
# sender's active time.  Asserted: exactly-once delivery; the rates are printed
# (a test never asserts time).
DESC="livemap_e1000: rx/tx frames/s, AF_PACKET vs netmap (figures, exactly-once asserted)"
NICS="e1000"
TIMEOUT=400
N=100000

guest() {
	cat <<'EOF2'
N=100000
carrier_up() { wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]'; }
jget() { grep -o "\"$2\":[0-9.]*" "$1" | tail -n 1 | cut -d: -f2; }
check "livemap core loads" lm_insmod livemap
check "livemap_e1000 loads" lm_insmod livemap_e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
check "eth0 has carrier" carrier_up
usleep 1200000

lm-afp rx -i eth0 --count $N --idle 5 --timeout 120 --json --ready-file /tmp/a.ready >/tmp/afp-rx.json &
p=$!
check "AF_PACKET reader ready" wait_until 10 test -e /tmp/a.ready
tell AFP_RX
wait $p
value afp_rx_valid "$(jget /tmp/afp-rx.json valid)"

pkt-gen -f rxseq -i netmap:eth0 -n $N --idle 5 -d 150 -T 0 --json >/tmp/nm-rx.json 2>&1 &
p=$!
usleep 500000
check "netmap rx: carrier" carrier_up
usleep 1500000
tell NM_RX
wait $p
value nm_rx_valid "$(jget /tmp/nm-rx.json valid)"
value nm_rx_pps "$(jget /tmp/nm-rx.json pps)"
check "back to the stack" carrier_up
usleep 1200000

wait_for AFP_TX 60
lm-afp tx -i eth0 -n $N -R 0 --json >/tmp/afp-tx.json
value afp_tx_ms "$(jget /tmp/afp-tx.json elapsed_ms)"
wait_for AFP_TX_DONE 120

wait_for NM_TX 60
pkt-gen -f txseq -i netmap:eth0 -n $N -b 128 -T 0 --json >/tmp/nm-tx.json 2>&1
value nm_tx_pps "$(jget /tmp/nm-tx.json pps)"
wait_for NM_TX_DONE 120
for f in afp-rx nm-rx afp-tx nm-tx; do send_file /tmp/$f.json $f.json; done
tell GUEST_DONE
check "livemap_e1000 unloads" rmmod livemap_e1000
check "livemap core unloads" rmmod livemap
EOF2
}

# rate FILE: frames per second of a peer run (sent or received over its time).
_rate() { awk -v n="$1" -v ms="$2" 'BEGIN { if (ms > 0) printf "%d", n * 1000 / ms; else print "n/a" }'; }

host() {
	local f r afp_rx nm_rx afp_tx nm_tx
	for r in AFP_RX NM_RX; do
		wait_guest $r 90 || return 1
		f=$VMDIR/peer-$r.json
		"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send $N --rate 0 --stream 1 \
			--on-full block --dst "$NIC0_MAC" --timeout 150 --json >"$f"
		cp "$f" "$ARTIFACTS/" 2>/dev/null
		is "$(json_get "$f" sent)/$(json_get "$f" refused)" "$N/0" "$r: peer sent $N frames, none refused"
	done
	afp_rx=$(_rate "$N" "$(json_get "$VMDIR/peer-AFP_RX.json" elapsed_ms)")
	nm_rx=$(_rate "$N" "$(json_get "$VMDIR/peer-NM_RX.json" elapsed_ms)")
	local deadline=$((SECONDS + 60))
	until [ -n "$(guest_value nm_rx_pps)" ] || ((SECONDS > deadline)); do sleep 0.1; done
	is "$(guest_value afp_rx_valid)/$(guest_value nm_rx_valid)" "$N/$N" "every frame reached the stack / the application"

	for r in AFP_TX NM_TX; do
		f=$VMDIR/peer-$r.json
		"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --expect $N --idle 5 --timeout 150 \
			--json >"$f" &
		local ppid=$!
		deadline=$((SECONDS + 10))
		until [ -S "$NIC0_PEER" ] || ((SECONDS > deadline)); do sleep 0.05; done
		tell_guest $r
		wait $ppid
		tell_guest "${r}_DONE"
		cp "$f" "$ARTIFACTS/" 2>/dev/null
		is "$(json_get "$f" valid)/$(json_get "$f" lost)" "$N/0" "$r: peer received all $N frames"
	done
	wait_guest GUEST_DONE 60
	# tx: the sender's own time (the peer's window includes its idle
	# timeout): lm-afp tx's elapsed time, pkt-gen's active pps.
	afp_tx=$(_rate "$N" "$(guest_value afp_tx_ms)")
	nm_tx=$(guest_value nm_tx_pps)
	diag "rx frames/s: AF_PACKET $afp_rx, netmap $nm_rx (pkt-gen active: $(guest_value nm_rx_pps))"
	diag "tx frames/s: AF_PACKET $afp_tx, netmap $nm_tx"
	printf 'rx_afp %s\nrx_netmap %s\ntx_afp %s\ntx_netmap %s\n' "$afp_rx" "$nm_rx" "$afp_tx" "$nm_tx" \
		>"$ARTIFACTS/rates.txt"
}
