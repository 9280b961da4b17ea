# Throughput of livemap_e1000: stack (AF_PACKET) vs netmap mode, same guest,
# same run, for every frame length in LENS and every method in METHODS:
#   plain   lm-afp rx / tx: recv()/sendto() on an AF_PACKET socket
#   ring    lm-afp rx --ring (TPACKET_V3 mmap ring) /
#           lm-afp tx --ring (TPACKET_V2: V3 has no tx ring worth the name)
#   netmap  pkt-gen -f rxseq / txseq -i netmap:eth0 (switch_mode=reset)
# rx: the peer sends N frames as fast as QEMU takes them (--on-full block:
# the guest's pace sets the rate, nothing is refused), so rx frames/s =
# N / the peer's sending time.  tx: N frames / the sender's own time
# (lm-afp tx's elapsed time, pkt-gen's first-to-last frame).
# Asserted, every measurement: no frame refused, duplicated, reordered or
# corrupted, and every frame accounted for:
#   rx: delivered to the application, or (AF_PACKET only) dropped by the
#       socket and counted by the kernel (PACKET_STATISTICS tp_drops):
#       delivered + counted must be exactly N, so nothing is lost below the
#       socket (the stream's "lost" counts only gaps before the last frame
#       received, so it can be below tp_drops).  netmap: every frame delivered.
#   tx: received by the peer, or lost between QEMU's e1000 and the peer:
#       QEMU queues at most 10,000 frames per netdev (net/queue.c nq_maxlen)
#       behind a full peer socket and drops what a device sends beyond that
#       (e1000 sends without a completion callback), invisible to the guest.
#       With N <= 10000 that cannot happen, so nothing may be lost; with a
#       larger N (the bench) the peer's count of lost frames is reported.
# The rates are only recorded (a test never asserts time):
# $ARTIFACTS/rates.txt, one "DIR LEN METHOD FRAMES_PER_S LOST" line each
# (rx: frames delivered to the application / the peer's sending time).
# bench/e1000-rate runs this with a larger N and prints the table.
#
# Environment (host side, passed into the guest script):
#   N        frames per measurement (default 10000: the make-check variant)
#   LENS     frame lengths without FCS, 60..1514 (default "60 1514")
#   METHODS  subset of "plain ring netmap" (default all three)
N=${N:-10000}
LENS=${LENS:-60 1514}
METHODS=${METHODS:-plain ring netmap}
# bound of each tool's run: generous for 2,000 frames/s, far below any
# rate measured here, so only a hang hits it
T=$((30 + N / 2000))
_nl=0 _nm=0
for _l in $LENS; do _nl=$((_nl + 1)); done
for _m in $METHODS; do _nm=$((_nm + 1)); done
DESC="livemap_e1000: rx/tx frames/s, AF_PACKET ($METHODS) x $LENS B, $N frames each (every frame accounted for)"
NICS="e1000"
TIMEOUT=$((60 + _nl * _nm * 2 * (8 + N / 5000)))

# Refuse a bad parameter before booting anything: the guest script is built
# from these values.
_rate_params_bad() {
	local l m
	[[ $N =~ ^[1-9][0-9]{0,7}$ ]] || { echo "N='$N' is not a frame count"; return; }
	for l in $LENS; do
		[[ $l =~ ^[0-9]{2,4}$ ]] && ((l >= 60 && l <= 1514)) ||
			{ echo "LENS: '$l' is not in 60..1514"; return; }
	done
	for m in $METHODS; do
		case $m in plain | ring | netmap) ;;
		*) echo "METHODS: '$m' is not plain, ring or netmap"; return ;;
		esac
	done
	((_nl > 0 && _nm > 0)) || echo "empty LENS or METHODS"
}
_bad=$(_rate_params_bad)
[ -z "$_bad" ] || { echo "Bail out! e1000-rate: $_bad"; exit 2; }

