# Netmap mode on livemap_e1000 (switch_mode=reset): pkt-gen receives
# 100,000 numbered frames from the peer on netmap:eth0 and sends 100,000
# back, none lost, duplicated or reordered; the NIC returns to the stack
# when pkt-gen exits and after a SIGKILL; unload with a port held is safe.
DESC="livemap_e1000 netmap mode: rxseq/txseq 100,000 frames, SIGKILL, unload while held"
NICS="e1000"
TIMEOUT=300
# The highest rate the stack path also sustains: bench/switch.d/stack-rate.sh
# measured livemap_e1000's stack mode loss-free at 20,000 frames/s on this
# machine (30,000/s: QEMU refused frames); see bench/switch.d/results.md.
RATE=${RATE:-20000}

guest() {
	cat <<EOF2
RATE=$RATE
EOF2
	cat <<'EOF2'
carrier_up() { wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]'; }
check "livemap core loads" lm_insmod livemap
check "livemap_e1000 loads (switch_mode=reset)" lm_insmod livemap_e1000 switch_mode=reset
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
check "eth0 has carrier" carrier_up

# rx: netmap:eth0 (all NIC rings); the switch resets the device, so wait
# for carrier and QEMU's 1 s rx hold before the peer starts.
pkt-gen -f rxseq -i netmap:eth0 -n 100000 --idle 5 -d 200 -T 0 --json >/tmp/nmrx.json 2>/tmp/nmrx.err &
rxpid=$!
usleep 500000
check "rx: carrier back in netmap mode" carrier_up
usleep 1500000
tell RX_READY
wait $rxpid
check "pkt-gen rxseq exits 0" test $? = 0
send_file /tmp/nmrx.json nmrx.json
send_file /tmp/nmrx.err nmrx.err
value nm_rx_valid "$(grep -o '"valid":[0-9]*' /tmp/nmrx.json | tail -n 1 | cut -d: -f2)"
value nm_rx_lost "$(grep -o '"lost":[0-9]*' /tmp/nmrx.json | tail -n 1 | cut -d: -f2)"
value nm_rx_dup "$(grep -o '"dup":[0-9]*' /tmp/nmrx.json | tail -n 1 | cut -d: -f2)"
value nm_rx_reorder "$(grep -o '"reorder":[0-9]*' /tmp/nmrx.json | tail -n 1 | cut -d: -f2)"
check "back to the stack: carrier" carrier_up

# tx
wait_for TX_GO 60
# -b 128: pkt-gen paces -R per burst, and a burst must fit the 256-slot ring
check "pkt-gen txseq sends 100000 frames" pkt-gen -f txseq -i netmap:eth0 -n 100000 -R $RATE -b 128 \
	-T 0 --json --dst 02:00:00:00:00:01 >/tmp/nmtx.json 2>/tmp/nmtx.err
send_file /tmp/nmtx.json nmtx.json
send_file /tmp/nmtx.err nmtx.err
wait_for PEER_DONE 120
check "back to the stack after tx: carrier" carrier_up

# pong on netmap:eth0 answers the peer's numbered frames
pkt-gen -f pong -i netmap:eth0 -d 60 -T 0 --json >/tmp/pong.json 2>&1 &
ppid=$!
usleep 500000
check "pong: carrier" carrier_up
usleep 1500000
tell PONG_READY
wait_for PONG_DONE 90
kill $ppid
wait $ppid
send_file /tmp/pong.json pong.json
check "after pong: carrier" carrier_up

# SIGKILL of the application returns the NIC to the stack
pkt-gen -f rx -i netmap:eth0 -d 100 -T 0 >/dev/null 2>&1 &
kpid=$!
usleep 1500000
kill -9 $kpid
wait $kpid
check "after SIGKILL: carrier" carrier_up
usleep 1500000
lm-afp rx -i eth0 --count 100 --idle 5 --timeout 30 --json --ready-file /tmp/k.ready >/tmp/k.json &
apid=$!
check "stack reader ready" wait_until 10 test -e /tmp/k.ready
tell KILL_READY
wait $apid
is "$(grep -o '"valid":[0-9]*' /tmp/k.json | tail -n 1 | cut -d: -f2)" 100 \
	"after SIGKILL the stack receives again (100 of 100)"

# unload while an application holds the port: the port is taken back
pkt-gen -f rx -i netmap:eth0 -d 100 -T 0 >/tmp/held.out 2>&1 &
hpid=$!
usleep 1500000
check "livemap_e1000 unloads while the port is held" rmmod livemap_e1000
check "eth0 is gone" test ! -e /sys/class/net/eth0
kill $hpid 2>/dev/null
wait $hpid
check "livemap core unloads" rmmod livemap
EOF2
}

host() {
	local f
	wait_guest RX_READY 90 || return 1
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send 100000 --rate $RATE --stream 1 \
		--dst "$NIC0_MAC" --timeout 120 --json >"$VMDIR/peer-tx.json"
	f=$VMDIR/peer-tx.json
	cp "$f" "$ARTIFACTS/" 2>/dev/null
	is "$(json_get "$f" sent)/$(json_get "$f" refused)" 100000/0 \
		"peer: 100000 frames at $RATE/s, none refused by QEMU"
	wait_guest_value nm_rx_reorder 60
	is "$(guest_value nm_rx_valid)" 100000 "netmap rxseq received all 100000 frames"
	is "$(guest_value nm_rx_lost)/$(guest_value nm_rx_dup)/$(guest_value nm_rx_reorder)" 0/0/0 \
		"netmap rxseq: 0 lost / 0 duplicated / 0 reordered"

	peer_bg "$VMDIR/peer-rx.json" --expect 100000 --idle 10 --timeout 150 --json || return 1
	ppid=$PEER_PID
	tell_guest TX_GO
	wait $ppid
	tell_guest PEER_DONE
	f=$VMDIR/peer-rx.json
	cp "$f" "$ARTIFACTS/" 2>/dev/null
	is "$(json_get "$f" valid)" 100000 "peer received all 100000 frames of txseq"
	is "$(json_get "$f" lost)/$(json_get "$f" dup)/$(json_get "$f" reorder)" 0/0/0 \
		"peer: 0 lost / 0 duplicated / 0 reordered"

	wait_guest PONG_READY 60 || return 1
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send 5000 --rate 2000 --expect 5000 --idle 5 \
		--dst "$NIC0_MAC" --timeout 60 --json >"$VMDIR/peer-pong.json"
	tell_guest PONG_DONE
	f=$VMDIR/peer-pong.json
	cp "$f" "$ARTIFACTS/" 2>/dev/null
	is "$(json_get "$f" refused)/$(json_get "$f" valid)" 0/5000 \
		"pong on netmap:eth0 echoed all 5000 frames of the peer"
	is "$(json_get "$f" lost)/$(json_get "$f" dup)/$(json_get "$f" reorder)" 0/0/0 \
		"echoes: 0 lost / 0 duplicated / 0 reordered"

	wait_guest KILL_READY 90 || return 1
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send 100 --rate 1000 --on-full block \
		--dst "$NIC0_MAC" --timeout 30 --json >"$VMDIR/peer-k.json"
}
