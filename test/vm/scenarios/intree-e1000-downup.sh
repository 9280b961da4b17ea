# The baseline livemap exists to beat: the in-tree e1000 taken down and up
# (what netmap's native drivers do on every register and unregister) under
# a 2,000 frames/s numbered stream.  Measured and printed, not asserted
# against a number: the assertions are only that the link comes back and
# the measurement is complete.
DESC="in-tree e1000 ip link down/up under a 2,000 frames/s stream (baseline, measured)"
NICS="e1000"
KMODS="e1000"
TIMEOUT=180
CYCLES=${CYCLES:-3}
RATE=2000
STREAM_S=$((6 + CYCLES * 7))

guest() {
	cat <<EOF2
CYCLES=$CYCLES
EOF2
	cat <<'EOF2'
check "in-tree e1000 loads" kmod e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
check "eth0 has carrier" wait_until 10 has_carrier eth0
lm-afp rx -i eth0 --idle 4 --timeout 120 --seqlog /tmp/rx.seqlog --json \
	--ready-file /tmp/rx.ready >/tmp/rx.json &
rxpid=$!
check "AF_PACKET reader is ready" wait_until 10 test -e /tmp/rx.ready
tell RX_READY
wait_for STREAMING 30
sleep 2

cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }	# centiseconds
c=1
while [ $c -le $CYCLES ]; do
	cc0=$(cat /sys/class/net/eth0/carrier_changes)
	t0=$(cs)
	ip link set eth0 down
	ip link set eth0 up
	check "cycle $c: carrier comes back within 15 s" wait_until 15 has_carrier eth0
	t1=$(cs)
	cc1=$(cat /sys/class/net/eth0/carrier_changes)
	value cycle$c "$((cc1 - cc0)) $(( (t1 - t0) * 10 ))"
	sleep 4
	c=$((c + 1))
done
tell CYCLES_DONE
wait $rxpid
send_file /tmp/rx.seqlog rx.seqlog
send_file /tmp/rx.json rx.json
EOF2
}

host() {
	wait_guest RX_READY 60 || return 1
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send $((RATE * STREAM_S)) --rate $RATE \
		--dst "$NIC0_MAC" --timeout $((STREAM_S + 30)) --json >"$ARTIFACTS/peer.json" &
	local ppid=$!
	sleep 0.5
	tell_guest STREAMING
	wait $ppid
	check "peer streamed for the whole run" wait_guest CYCLES_DONE 5
}

after() {
	local log=$ARTIFACTS/rx.seqlog sent c v l
	check "the guest reader's sequence log came back" test -s "$log" || return 1
	# every number the peer used, refused by QEMU or not
	sent=$(($(json_get "$ARTIFACTS/peer.json" sent) + $(json_get "$ARTIFACTS/peer.json" refused)))
	# Gaps in the received sequence, clustered per outage (gaps closer than
	# half a second of stream belong to the same cycle).
	awk -v sent="$sent" -v near=$((RATE / 2)) '
		/^#/ { next }
		{ if (have && $1 > next_) gap($1 - next_, next_); next_ = $1 + $2; have = 1 }
		function gap(n, at) {
			if (nc && at - end[nc] < near) { lost[nc] += n } else { nc++; lost[nc] = n; start[nc] = at }
			end[nc] = at + n
		}
		END {
			if (sent > next_) gap(sent - next_, next_)
			for (i = 1; i <= nc; i++) printf "%d %d %d\n", i, start[i], lost[i]
		}' "$log" >"$ARTIFACTS/outages.txt"
	diag "baseline: in-tree e1000, ip link set down/up at $RATE frames/s"
	diag "cycle  carrier_changes  carrier_off_ms  frames_lost"
	printf 'cycle\tcarrier_changes\tcarrier_off_ms\tframes_lost\n' >"$ARTIFACTS/cycles.tsv"
	c=1
	while [ $c -le $CYCLES ]; do
		v=$(guest_value cycle$c)
		l=$(sed -n "${c}s/^[0-9]* [0-9]* //p" "$ARTIFACTS/outages.txt")
		printf '%d\t%s\t%s\t%s\n' $c "${v%% *}" "${v##* }" "${l:-0}" >>"$ARTIFACTS/cycles.tsv"
		diag "$(printf '%5d  %15s  %14s  %11s' $c "${v%% *}" "${v##* }" "${l:-0}")"
		c=$((c + 1))
	done
	diag "total streamed $sent, refused by QEMU $(json_get "$ARTIFACTS/peer.json" refused)," \
		"lost $(awk '{ s += $3 } END { print s + 0 }' "$ARTIFACTS/outages.txt")," \
		"outages seen $(wc -l <"$ARTIFACTS/outages.txt")"
	check "the stack receives again after the last cycle (stream tail arrived)" \
		awk -v sent="$sent" '!/^#/ { end = $1 + $2 } END { exit !(end == sent) }' "$log"
}
