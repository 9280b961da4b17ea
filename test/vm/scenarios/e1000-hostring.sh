# Host rings on livemap_e1000: the bridge tool joins netmap:eth0 (the NIC)
# and netmap:eth0^ (the host stack) so the guest's stack keeps talking to
# the wire through an application: peer -> NIC rx -> bridge -> host tx ring
# -> stack, and stack -> host rx ring -> bridge -> NIC tx -> peer.  The two
# ports share memory, so the bridge swaps buffers (NS_BUF_CHANGED).
DESC="livemap_e1000 host rings: the stack reaches the wire through bridge netmap:eth0 <-> eth0^"
NICS="e1000"
TIMEOUT=200

guest() {
	cat <<'EOF2'
carrier_up() { wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]'; }
check "livemap core loads" lm_insmod livemap
check "livemap_e1000 loads" lm_insmod livemap_e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
check "eth0 has carrier" carrier_up
bridge -i netmap:eth0 -i netmap:eth0^ -d 120 --json >/tmp/br.json 2>/tmp/br.err &
brpid=$!
usleep 800000
check "carrier with the bridge running" carrier_up
usleep 1500000		# QEMU's 1 s rx hold after the switch's RCTL write
lm-afp rx -i eth0 --count 2000 --idle 5 --timeout 60 --json --ready-file /tmp/rx.ready >/tmp/rx.json &
rxpid=$!
check "stack reader ready" wait_until 10 test -e /tmp/rx.ready
tell RX_READY
wait $rxpid
send_file /tmp/rx.json rx.json
is "$(grep -o '"valid":[0-9]*' /tmp/rx.json | tail -n 1 | cut -d: -f2)" 2000 \
	"the stack received all 2000 frames through NIC rx -> bridge -> host tx ring"
wait_for TX_GO 30
check "stack sends 2000 frames" lm-afp tx -i eth0 -n 2000 -R 2000 --json >/tmp/tx.json
wait_for PEER_DONE 60
kill $brpid
wait $brpid
send_file /tmp/br.json br.json
send_file /tmp/br.err br.err
check "back to the stack: carrier" carrier_up
check "livemap_e1000 unloads" rmmod livemap_e1000
check "livemap core unloads" rmmod livemap
EOF2
}

host() {
	wait_guest RX_READY 60 || return 1
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send 2000 --rate 2000 \
		--dst "$NIC0_MAC" --timeout 30 --json >"$VMDIR/peer-tx.json"
	is "$(json_get "$VMDIR/peer-tx.json" refused)" 0 "peer: none refused by QEMU"
	peer_bg "$VMDIR/peer-rx.json" --expect 2000 --idle 5 --timeout 60 --json || return 1
	ppid=$PEER_PID
	tell_guest TX_GO
	wait $ppid
	tell_guest PEER_DONE
	local f=$VMDIR/peer-rx.json
	cp "$f" "$ARTIFACTS/" 2>/dev/null
	is "$(json_get "$f" valid)" 2000 "peer received all 2000 frames: stack -> host rx ring -> bridge -> NIC tx"
	is "$(json_get "$f" lost)/$(json_get "$f" dup)/$(json_get "$f" reorder)" 0/0/0 \
		"peer: 0 lost / 0 duplicated / 0 reordered"
}
