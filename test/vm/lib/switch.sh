# Shared body of the switch-disruption scenarios (test/vm/scenarios/switch-*.sh,
# issue 5 acceptance, issue 4's reset-mode measurement).  A scenario sets
#   SW_MODE      hitless | reset   (livemap_e1000 switch_mode=)
#   SW_CYCLES    enter/exit cycles
#   SW_RATE      the peer's numbered stream, frames/s (absolute deadlines)
#   SW_PAUSE     seconds in stack mode between cycles
#   SW_ASSERT    1: assert the hitless properties; 0: measure only (reset)
# and then sources this file, which defines guest(), host() and after().
#
# What runs.  The guest loads livemap.ko and livemap_e1000.ko
# switch_mode=SW_MODE and brings eth0 up.  A stack reader (lm-afp rx,
# stream 1) runs the whole time; the host peer streams stream 1 at SW_RATE;
# the guest enters and leaves netmap mode SW_CYCLES times (pkt-gen rxseq on
# netmap:eth0 for SW_HOLD s, one range log per period), sampling
# carrier_changes (and the driver's copy counter, when it has one) while the
# application holds the port.  Both readers' logs, merged on the host by
# lm-switchstat, must show every frame the peer sent exactly once, in order
# per reader; losses are attributed to enter or exit.
#
# The guest's transmit stream (a choice, stated here and in the report).
# The stack transmits stream 2 (lm-afp tx, SW_TXRATE frames/s) through
# eth0 for the whole run, in both modes.  While eth0's tx ring belongs to
# netmap, netmap semantics send the stack's frames to the host rx ring;
# pkt-gen binds the NIC rings only, so the core drops them and counts them
# (host_drops).  The peer counts stream 2 (--rx-stream 2, its own range
# log), so the assertion is exact: every frame the stack sent reached the
# peer exactly once and in order, except the ones diverted to the unbound
# host ring, and sent == peer_valid + host_drops.  A frame lost on tx by
# the switch itself (an in-flight skb dropped at enter, a ring reset) is a
# difference.  When the core does not export host_drops, the check falls
# back to: no duplicate, no reorder, at most one gap per netmap period.
#
# Per cycle the guest reports (value cycleN): pkt-gen's exit status,
# carrier_changes across enter and across exit, pkt-gen's register_ms (the
# register ioctl alone), first_ms (just before the open of /dev/netmap to
# the first frame), close_ms (the unregister), copies during the period and
# in its second half, and devopen_ms + register_ms (the open of /dev/netmap
# and the register call: what register_ms measured until 6 Dec 2026, see
# bench/switch.d/results.md).  Artifacts: cycles.tsv (one line per cycle),
# switchstat.json, switch.svg (frames per 10 ms around one enter and one
# exit), summary.txt (KEY VALUE lines bench/switch reads).
NICS="e1000"
SW_HOLD=${SW_HOLD:-0.5}
SW_TXRATE=${SW_TXRATE:-500}
SW_WAITLINK=${SW_WAITLINK:-5}
# 1: open netmap:eth0 once before the stream starts, so that creating and
# mapping the shared region (the first register's 1.5-2.5 s of guest CPU
# under TCG) is not part of cycle 1.
SW_WARMUP=${SW_WARMUP:-0}
# Rx descriptors (ethtool -G before ifup); empty: the driver's default (256).
SW_RX_RING=${SW_RX_RING:-}
# The driver's copies-on-enter counter (ethtool -S name; issue 4 defines it).
SW_COPY_STATS=${SW_COPY_STATS:-lm_switch_copies}

