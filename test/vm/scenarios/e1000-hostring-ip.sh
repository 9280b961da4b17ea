# Host rings keep the guest's IP stack reachable (issue 4): with eth0 in
# netmap mode, the bridge tool between netmap:eth0 (the NIC) and
# netmap:eth0^ (the host stack) is the only way between the wire and the
# stack.  The host peer talks IPv4 to the guest through it: it resolves the
# guest's MAC by ARP, sends PINGS ICMP echo requests at PING_RATE/s and
# must get every reply; meanwhile the guest re-checks the peer's MAC (its
# own ARP request) and pings the peer, so the guest's ARP request and echo
# requests cross the bridge too.  The bridge's counters must show the frames in both
# directions.
#
# Control: first, eth0 is held in netmap mode by `pkt-gen -f rx` with no
# bridge.  The same ARP and echo requests must then go unanswered while
# pkt-gen counts them arriving: the replies above really came through the
# bridge, not around it.
DESC="livemap_e1000 host rings: the guest's IPv4 stack answers ARP + ICMP through bridge netmap:eth0 <-> eth0^"
NICS="e1000"
TIMEOUT=150
PINGS=${PINGS:-250}		# 5 s at 50/s: long enough for the guest's own pings
PING_RATE=${PING_RATE:-50}
GUEST_IP=10.0.0.2
PEER_IP=10.0.0.1

