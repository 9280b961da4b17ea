# Where the register call's time goes: ftrace function_graph on the
# NIOCCTRL path (lm_ioctl) while pkt-gen registers netmap:eth0 CYCLES
# times, under the same 2,000 frames/s stream as the switch scenarios, in
# SW_MODE (hitless by default, reset for the baseline).  A measurement for
# bench/switch.d/results.md, not a check: it asserts only that the trace
# was taken.  The trace (depth TRACE_DEPTH) lands in
# build/vm-results/register-trace/trace.txt, pkt-gen's register_ms per
# cycle in the console's values.
#
#   test/vm/run bench/switch.d/register-trace.sh
#   SW_MODE=reset TRACE_DEPTH=3 test/vm/run bench/switch.d/register-trace.sh
#   E1000_PARAMS=spare_reserve=0 TRACE_DEPTH=1 test/vm/run bench/switch.d/register-trace.sh
#   LM_SMP=2 LM_PIN=1 TRACE_FUNC="lm_ioctl napi_disable" TRACE_DEPTH=1 test/vm/run ...
# TRACE_DEPTH=1 costs the call least: use it for the register_ms figures.
# TRACE_FUNC takes several names.  With 2+ vCPUs pkt-gen runs alone on the
# last (place_app_cpu), as in bench/switch.
DESC="ftrace of the register call under a 2,000 frames/s stream (measurement)"
NICS="e1000"
SW_MODE=${SW_MODE:-hitless}
CYCLES=${CYCLES:-5}
TRACE_DEPTH=${TRACE_DEPTH:-5}
TRACE_FUNC=${TRACE_FUNC:-lm_ioctl}
E1000_PARAMS=${E1000_PARAMS:-}
TIMEOUT=$((120 + CYCLES * 6))

guest() {
	cat <<EOF2
MODE=$SW_MODE
CYCLES=$CYCLES
DEPTH=$TRACE_DEPTH
FUNC="$TRACE_FUNC"
PARAMS="$E1000_PARAMS"
EOF2
	cat <<'EOF2'
T=/sys/kernel/tracing
check "livemap loads" lm_insmod livemap || exit 1
check "livemap_e1000 loads (switch_mode=$MODE $PARAMS)" lm_insmod livemap_e1000 switch_mode=$MODE $PARAMS || exit 1
ip link set eth0 up
check "eth0 has carrier" wait_until 10 has_carrier eth0
usleep 1200000
place_app_cpu eth0
check "tracefs mounts" mount -t tracefs nodev $T
tell RX_READY
wait_for STREAMING 60 || exit 1
# First register outside the trace: it creates and maps the shared region.
pkt-gen -f rxseq -i netmap:eth0 -s 1 -d 0.3 -w 5 -T 0 --json >/tmp/pg.0.json 2>/dev/null
usleep 500000
: >$T/set_graph_function
for f in $FUNC; do echo "$f" >>$T/set_graph_function; done	# one name per write
echo "$DEPTH" >$T/max_graph_depth
echo function_graph >$T/current_tracer
echo funcgraph-abstime >$T/trace_options 2>/dev/null
echo funcgraph-tail >$T/trace_options 2>/dev/null	# names on closing braces
c=1
while [ $c -le "$CYCLES" ]; do
	echo 1 >$T/tracing_on
	$APP_CPU pkt-gen -f rxseq -i netmap:eth0 -s 1 -d 0.3 -w 5 -T 0 --json >/tmp/pg.$c.json 2>/dev/null
	echo 0 >$T/tracing_on
	value "register_ms$c" "$(grep -o '"register_ms":[0-9.]*' /tmp/pg.$c.json | cut -d: -f2)"
	usleep 500000
	c=$((c + 1))
done
cat $T/trace >/tmp/trace.txt
echo nop >$T/current_tracer
check "the trace holds $FUNC calls" grep -q "${FUNC%% *}" /tmp/trace.txt
send_file /tmp/trace.txt trace.txt
tell DONE
wait_for PEER_DONE 60
EOF2
}

host() {
	host_stream 2000 DONE
}