guest() {
	cat <<EOF2
MODE=$SW_MODE
CYCLES=$SW_CYCLES
HOLD=$SW_HOLD
PAUSE=$SW_PAUSE
TXRATE=$SW_TXRATE
WAITLINK=$SW_WAITLINK
WARMUP=$SW_WARMUP
RX_RING=$SW_RX_RING
COPY_STATS="$SW_COPY_STATS"
EOF2
	cat <<'EOF2'
ms() { read -r _u _ </proc/uptime; _u=${_u%.*}${_u#*.}; echo $((_u * 10)); }	# 10 ms resolution
cc() { cat /sys/class/net/eth0/carrier_changes; }

check "livemap loads" lm_insmod livemap || exit 1
# The driver must implement the mode: a value it does not know makes
# insmod fail (or, for a driver without the parameter, reads back empty).
if lm_insmod livemap_e1000 switch_mode=$MODE; then
	got=$(cat /sys/module/livemap_e1000/parameters/switch_mode 2>/dev/null)
else
	got="(insmod refused switch_mode=$MODE)"
fi
if [ "$got" != "$MODE" ]; then
	diag "livemap_e1000 switch_mode=$MODE not available: got '$got'"
	case $MODE in
	hitless) check "# SKIP hitless switch not implemented (issue 5)" test "$got" != hitless ;;
	*) check "# SKIP $MODE switch not implemented (issue 4: no switch_mode in livemap_e1000)" \
		test ! -e /sys/module/livemap_e1000/parameters/switch_mode ;;
	esac
	tell SKIP
	exit 0
fi
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
if [ -n "$RX_RING" ]; then
	check "rx ring resized to $RX_RING (tx 256)" e1000_ethtool -G eth0 "$RX_RING" 256
fi
ip link set eth0 up
check "eth0 has carrier" wait_until 10 has_carrier eth0
usleep 1200000		# QEMU's e1000 holds rx for 1 s after open's RCTL write

# Two vCPUs or more: the stream's side on CPU 0, pkt-gen alone on the last
# (place_app_cpu); NAPI then really runs beside the switch.
place_app_cpu eth0
value ncpu "$ncpu"

copy_stat=""
for s in $COPY_STATS; do
	if e1000_ethtool -s eth0 "$s" >/dev/null 2>&1; then copy_stat=$s; break; fi
done
copies() { [ -n "$copy_stat" ] && e1000_ethtool -s eth0 "$copy_stat"; }
value copy_stat "${copy_stat:-none}"
ring=$(e1000_ethtool -g eth0 | cut -d' ' -f2)
value ring_size "$ring"
if [ "$WARMUP" = 1 ]; then
	pkt-gen -f rx -i netmap:eth0 -d 0.2 -w "$WAITLINK" -T 0 >/dev/null 2>&1
	check "warm-up: the shared region exists before the stream ($(stat_of mem_alloc) created)" \
		test "$(stat_of mem_alloc)" -ge 1
fi
cc_start=$(cc)
hd0=$(stat_of host_drops 2>/dev/null)

# Stopped with SIGINT once the peer has stopped: the stack gets nothing for
# seconds at a time in netmap mode (and through a reset), so no --idle.
lm-afp rx -i eth0 --stream 1 --timeout 600 --seqlog /tmp/stack.seqlog --json \
	--ready-file /tmp/rx.ready >/tmp/rx.json &
rxpid=$!
check "stack reader (AF_PACKET) is ready" wait_until 10 test -e /tmp/rx.ready
tell RX_READY
wait_for STREAMING 60 || exit 1
lm-afp tx -i eth0 -n 1000000000 -R "$TXRATE" --stream 2 --on-full block --json >/tmp/tx.json &
txpid=$!
sleep 1

c=1
while [ "$c" -le "$CYCLES" ]; do
	cc0=$(cc)
	cp0=$(copies)
	t0=$(ms)
	$APP_CPU pkt-gen -f rxseq -i netmap:eth0 -s 1 -d "$HOLD" -w "$WAITLINK" -T 50 --json \
		--seqlog /tmp/nm.$c.seqlog >/tmp/pg.$c.json 2>/tmp/pg.$c.err &
	pg=$!
	# Samples while the application holds the port: "ms carrier_changes
	# carrier copies app_frames" (app_frames: pkt-gen's last -T report),
	# taken by one process (a shell loop forked ~10 times per sample on
	# the vCPU the switch itself runs on).
	e1000_ethtool -W eth0 $pg 50 "$t0" "${copy_stat:--}" /tmp/pg.$c.json >/tmp/samples.$c &
	smp=$!
	wait $pg
	rc=$?
	t1=$(ms)
	wait $smp
	cc1=$(cc)
	car1=$(carrier eth0)
	check "cycle $c: pkt-gen rxseq ran on netmap:eth0 (exit $rc: 0 or 2)" test $rc = 0 -o $rc = 2 ||
		sed 's/^/# pkt-gen: /' /tmp/pg.$c.err >&2
	check "cycle $c: eth0 has carrier after exit" wait_until 15 has_carrier eth0
	t2=$(ms)
	cc2=$(cc)
	cp2=$(copies)
	# Carrier off: sampled time with carrier 0 while the app held the
	# port, plus the wait for carrier after its exit.
	off=$(awk -v t1=$((t1 - t0)) '{ if (n && pc == 0) off += $1 - pt; pt = $1; pc = $3; n++ }
		END { if (n && pc == 0) off += t1 - pt; print off + 0 }' /tmp/samples.$c)
	[ "$car1" = 1 ] || off=$((off + t2 - t1))
	# Enter = up to the first frame; the sample nearest to first_ms + half
	# the hold splits the period into halves.
	first=$(grep -o '"first_ms":[0-9.]*' /tmp/pg.$c.json | cut -d: -f2 | cut -d. -f1)
	# The register call alone, and with the open of /dev/netmap before it.
	reg=$(grep -o '"register_ms":[0-9.]*' /tmp/pg.$c.json | cut -d: -f2)
	dev=$(grep -o '"devopen_ms":[0-9.]*' /tmp/pg.$c.json | cut -d: -f2)
	openreg=-
	[ -n "$reg" ] && [ -n "$dev" ] &&
		openreg=$(awk -v r="$reg" -v d="$dev" 'BEGIN { printf "%.3f", r + d }')
	close=$(grep -o '"close_ms":[0-9.]*' /tmp/pg.$c.json | cut -d: -f2)
	mid=$(awk -v f="${first:-0}" -v h="$HOLD" 'BEGIN { printf "%d", f + h * 500 }')
	# No sample before mid (the sampler itself starved): the enter's
	# count is cc0's, any change goes to the exit's.
	set -- $(awk -v mid="$mid" -v cc0="$cc0" 'BEGIN { cc = cc0 } $1 <= mid { cc = $2; cp = $4 }
		END { print cc + 0, (cp == "" ? "-" : cp) }' /tmp/samples.$c)
	ccmid=$1
	[ -z "$first" ] && ccmid=$cc1
	# The second half, for copies, is counted in frames rather than time:
	# from the first sample at which the application had received two
	# ring-rounds (2 x ring; at 2,000/s about 256 ms, the nominal middle of
	# a 0.5 s period).  Copies end after one round, so any copy from there
	# on is a conversion that did not happen.  A time midpoint read the
	# guest's clock against pkt-gen's and failed on slow TCG cycles.
	# A cycle that never reached 2 x ring frames gets "-" (not evaluable).
	cpmid=$(awk -v th=$((2 * ring)) '$5 >= th { print $4; exit }' /tmp/samples.$c)
	[ -n "$cpmid" ] || cpmid=-
	# Copies per enter need no midpoint: the whole period's count.
	cpe=- cph=-
	[ -n "$copy_stat" ] && cpe=$((cp2 - cp0))
	[ -n "$copy_stat" ] && [ "$cpmid" != - ] && cph=$((cp2 - cpmid))
	# rc enter_cc exit_cc register_ms first_ms close_ms copies copies_2nd_half wall_ms carrier_off_ms open_register_ms
	value cycle$c "$rc $((ccmid - cc0)) $((cc2 - ccmid)) ${reg:--} ${first:--} ${close:--} $cpe $cph $((t1 - t0)) $off $openreg"
	[ -s /tmp/nm.$c.seqlog ] || echo "# lm-seqlog 1 stream=1 reader=pkt-gen-cycle$c-none" >/tmp/nm.$c.seqlog
	sleep "$PAUSE"
	c=$((c + 1))
done

kill -INT $txpid
wait $txpid
usleep 500000
tell TX_DONE
wait_for PEER_DONE 60
usleep 1000000		# the peer's last frames drain through QEMU's queue
kill -INT $rxpid
wait $rxpid
hd1=$(stat_of host_drops 2>/dev/null)
value tx_sent "$(grep -o '"sent":[0-9]*' /tmp/tx.json | tail -n 1 | cut -d: -f2)"
value host_drops "$([ -n "$hd0" ] && [ -n "$hd1" ] && echo $((hd1 - hd0)) || echo -)"
value carrier_changes "$(( $(cc) - cc_start ))"
c=1
: >/tmp/pktgen.jsonl
: >/tmp/netmap.seqlog
while [ "$c" -le "$CYCLES" ]; do
	cat /tmp/nm.$c.seqlog >>/tmp/netmap.seqlog
	cat /tmp/pg.$c.json >>/tmp/pktgen.jsonl
	c=$((c + 1))
done
send_file /tmp/stack.seqlog stack.seqlog
send_file /tmp/netmap.seqlog netmap.seqlog
send_file /tmp/rx.json rx.json
send_file /tmp/tx.json tx.json
send_file /tmp/pktgen.jsonl pktgen.jsonl
e1000_ethtool -S eth0 >/tmp/ethtool-S.txt && send_file /tmp/ethtool-S.txt ethtool-S.txt

# After unload every netmap buffer is back (issue 5: no memory held by a
# NIC outlives the driver).
check "livemap_e1000 unloads" rmmod livemap_e1000
is "$(stat_of pages_free)/$(stat_of mem_free)/$(stat_of dma_unmap)" \
	"$(stat_of pages_alloc)/$(stat_of mem_alloc)/$(stat_of dma_map)" \
	"after unload all netmap memory is freed and unmapped (pages/mem/dma counters)"
EOF2
}

host() {
	local deadline=$((SECONDS + 120)) ppid
	until grep -qE '^@tell (RX_READY|SKIP)$' "$VMDIR/ctl.log" 2>/dev/null; do
		if ((SECONDS > deadline)) || ! kill -0 "$QEMU_PID" 2>/dev/null; then
			check "guest got ready" false
			return 1
		fi
		sleep 0.1
	done
	grep -qx '@tell SKIP' "$VMDIR/ctl.log" && return 0
	# Stream 1 to the guest for as long as the cycles take; stopped with
	# SIGINT (the summary then says how many were sent and refused).
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send 1000000000 --rate "$SW_RATE" \
		--stream 1 --dst "$NIC0_MAC" --rx-stream 2 --seqlog "$ARTIFACTS/peer-rx.seqlog" \
		--timeout "$TIMEOUT" --json >"$ARTIFACTS/peer.json" &
	ppid=$!
	sleep 0.5
	tell_guest STREAMING
	wait_guest TX_DONE "$TIMEOUT"
	kill -INT "$ppid"
	wait "$ppid"
	tell_guest PEER_DONE
}

# sw_cycle_field N K: field K (1-based) of the guest's "cycleN" value.
sw_cycle_field() {
	guest_value "cycle$1" | cut -d' ' -f"$2"
}

# Median of the numbers on stdin ("-" if none).
sw_median() {
	sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "-"; else print v[int((NR + 1) / 2)] }'
}

after() {
	local sent refused extent rc c v sj=$ARTIFACTS/switchstat.json k
	local tsv=$ARTIFACTS/cycles.tsv sum=$ARTIFACTS/summary.txt
	rm -f "$sum"
	if grep -qx '@tell SKIP' "$ARTIFACTS/ctl.log"; then
		echo "skipped 1" >"$sum"
		return 0
	fi
	check "the readers' sequence logs came back" \
		test -s "$ARTIFACTS/stack.seqlog" -a -s "$ARTIFACTS/netmap.seqlog" || return 1
	sent=$(json_get "$ARTIFACTS/peer.json" sent)
	refused=$(json_get "$ARTIFACTS/peer.json" refused)
	extent=$((sent + refused))	# numbers 0..extent-1 left the peer or were refused
	"$TOP/build/user/bin/lm-switchstat" --stack "$ARTIFACTS/stack.seqlog" \
		--netmap "$ARTIFACTS/netmap.seqlog" --sent "$extent" --rate "$SW_RATE" \
		--tsv "$ARTIFACTS/switchstat.tsv" --svg "$ARTIFACTS/switch.svg" \
		--bins "$ARTIFACTS/bins.tsv" --window-ms "${SW_PLOT_MS:-200}" \
		--title "livemap_e1000 switch_mode=$SW_MODE, $SW_RATE frames/s" >"$sj"
	rc=$?
	check "lm-switchstat analysed the run (exit $rc: 0 exact, 1 not)" test $rc -le 1 || return 1
	is "$(json_get "$sj" periods)" "$SW_CYCLES" "one netmap period per cycle in the log"
	v="" c=""
	# The wire's exactly-once merge, an independent implementation, must
	# reach the same verdict and counts.
	"$TOP/build/user/bin/lm-seqmerge" --first 0 --count "$extent" "$ARTIFACTS/stack.seqlog" \
		"$ARTIFACTS/netmap.seqlog" >"$ARTIFACTS/seqmerge.json"
	for k in missing dup out_of_order outside; do
		v=$v$(json_get "$ARTIFACTS/seqmerge.json" $k)/
		c=$c$(json_get "$sj" $k)/
	done
	is "$v" "$c" "lm-seqmerge agrees with lm-switchstat (missing/dup/out_of_order/outside)"
	v="" c=""

	# One table: the guest's per-cycle values beside lm-switchstat's attribution.
	printf 'cycle\tcarrier_enter\tcarrier_exit\tcarrier_off_ms\tenter_lost\texit_lost\tdup\tout_of_order\tregister_ms\topen_register_ms\tfirst_ms\tclose_ms\tcopies\tcopies_2nd_half\tnetmap_frames\tpktgen_rc\n' >"$tsv"
	for ((c = 1; c <= SW_CYCLES; c++)); do
		v=$(guest_value "cycle$c")
		set -- $v
		awk -F'\t' -v c=$c -v rc="${1:--}" -v ce="${2:--}" -v cx="${3:--}" -v o="${4:--}" \
			-v f="${5:--}" -v cl="${6:--}" -v cp="${7:--}" -v ch="${8:--}" -v off="${10:--}" \
			-v orr="${11:--}" \
			'$1 == c { printf "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
				c, ce, cx, off, $2, $3, $7, $9, o, orr, f, cl, cp, ch, $10, rc }' \
			"$ARTIFACTS/switchstat.tsv" >>"$tsv"
	done
	diag "switch_mode=$SW_MODE, $SW_CYCLES cycles, $SW_RATE frames/s, hold ${SW_HOLD}s, $(guest_value ncpu) vCPU(s)"
	column -t -s $'\t' "$tsv" | while IFS= read -r l; do diag "$l"; done

	local ccsum tx_sent peer_valid hd
	ccsum=$(guest_value carrier_changes)
	tx_sent=$(guest_value tx_sent)
	peer_valid=$(json_get "$ARTIFACTS/peer.json" valid)
	hd=$(guest_value host_drops)
	{
		echo "mode $SW_MODE"
		echo "cycles $SW_CYCLES"
		echo "rate $SW_RATE"
		echo "ncpu $(guest_value ncpu)"
		echo "sent $extent"
		echo "refused $refused"
		echo "carrier_changes $ccsum"
		for k in missing dup out_of_order enter_lost exit_lost netmap_lost stack_lost \
			between_lost pre_lost tail_lost max_enter_lost max_exit_lost ok; do
			echo "$k $(grep -o "\"$k\":[a-z0-9]*" "$sj" | tail -n 1 | cut -d: -f2)"
		done
		# Medians over cycles 2..N: cycle 1 also creates and maps the
		# shared region (hundreds of ms in either mode), not the switch.
		local c1=$((SW_CYCLES > 1 ? 2 : 1))
		echo "median_from_cycle $c1"
		for k in 4:register_ms 11:open_register_ms 5:first_ms 6:close_ms 7:copies \
			10:carrier_off_ms; do
			echo "median_${k#*:} $(for ((c = c1; c <= SW_CYCLES; c++)); do
				sw_cycle_field $c "${k%%:*}"; done | grep -E '^[0-9.]+$' | sw_median)"
		done
		echo "max_copies $(for ((c = 1; c <= SW_CYCLES; c++)); do sw_cycle_field $c 7; done |
			grep -E '^[0-9]+$' | sort -n | tail -n 1)"
		echo "tx_sent $tx_sent"
		echo "tx_peer_valid $peer_valid"
		echo "host_drops $hd"
		# Frames the stack sent that neither reached the peer nor went
		# to the host ring: lost on tx by the switch itself.
		if [[ $hd =~ ^[0-9]+$ && $tx_sent =~ ^[0-9]+$ && $peer_valid =~ ^[0-9]+$ ]]; then
			echo "tx_lost $((tx_sent - peer_valid - hd))"
		else
			echo "tx_lost -"
		fi
		echo "svg $ARTIFACTS/switch.svg"
	} >"$sum"
	diag "totals: $(tr '\n' ' ' <"$sum")"

	# Sanity for every mode: the measurement is complete and the link came back.
	check "the stack receives again after the last cycle (stream tail arrived)" \
		test "$(json_get "$sj" tail_lost)" = 0
	[ "${SW_ASSERT:-0}" = 1 ] || return 0

	# The hitless properties (issue 5 acceptance).
	is "$ccsum" 0 "carrier_changes unchanged over all $SW_CYCLES enter/exit cycles"
	check "every frame the peer sent arrived exactly once, in order per reader (stack + application)" \
		grep -q '"ok":true}' "$sj"
	is "$(json_get "$sj" enter_lost)/$(json_get "$sj" exit_lost)" 0/0 "0 frames lost at enter / at exit"
	is "$refused" 0 "QEMU refused none of the peer's frames (the NIC always had buffers)"
	is "$(json_get "$ARTIFACTS/peer.json" dup)/$(json_get "$ARTIFACTS/peer.json" reorder)" 0/0 \
		"guest's stack stream at the peer: 0 duplicated / 0 reordered"
	if [ "$hd" != - ] && [ -n "$hd" ]; then
		is "$((peer_valid + hd))" "$tx_sent" \
			"every frame the guest's stack sent reached the peer or the (unbound) host ring: peer $peer_valid + host_drops $hd"
	else
		check "guest's stack stream: at most one gap per netmap period (host_drops not exported)" \
			test "$(json_get "$ARTIFACTS/peer.json" gaps)" -le "$SW_CYCLES"
	fi
	if [ "$(guest_value copy_stat)" = none ]; then
		check "# SKIP copies per enter: livemap_e1000 exports no copy counter yet" true
	else
		local ring bad=0
		ring=$(guest_value ring_size)
		for ((c = 1; c <= SW_CYCLES; c++)); do
			v=$(sw_cycle_field $c 7)
			[ "$v" != - ] && [ "$v" -le "$ring" ] || bad=$((bad + 1))
		done
		is "$bad" 0 "copies per enter <= ring size ($ring) in every cycle"
		local judged=0
		bad=0
		for ((c = 1; c <= SW_CYCLES; c++)); do
			v=$(sw_cycle_field $c 8)
			[ "$v" = - ] && continue
			judged=$((judged + 1))
			[ "$v" = 0 ] || bad=$((bad + 1))
		done
		is "$bad" 0 "zero copies once the app has received 2 x ring frames ($judged of $SW_CYCLES cycles got that far)"
		check "at least half of the cycles reached 2 x ring frames ($judged of $SW_CYCLES)" \
			test $((2 * judged)) -ge "$SW_CYCLES"
	fi
}
