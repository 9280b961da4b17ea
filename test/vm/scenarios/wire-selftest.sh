# The wire's own instruments, end to end through a real (emulated) NIC,
# on what the in-tree stream scenario does not touch: a sequence that wraps
# at 2^32, malformed frames mixed into the stream (counted, never taken for
# numbered frames), the TPACKET_V3 ring reader, the peer's echo mode,
# lm-seqmerge on a log written in the guest, and a reader that must survive
# a link flap and a driver reload (the interface unregistered and back).
# Uses Linux's in-tree e1000 so that only the instruments are under test.
DESC="wire self-test: wrap-around, junk, TPACKET ring, echo loop, seqmerge, flap/reload"
NICS="e1000"
KMODS="e1000"
TIMEOUT=120
FIRST=4294966296	# 2^32 - 1000: the stream wraps after 1000 frames
N1=3000
N2=2000
N3=16000	# 16 s at 1,000/s: outlasts a link flap and a driver reload
JUNK_EVERY=10
PEER_MAC=02:00:00:00:00:01	# lm-peer's default source address

guest() {
	cat <<EOF2
N1=$N1 N2=$N2 N3=$N3 PEER_MAC=$PEER_MAC
EOF2
	cat <<'EOF2'
num() { grep -o "\"$1\":[0-9]*" "$2" | tail -n 1 | cut -d: -f2; }

check "in-tree e1000 loads" kmod e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
check "eth0 has carrier" wait_until 10 grep -qx 1 /sys/class/net/eth0/carrier

# 1. host -> guest: wrapping stream with junk, read through a TPACKET_V3 ring
#    on every ethertype (so junk of any type is seen and classified).
lm-afp rx -i eth0 --all --ring --count $N1 --idle 5 --timeout 60 --seqlog /tmp/ring.seqlog \
	--json --ready-file /tmp/ring.ready >/tmp/ring.json &
pid=$!
check "ring reader is ready" wait_until 10 test -e /tmp/ring.ready
tell RING_READY
wait $pid
check "lm-afp rx --ring exits 0" test $? = 0
send_file /tmp/ring.json ring.json
send_file /tmp/ring.seqlog ring.seqlog

# 2. guest -> host echo -> guest: the peer reflects every frame.
lm-afp rx -i eth0 --count $N2 --idle 5 --timeout 60 --json --ready-file /tmp/echo.ready \
	>/tmp/echo.json &
pid=$!
check "echo reader is ready" wait_until 10 test -e /tmp/echo.ready
tell ECHO_RX_READY
wait_for PEER_ECHOING 30
check "lm-afp tx sends $N2 frames to the echoing peer" \
	lm-afp tx -i eth0 -n $N2 -R 1000 --stream 5 --dst $PEER_MAC --json
wait $pid
check "lm-afp rx exits 0" test $? = 0
send_file /tmp/echo.json echo.json
is "$(num valid /tmp/echo.json)/$(num lost /tmp/echo.json)/$(num dup /tmp/echo.json)" \
	"$N2/0/0" "every echoed frame came back once: valid/lost/dup"
tell GUEST_DONE
wait_for HOST_DONE 30

# 3. A ring reader across ip link down/up and rmmod/insmod of the driver:
#    it must keep counting, and re-bind to the re-registered eth0.
lm-afp rx -i eth0 --ring --idle 6 --timeout 90 --json --ready-file /tmp/flap.ready \
	>/tmp/flap.json &
pid=$!
check "flap reader is ready" wait_until 10 test -e /tmp/flap.ready
tell FLAP_READY
wait_for FLAP_STREAMING 30
sleep 2
ip link set eth0 down
ip link set eth0 up
check "carrier back after down/up" wait_until 15 grep -qx 1 /sys/class/net/eth0/carrier
sleep 2
check "rmmod e1000" rmmod e1000
check "e1000 loads again" kmod e1000
check "eth0 is back" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
check "carrier back after the reload" wait_until 15 grep -qx 1 /sys/class/net/eth0/carrier
wait $pid
check "flap reader exits 0" test $? = 0
send_file /tmp/flap.json flap.json
EOF2
}

