# ip link set down/up while pkt-gen holds netmap:eth0: the rings freeze
# while down (syncs make no progress, nothing crashes) and restart from the
# kring's own indices on up, so the application keeps receiving: the tail
# of the stream arrives, nothing is duplicated or reordered.
DESC="livemap_e1000: down/up under a netmap application, reception resumes"
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
pkt-gen -f rxseq -i netmap:eth0 --idle 6 -d 120 -T 0 --json >/tmp/r.json 2>/tmp/r.err &
rxpid=$!
usleep 500000
check "carrier in netmap mode" carrier_up
usleep 1500000
tell GO
usleep 3000000
check "ip link set down under the application" ip link set eth0 down
usleep 300000
check "ip link set up" ip link set eth0 up
check "carrier back" carrier_up
wait $rxpid
send_file /tmp/r.json r.json
send_file /tmp/r.err r.err
value last "$(grep -o '"last":[0-9]*' /tmp/r.json | tail -n 1 | cut -d: -f2)"
value dup "$(grep -o '"dup":[0-9]*' /tmp/r.json | tail -n 1 | cut -d: -f2)"
value reorder "$(grep -o '"reorder":[0-9]*' /tmp/r.json | tail -n 1 | cut -d: -f2)"
value valid "$(grep -o '"valid":[0-9]*' /tmp/r.json | tail -n 1 | cut -d: -f2)"
check "back to the stack: carrier" carrier_up
check "livemap_e1000 unloads" rmmod livemap_e1000
check "livemap core unloads" rmmod livemap
EOF2
}

host() {
	wait_guest GO 60 || return 1
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send 20000 --rate 2000 --stream 1 \
		--dst "$NIC0_MAC" --timeout 60 --json >"$VMDIR/peer.json"
	cp "$VMDIR/peer.json" "$ARTIFACTS/" 2>/dev/null
	wait_guest_value valid 60
	local sent refused
	sent=$(json_get "$VMDIR/peer.json" sent)
	refused=$(json_get "$VMDIR/peer.json" refused)
	diag "peer sent $sent, refused $refused (QEMU held rx around the reset); app got $(guest_value valid)"
	is "$(guest_value last)" 19999 "the stream's tail reached the application after down/up"
	is "$(guest_value dup)/$(guest_value reorder)" 0/0 "no frame duplicated or reordered"
	check "the application got at least half the stream" test "$(guest_value valid)" -ge 10000
}