guest() {
	cat <<EOF2
GUEST_IP=$GUEST_IP
PEER_IP=$PEER_IP
EOF2
	cat <<'EOF2'
# icmp_count NAME: one counter of the Icmp line of /proc/net/snmp.
icmp_count() {
	awk -v k="$1" '$1 == "Icmp:" { if (!n) { n = split($0, h) } else for (i = 2; i <= n; i++) if (h[i] == k) print $i }' /proc/net/snmp
}

check "livemap core loads" lm_insmod livemap
check "livemap_e1000 loads" lm_insmod livemap_e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
check "eth0 gets $GUEST_IP/24" ip addr add "$GUEST_IP/24" dev eth0
check "eth0 has carrier" wait_until 10 has_carrier eth0

# Control: eth0 held in netmap mode, nothing bridges it to the stack.
pkt-gen -f rx -i netmap:eth0 -d 100 -T 0 --json >/tmp/hold.json 2>/tmp/hold.err &
hpid=$!
usleep 800000
check "held: carrier" wait_until 10 has_carrier eth0
usleep 1500000		# QEMU's 1 s rx hold if the switch wrote RCTL (reset mode)
tell HOLD_READY
wait_for HOLD_DONE 60
kill -INT $hpid
wait $hpid
send_file /tmp/hold.json hold.json
value hold_pkts "$(grep -o '"pkts":[0-9]*' /tmp/hold.json | tail -n 1 | cut -d: -f2)"

# The guest's own ARP request: the peer's ARP request leaves a STALE entry
# for the peer; the first reply sent through it moves it to DELAY and,
# 1 s later (not 5), the stack probes the peer's MAC with a unicast ARP
# request, through the bridge.  Not `ip neigh flush` mid-stream: deleting
# an entry in use drops what is queued on it or on its way through it (a
# CI run: the stack counted 250 OutEchoReps, the host ring got 249, no
# host_drops).
check "neighbour probe after 1 s in DELAY" \
	sh -c 'echo 1 >/proc/sys/net/ipv4/neigh/eth0/delay_first_probe_time'
# The bridge: NIC rx -> host tx ring -> stack, stack -> host rx ring -> NIC tx.
hd0=$(stats_of host_drops host_tx_drops)
ie0=$(icmp_count InEchos)
or0=$(icmp_count OutEchoReps)
tx0=$(cat /sys/class/net/eth0/statistics/tx_packets)
bridge -i netmap:eth0 -i netmap:eth0^ -d 120 --json >/tmp/br.json 2>/tmp/br.err &
brpid=$!
usleep 800000
check "bridged: carrier" wait_until 10 has_carrier eth0
usleep 1500000
tell BR_READY
wait_for PEER_PINGING 30
usleep 500000
check "the guest pings the peer through the bridge" ping -c 3 -w 5 "$PEER_IP"
wait_for PEER_DONE 60
# Where a missing reply was lost: the stack's own counters, the host rings'.
value in_echos $(($(icmp_count InEchos) - ie0))
value out_echo_reps $(($(icmp_count OutEchoReps) - or0))
hd1=$(stats_of host_drops host_tx_drops)
value host_drops $((${hd1%/*} - ${hd0%/*}))
value host_tx_drops $((${hd1#*/} - ${hd0#*/}))
value nic_tx $(($(cat /sys/class/net/eth0/statistics/tx_packets) - tx0))
kill -INT $brpid
wait $brpid
send_file /tmp/br.json br.json
send_file /tmp/br.err br.err
value br_a_to_b "$(grep -o '"a_to_b":{"pkts":[0-9]*' /tmp/br.json | tail -n 1 | grep -o '[0-9]*$')"
value br_b_to_a "$(grep -o '"b_to_a":{"pkts":[0-9]*' /tmp/br.json | tail -n 1 | grep -o '[0-9]*$')"
check "back to the stack: carrier" wait_until 10 has_carrier eth0
check "livemap_e1000 unloads" rmmod livemap_e1000
check "livemap core unloads" rmmod livemap
EOF2
}

# ping_peer OUT ARGS...: the peer in ping mode from PEER_IP to GUEST_IP.
ping_peer() {
	local out=$1
	shift
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --ping $GUEST_IP --ip $PEER_IP --json "$@" >"$out"
}

host() {
	local f n sent replies
	local interval=$((1000 / PING_RATE))

	# Control: ARP unanswered, then echo requests (sent to the known MAC) unanswered.
	wait_guest HOLD_READY 60 || return 1
	f=$VMDIR/hold-arp.json
	ping_peer "$f" --count 10 --interval "$interval" --timeout 2
	cp "$f" "$ARTIFACTS/"
	is "$(grep -o '"arp_resolved":[a-z]*' "$f")/$(json_get "$f" sent)" '"arp_resolved":false/0' \
		"held without a bridge: the guest's ARP reply never comes, no echo request sent"
	n=$(json_get "$f" arp_requests)
	f=$VMDIR/hold-echo.json
	ping_peer "$f" --to-mac "$NIC0_MAC" --count 20 --interval "$interval" --idle 1 --timeout 10
	cp "$f" "$ARTIFACTS/"
	is "$(json_get "$f" sent)/$(json_get "$f" replies)" 20/0 \
		"held without a bridge: 20 echo requests to the guest's MAC, 0 replies"
	n=$((n + $(json_get "$f" tx_frames)))
	tell_guest HOLD_DONE
	wait_guest_value hold_pkts 30
	is "$(guest_value hold_pkts)" "$n" \
		"...while pkt-gen on netmap:eth0 received exactly the $n frames the peer sent"

	# Through the bridge.
	wait_guest BR_READY 60 || return 1
	f=$VMDIR/ping.json
	peer_bg "$f" --ping $GUEST_IP --ip $PEER_IP --count "$PINGS" --interval "$interval" \
		--idle 3 --timeout 60 --json || return 1
	tell_guest PEER_PINGING
	wait $PEER_PID
	tell_guest PEER_DONE
	cp "$f" "$ARTIFACTS/"
	grep -q '"arp_resolved":true' "$f"
	check "the peer resolved $GUEST_IP by ARP through the bridge" test $? = 0
	is "$(grep -o '"guest_mac":"[^"]*"' "$f" | cut -d'"' -f4)" "$NIC0_MAC" \
		"...to the guest NIC's MAC"
	sent=$(json_get "$f" sent)
	replies=$(json_get "$f" replies)
	is "$sent/$(json_get "$f" refused)" "$PINGS/0" "peer: $PINGS echo requests sent, none refused"
	is "$replies" "$sent" "every echo request answered by the guest's stack ($replies of $sent)"
	is "$(json_get "$f" lost)/$(json_get "$f" dup)/$(json_get "$f" corrupt)" 0/0/0 \
		"echo replies: 0 lost / 0 duplicated / 0 corrupt"
	check "the guest's own ARP request for $PEER_IP was answered" \
		test "$(json_get "$f" arp_answered)" -ge 1
	check "the guest's pings were answered" test "$(json_get "$f" echo_answered)" -ge 3
	wait_guest_value host_tx_drops 30
	is "$(guest_value in_echos)/$(guest_value out_echo_reps)" "$sent/$sent" \
		"the guest's stack counted $sent echo requests in, $sent replies out (Icmp InEchos/OutEchoReps)"
	is "$(guest_value host_drops)/$(guest_value host_tx_drops)" 0/0 \
		"no frame dropped between the host rings and the stack (host_drops/host_tx_drops)"
	diag "rtt min/avg/max $(json_get "$f" rtt_min_ms)/$(json_get "$f" rtt_avg_ms)/$(json_get "$f" rtt_max_ms) ms"

	wait_guest_value br_b_to_a 60
	diag "bridge: NIC -> host $(guest_value br_a_to_b) frames, host -> NIC $(guest_value br_b_to_a) (NIC sent $(guest_value nic_tx)); peer sent $(json_get "$f" tx_frames), received $(json_get "$f" frames)"
	# Nothing but the peer sends to the guest: NIC -> host is exactly its frames.
	is "$(guest_value br_a_to_b)" "$(json_get "$f" tx_frames)" \
		"bridge NIC -> stack carried exactly the frames the peer sent"
	check "bridge stack -> NIC carried every frame the peer received" \
		test "$(guest_value br_b_to_a)" -ge "$(json_get "$f" frames)"
	is "$(guest_value nic_tx)" "$(guest_value br_b_to_a)" \
		"the NIC's txsync sent every frame the bridge gave it (tx_packets)"
}
