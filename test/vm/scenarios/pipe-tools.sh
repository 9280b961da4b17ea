# The user tools over pipes: pkt-gen ping/pong round trips, and the bridge
# forwarding a numbered stream between two pipes of one parent (same memory
# region), zero-copy by buffer swap, with -c by copy, and with -L through
# the legacy nm_open() API (second port sharing the first's mapping) --
# no frame lost, duplicated or reordered any way.
#
#   txseq a{2 --pipe--> a}2 ==bridge==> a{3 --pipe--> a}3 rxseq
DESC="pkt-gen ping/pong and bridge (swap, copy, legacy nm_open) over pipes"
NICS=""
TIMEOUT=300
MEM=1024

guest() {
	cat <<'EOF2'
jget() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1" | tail -n 1; }
asleep() { grep -q "^$1 ([a-z-]*) S" "/proc/$1/stat"; }

check "livemap.ko loads" lm_insmod livemap

pkt-gen -f pong -i 'x}1' -T 0 --json > /tmp/pong.json 2>&1 &
pp=$!
wait_until 10 asleep $pp
check "ping x{1 <-> pong x}1: 200 pings" \
	sh -c "pkt-gen -f ping -i 'x{1' -n 200 -T 0 --json > /tmp/ping.json"
kill -TERM $pp
wait $pp
diag "ping: $(cat /tmp/ping.json)"
diag "pong: $(cat /tmp/pong.json)"
is "$(jget /tmp/ping.json rtt_n)" 200 "ping: 200 replies"
is "$(jget /tmp/ping.json rtt_lost)" 0 "ping: none lost"
is "$(jget /tmp/pong.json pkts)" 200 "pong: echoed 200 frames"
value ping_rtt_avg_us "$(jget /tmp/ping.json rtt_avg_us)"

N=1000000
for mode in swap copy legacy; do
	a='a}2' b='a{3' opt=""
	[ $mode = copy ] && opt=-c
	[ $mode = legacy ] && a='netmap:a}2' b='netmap:a{3' opt=-L
	pkt-gen -f rxseq -i 'a}3' -n $N --idle 20 --poll-ms 2000 -T 0 --json \
		> /tmp/rx.json 2>/tmp/rx.err &
	rp=$!
	bridge -i "$a" -i "$b" $opt --json > /tmp/br.json 2>/tmp/br.err &
	bp=$!
	wait_until 10 asleep $rp
	wait_until 10 asleep $bp
	check "$mode: txseq sends $N frames into a{2" \
		sh -c "pkt-gen -f txseq -i 'a{2' -n $N -T 0 --json > /tmp/tx.json"
	wait $rp
	rxrc=$?
	kill -TERM $bp
	wait $bp
	brrc=$?
	diag "$mode: rx $(cat /tmp/rx.json /tmp/rx.err)"
	diag "$mode: bridge $(cat /tmp/br.json /tmp/br.err)"
	a2b=$(sed -n 's/.*"a_to_b":{"pkts":\([0-9]*\),"bytes":[0-9]*,"swaps":\([0-9]*\),"copies":\([0-9]*\),"dropped":\([0-9]*\).*/\1 \2 \3 \4/p' /tmp/br.json)
	is "$rxrc" 0 "$mode: rxseq on a}3 exits 0 (all $N, no gap/dup/corruption)"
	is "$(jget /tmp/rx.json valid)" $N "$mode: $N distinct numbers arrived"
	is "$(jget /tmp/rx.json reorder)" 0 "$mode: in order"
	is "$brrc" 0 "$mode: bridge exits 0 on SIGTERM"
	is "$(jget /tmp/br.json zerocopy)" "$([ $mode = copy ] && echo 0 || echo 1)" \
		"$mode: bridge zero-copy flag (pipes of one parent share a region)"
	if [ $mode != copy ]; then
		is "$a2b" "$N $N 0 0" "$mode: a->b forwarded $N frames, all by buffer swap"
	else
		is "$a2b" "$N 0 $N 0" "copy: a->b forwarded $N frames, all copied"
	fi
done
# one direction per end: /T binds only tx rings, /R only rx rings
pkt-gen -f rxseq -i 'c}4/R' -n 100000 --idle 10 --seqlog /tmp/s.log -T 0 --json \
	> /tmp/rr.json 2>&1 &
rp=$!
wait_until 10 asleep $rp
check "/T: txseq on c{4/T sends 100000" \
	sh -c "pkt-gen -f txseq -i 'c{4/T' -n 100000 -T 0 --json > /tmp/tt.json"
wait $rp
is "$?" 0 "/R: rxseq on c}4/R receives all 100000 in order"
diag "/R: $(cat /tmp/rr.json)"
check "rxseq --seqlog: lm-seqmerge finds 0..99999 exactly once" \
	sh -c "lm-seqmerge --first 0 --count 100000 /tmp/s.log > /tmp/m.json"
diag "seqlog: $(head -c 200 /tmp/s.log | tr '\n' '|') merge: $(cat /tmp/m.json)"
check "tx on an rx-only port fails and says why" \
	sh -c "pkt-gen -f tx -i 'c{5/R' -n 1 -T 0 > /dev/null 2> /tmp/e; [ \$? = 1 ] && grep -q 'has no tx ring bound' /tmp/e"
check "a bad port spec fails and says why" \
	sh -c "pkt-gen -f rx -i 'c{5/Q' -T 0 > /dev/null 2> /tmp/e; [ \$? = 1 ] && grep -q \"unknown flag 'Q'\" /tmp/e"

check "livemap.ko unloads" rmmod livemap
EOF2
}