host() {
	local f ppid deadline
	wait_guest RING_READY 60 || return 1
	f=$ARTIFACTS/peer-junk.json
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send $N1 --rate 2000 --first $FIRST \
		--dst "$NIC0_MAC" --junk $JUNK_EVERY --timeout 30 --json >"$f"
	is "$(json_get "$f" sent)/$(json_get "$f" refused)/$(json_get "$f" junk)" \
		"$N1/0/$((N1 / JUNK_EVERY))" "peer: stream and junk all taken by QEMU"

	wait_guest ECHO_RX_READY 60 || return 1
	f=$ARTIFACTS/peer-echo.json
	peer_bg "$f" --echo --rx-stream 5 --expect $N2 --idle 5 --timeout 60 --json || return 1
	ppid=$PEER_PID
	tell_guest PEER_ECHOING
	wait_guest GUEST_DONE 60
	kill -TERM $ppid 2>/dev/null	# it may still wait for --idle
	wait $ppid
	is "$(json_get "$f" valid)/$(json_get "$f" lost)/$(json_get "$f" dup)" "$N2/0/0" \
		"peer received the guest's stream: valid/lost/dup"
	# The guest's stack may add a few frames of its own: >=.
	check "peer echoed every frame ($(json_get "$f" echoed)), none refused" \
		test "$(json_get "$f" echoed)" -ge $N2 -a "$(json_get "$f" echo_refused)" = 0
	tell_guest HOST_DONE

	wait_guest FLAP_READY 60 || return 1
	f=$ARTIFACTS/peer-flap.json
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send $N3 --rate 1000 --dst "$NIC0_MAC" \
		--timeout 40 --json >"$f" &
	ppid=$!
	sleep 0.3
	tell_guest FLAP_STREAMING
	wait $ppid
	# While the NIC is down QEMU takes nothing: those numbers are refused, not lost.
	is "$(( $(json_get "$f" sent) + $(json_get "$f" refused) ))" $N3 \
		"flap peer: every number sent or counted refused ($(json_get "$f" refused) refused)"
}

after() {
	local f=$ARTIFACTS/ring.json junk last
	check "the ring reader's summary came back" test -s "$f" || return 1
	is "$(json_get "$f" valid)/$(json_get "$f" lost)/$(json_get "$f" dup)/$(json_get "$f" reorder)" \
		"$N1/0/0/0" "ring reader: every numbered frame once, in order"
	last=$(( (FIRST + N1 - 1) % 4294967296 ))
	is "$(json_get "$f" first)/$(json_get "$f" last)" "$FIRST/$last" \
		"ring reader: first/last across the 2^32 wrap"
	junk=$(( $(json_get "$f" foreign) + $(json_get "$f" runt) + $(json_get "$f" corrupt) ))
	diag "junk sent $((N1 / JUNK_EVERY)), seen by the guest as not-ours $junk" \
		"(foreign $(json_get "$f" foreign) runt $(json_get "$f" runt)" \
		"corrupt $(json_get "$f" corrupt)); the rest the NIC or the stack dropped"
	check "junk reached the guest and was classified, never counted as a frame" \
		test "$junk" -gt 0 -a "$junk" -le $((N1 / JUNK_EVERY))
	check "lm-seqmerge: the guest's log covers [FIRST, FIRST+N1) exactly once" \
		"$TOP/build/user/bin/lm-seqmerge" --first $FIRST --count $N1 "$ARTIFACTS/ring.seqlog"

	f=$ARTIFACTS/flap.json
	check "the flap reader's summary came back" test -s "$f" || return 1
	diag "flap: netdown $(json_get "$f" netdown) rebinds $(json_get "$f" rebinds)" \
		"valid $(json_get "$f" valid) lost $(json_get "$f" lost) max_gap $(json_get "$f" max_gap)"
	check "flap reader saw the link go down twice (down/up, rmmod)" \
		test "$(json_get "$f" netdown)" -ge 2
	is "$(json_get "$f" rebinds)" 1 "flap reader re-bound once, to the re-registered eth0"
	is "$(json_get "$f" last)/$(json_get "$f" dup)" "$((N3 - 1))/0" \
		"flap reader received the stream's tail after both events, no duplicates"
}
