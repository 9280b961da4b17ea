# Host rings through the core, on livemap_e1000 (switch_mode=reset):
#  - host tx -> stack: frames the application writes into the host tx ring
#    (netmap:eth0^) reach the stack (an AF_PACKET reader counts them);
#  - stack -> host rx: while eth0 is bound NIC+host (netmap:eth0*), the
#    stack's own transmissions (ARP requests of a ping) land in the host rx
#    ring instead of the wire;
#  - while only NIC rings are bound (netmap:eth0), those transmissions are
#    counted in the core's host_drops.
DESC="core: host rings on livemap_e1000 (host tx -> stack, stack -> host rx, host_drops), leak counters"
NICS="e1000"
TIMEOUT=240

guest() {
	cat <<'EOF2'
jget() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1" | tail -n 1; }
carrier_up() { wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]'; }

check "livemap core loads" lm_insmod livemap
check "livemap_e1000 loads" lm_insmod livemap_e1000 switch_mode=reset
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
ip addr add 10.99.0.1/24 dev eth0
check "eth0 has carrier" carrier_up
mac=$(cat /sys/class/net/eth0/address)

# 1. host tx -> stack
lm-afp rx -i eth0 --count 1000 --timeout 60 --idle 10 --ready-file /tmp/afp.ready --json \
	> /tmp/afp.json 2> /tmp/afp.err &
afp=$!
check "stack reader ready" wait_until 10 test -e /tmp/afp.ready
pkt-gen -f txseq -i 'netmap:eth0^' -n 1000 -l 60 --dst "$mac" -T 0 --json \
	> /tmp/htx.json 2> /tmp/htx.err
check "pkt-gen txseq on the host tx ring exits 0" test $? = 0
wait $afp
diag "afp: $(tail -n 1 /tmp/afp.json) $(cat /tmp/afp.err)"
diag "htx: $(tail -n 1 /tmp/htx.json) $(cat /tmp/htx.err)"
is "$(jget /tmp/htx.json pkts)" 1000 "1000 frames written to the host tx ring"
is "$(jget /tmp/afp.json valid)" 1000 "the stack received all 1000 (AF_PACKET reader)"
is "$(stat_of host_tx_drops)" 0 "no host tx drop"
check "eth0 back with carrier" carrier_up

# 2. stack -> host rx, with NIC and host rings bound
pkt-gen -f rx -i 'netmap:eth0*' -d 8 -T 0 --json > /tmp/hrx.json 2> /tmp/hrx.err &
rx=$!
usleep 3000000
ping -c 6 -i 0.5 -W 1 10.99.0.2 > /dev/null 2>&1
wait $rx
diag "hrx: $(tail -n 1 /tmp/hrx.json) $(cat /tmp/hrx.err)"
got=$(jget /tmp/hrx.json pkts)
check "the stack's ARP requests reached the host rx ring ($got frames)" test "${got:-0}" -ge 3
check "eth0 back with carrier" carrier_up

# 3. NIC rings only: the stack's frames are dropped and counted
d0=$(stat_of host_drops)
pkt-gen -f rx -i 'netmap:eth0' -d 7 -T 0 --json > /tmp/nrx.json 2> /tmp/nrx.err &
rx=$!
usleep 3000000
ping -c 6 -i 0.5 -W 1 10.99.0.2 > /dev/null 2>&1
wait $rx
d1=$(stat_of host_drops)
check "host_drops counted the stack's frames with no host ring bound ($d0 -> $d1)" \
	test "$d1" -ge $((d0 + 3))

diag "$(tr '\n' ' ' < /sys/module/livemap/parameters/stats)"
# No file bound, the allocator alive (the driver holds it): every buffer,
# ring and netmap_if came back; only lent buffers may be out.
is_lent_only "with nothing bound, bufs_in_use == bufs_lent"
is "$(stat_of rings_in_use)" 0 "with nothing bound, no ring in use"
is "$(stat_of ifs_in_use)" 0 "with nothing bound, no netmap_if in use"
check "livemap_e1000 unloads" rmmod livemap_e1000
is "$(stat_of pages_alloc)" "$(stat_of pages_free)" "every region page freed after the driver left"
is "$(stat_of dma_map)" "$(stat_of dma_unmap)" "every DMA mapping undone"
is "$(stat_of adapters_alloc)" "$(stat_of adapters_free)" "every adapter freed"
check "livemap core unloads" rmmod livemap
EOF2
}
