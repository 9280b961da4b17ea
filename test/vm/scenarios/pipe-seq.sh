# Pipes end to end: pkt-gen txseq on x{0 and rxseq on x}0 move numbered
# frames through a netmap pipe with zero loss, zero duplicates, in order,
# both sides blocking in poll() (2 s poll timeout: a lost wake-up would
# show up as a poll timeout and as a stall).
#
# 10,000,000 frames of each size, every payload byte checked.  In a TCG
# guest (one vCPU shared by both processes) this took ~8 s at 60 B
# (~1.2 Mpps) and ~65 s at 1514 B (~0.16 Mpps) on the development machine.
DESC="pipe x{0 -> x}0: 10M x 60 B and 10M x 1514 B numbered frames, no gap/dup, poll wake-ups"
NICS=""
TIMEOUT=600
MEM=1024

guest() {
	cat <<'EOF2'
# jget FILE KEY: a number from pkt-gen's one-line JSON summary
jget() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1" | tail -n 1; }

# pair LEN COUNT TAG
pair() {
	_len=$1 _n=$2 _t=$3
	pkt-gen -f rxseq -i 'x}0' -l "$_len" -n "$_n" --idle 30 --poll-ms 2000 \
		-T 0 --json > "/tmp/rx$_t.json" 2> "/tmp/rx$_t.err" &
	_rxpid=$!
	# the receiver must be registered and asleep in poll() before we send
	wait_until 10 sh -c "grep -q '^$_rxpid (pkt-gen) S' /proc/$_rxpid/stat"
	check "$_t: rxseq is asleep in poll() with nothing to read" \
		grep -q "^$_rxpid (pkt-gen) S" "/proc/$_rxpid/stat"
	_t0=$(date +%s)
	pkt-gen -f txseq -i 'x{0' -l "$_len" -n "$_n" -b 512 --poll-ms 2000 \
		-T 0 --json > "/tmp/tx$_t.json" 2> "/tmp/tx$_t.err"
	_txrc=$?
	wait $_rxpid
	_rxrc=$?
	diag "$_t: $(( $(date +%s) - _t0 )) s; tx: $(cat /tmp/tx$_t.json) $(cat /tmp/tx$_t.err)"
	diag "$_t: rx: $(cat /tmp/rx$_t.json) $(cat /tmp/rx$_t.err)"
	is "$_txrc" 0 "$_t: txseq exits 0"
	is "$_rxrc" 0 "$_t: rxseq exits 0 (no loss, dup, corruption; all $_n seen)"
	is "$(jget /tmp/tx$_t.json pkts)" "$_n" "$_t: txseq sent $_n frames"
	is "$(jget /tmp/rx$_t.json valid)" "$_n" "$_t: rxseq received $_n distinct numbers"
	is "$(jget /tmp/rx$_t.json pkts)" "$_n" "$_t: and exactly $_n frames"
	is "$(jget /tmp/rx$_t.json lost)" 0 "$_t: no gap"
	is "$(jget /tmp/rx$_t.json dup)" 0 "$_t: no duplicate"
	is "$(jget /tmp/rx$_t.json reorder)" 0 "$_t: no reordering"
	is "$(jget /tmp/rx$_t.json corrupt)" 0 "$_t: no corrupt frame"
	is "$(jget /tmp/rx$_t.json foreign)" 0 "$_t: no foreign frame"
	is "$(jget /tmp/rx$_t.json first)" 0 "$_t: first number 0"
	is "$(jget /tmp/rx$_t.json last)" "$(( _n - 1 ))" "$_t: last number $(( _n - 1 ))"
	is "$(jget /tmp/tx$_t.json poll_timeouts)" 0 "$_t: the sender never timed out in poll() (wake-ups)"
	is "$(jget /tmp/rx$_t.json poll_timeouts)" 0 "$_t: the receiver never timed out in poll() (wake-ups)"
	value "${_t}_tx_pps" "$(jget /tmp/tx$_t.json pps)"
	value "${_t}_rx_pps" "$(jget /tmp/rx$_t.json pps)"
	value "${_t}_rx_syncs" "$(jget /tmp/rx$_t.json syncs)"
	send_file "/tmp/tx$_t.json"
	send_file "/tmp/rx$_t.json"
}

check "livemap.ko loads" lm_insmod livemap
check "/dev/netmap exists" test -c /dev/netmap
pair 60 10000000 b60
pair 1514 10000000 b1514
check "livemap.ko unloads after the runs" rmmod livemap
EOF2
}