guest() {
	cat <<EOF2
N=$N
LENS="$LENS"
METHODS="$METHODS"
T=$T
EOF2
	cat <<'EOF2'
jget() { grep -o "\"$2\":[0-9.]*" "$1" | tail -n 1 | cut -d: -f2; }
# after a netmap run (reset mode: the NIC was reset on the way back to the
# stack) the link must be up and QEMU's 1 s rx hold after the RCTL rewrite
# over before the next measurement
settle() {
	check "$1: carrier is back" wait_until 10 has_carrier eth0
	usleep 1200000
}
check "livemap core loads" lm_insmod livemap
check "livemap_e1000 loads" lm_insmod livemap_e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
settle "first up"

for len in $LENS; do
	for m in $METHODS; do
		tag=rx_${len}_$m
		f=/tmp/$tag.json
		case $m in
		plain | ring)
			opt=
			[ $m = ring ] && opt=--ring
			lm-afp rx -i eth0 $opt --count $N --idle 5 --timeout $T --json \
				--ready-file /tmp/$tag.ready >$f 2>&1 &
			p=$!
			check "$tag: reader ready" wait_until 10 test -e /tmp/$tag.ready
			tell $tag
			wait $p
			rc=$?
			is "$rc" 0 "$tag: lm-afp rx exit status"
			d=$(jget $f sock_drops)
			is "$(jget $f valid)" "$((N - ${d:-N}))" \
				"$tag: every frame delivered or counted as a socket drop (${d:-no count})"
			value ${tag}_drops "$d"
			;;
		netmap)
			pkt-gen -f rxseq -i netmap:eth0 -n $N --idle 5 -d $T -T 0 --json >$f 2>&1 &
			p=$!
			usleep 500000
			check "$tag: carrier in netmap mode" wait_until 10 has_carrier eth0
			usleep 1500000
			tell $tag
			wait $p
			rc=$?
			is "$rc" 0 "$tag: pkt-gen rxseq exit status"
			is "$(jget $f valid)/$(jget $f lost)" "$N/0" "$tag: every frame delivered"
			value ${tag}_drops 0
			;;
		esac
		is "$(jget $f dup)/$(jget $f reorder)/$(jget $f corrupt)/$(jget $f stale)" \
			"0/0/0/0" "$tag: no frame duplicated, reordered or corrupted"
		send_file $f $tag.json
		[ $m = netmap ] && settle "$tag"
	done
	for m in $METHODS; do
		tag=tx_${len}_$m
		f=/tmp/$tag.json
		wait_for $tag $T
		case $m in
		plain | ring)
			opt=
			[ $m = ring ] && opt=--ring
			lm-afp tx -i eth0 $opt -n $N -R 0 --len $len --timeout $T --json >$f 2>&1
			rc=$?
			is "$rc/$(jget $f sent)/$(jget $f refused)" "0/$N/0" "$tag: lm-afp tx sent every frame"
			;;
		netmap)
			pkt-gen -f txseq -i netmap:eth0 -l $len -n $N -b 128 -d $T -T 0 --json >$f 2>&1
			rc=$?
			is "$rc/$(jget $f pkts)" "0/$N" "$tag: pkt-gen txseq sent every frame"
			;;
		esac
		send_file $f $tag.json
		wait_for ${tag}_DONE $T
		[ $m = netmap ] && settle "$tag"
	done
done
tell GUEST_DONE
check "livemap_e1000 unloads" rmmod livemap_e1000
check "livemap core unloads" rmmod livemap
EOF2
}

# _rate N MS: frames per second, integer; n/a without a time.
_rate() { awk -v n="$1" -v ms="$2" 'BEGIN { if (ms > 0) printf "%d", n * 1000 / ms; else print "n/a" }'; }

host() {
	local len m tag f ppid deadline ms d w v
	: >"$ARTIFACTS/rates.txt"
	for len in $LENS; do
		for m in $METHODS; do
			tag=rx_${len}_$m
			f=$ARTIFACTS/peer-$tag.json
			wait_guest $tag $((T + 30)) || return 1
			"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send $N --rate 0 --len $len \
				--stream 1 --on-full block --dst "$NIC0_MAC" --timeout $T --json >"$f"
			is "$(json_get "$f" sent)/$(json_get "$f" refused)" "$N/0" \
				"$tag: peer sent $N frames, QEMU refused none"
			ms=$(json_get "$f" elapsed_ms) d="" w=$((SECONDS + T + 30))
			until [ -n "$d" ] || ((SECONDS > w)); do
				d=$(guest_value ${tag}_drops)
				[ -n "$d" ] || sleep 0.1
			done
			echo "rx $len $m $(_rate $((N - ${d:-0})) "$ms") ${d:-n/a}" >>"$ARTIFACTS/rates.txt"
		done
		for m in $METHODS; do
			tag=tx_${len}_$m
			f=$ARTIFACTS/peer-$tag.json
			peer_bg "$f" --expect $N --idle 10 --timeout $T --json || return 1
			ppid=$PEER_PID
			tell_guest $tag
			wait $ppid
			tell_guest ${tag}_DONE
			is "$(json_get "$f" dup)/$(json_get "$f" reorder)/$(json_get "$f" corrupt)" "0/0/0" \
				"$tag: peer: no frame twice, reordered or corrupted"
			v=$(json_get "$f" valid)
			if ((N <= 10000)); then
				is "$v" "$N" "$tag: peer received all $N frames (N fits QEMU's queue)"
			else
				check "$tag: peer received at most $N frames" test "${v:-0}" -le $N
			fi
		done
	done
	wait_guest GUEST_DONE $((T + 30)) || return 1
}

# The tx rates come from the guest's files, which land after the guest ends.
after() {
	local len m f r v
	for len in $LENS; do
		for m in $METHODS; do
			f=$ARTIFACTS/tx_${len}_$m.json
			case $m in
			netmap) r=$(json_get "$f" pps) ;;
			*) r=$(_rate $N "$(json_get "$f" elapsed_ms)") ;;
			esac
			v=$(json_get "$ARTIFACTS/peer-tx_${len}_$m.json" valid)
			echo "tx $len $m ${r%.*} $((N - ${v:-0}))" >>"$ARTIFACTS/rates.txt"
		done
	done
	diag "frames/s (DIR LEN METHOD RATE LOST): $(tr '\n' ';' <"$ARTIFACTS/rates.txt")"
}
