# Receive filters of livemap_e1000: station address, broadcast, foreign
# unicast (dropped unless promiscuous or added as a secondary address),
# multicast through the MTA hash (joined groups only, all with allmulti).
# QEMU holds rx for 1 s after every RCTL write (open, allmulti, promisc):
# the guest lets that pass (settle) before each phase, so every "want N"
# below is exact.
DESC="livemap_e1000: unicast/broadcast/multicast/allmulti/promiscuous filtering"
NICS="e1000"
TIMEOUT=240

# phase NAME DST WANT: the host sends 200 frames to DST, the guest counts.
PHASES="own:52:54:00:12:34:10:200
foreign:02:00:00:00:00:99:0
bcast:ff:ff:ff:ff:ff:ff:200
grpA-unjoined:01:00:5e:01:02:03:0
grpA-joined:01:00:5e:01:02:03:200
grpB-unjoined:01:00:5e:7f:00:fe:0
grpB-allmulti:01:00:5e:7f:00:fe:200
grpB-allmulti-off:01:00:5e:7f:00:fe:0
foreign-secondary:02:00:00:00:00:99:200
foreign-secondary-gone:02:00:00:00:00:99:0
foreign-promisc:02:00:00:00:00:77:200
foreign-promisc-off:02:00:00:00:00:77:0"

guest() {
	cat <<'EOF2'
rxp() { cat /sys/class/net/eth0/statistics/rx_packets; }
# phase NAME WANT: let the host send, then compare the stack's counter.
phase() {
	_b=$(rxp)
	tell "SEND_$1"
	wait_for "SENT_$1" 60
	if [ "$2" -gt 0 ]; then
		wait_until 5 sh -c "[ \$(cat /sys/class/net/eth0/statistics/rx_packets) -ge $((_b + $2)) ]"
	fi
	usleep 500000
	is "$(( $(rxp) - _b ))" "$2" "$1: $2 of 200 frames reach the stack"
}
settle() { usleep 1200000; }
check "livemap core loads" lm_insmod livemap
check "livemap_e1000 loads" lm_insmod livemap_e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
ip link set eth0 up
check "eth0 has carrier" wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]'
settle
phase own 200
phase foreign 0
phase bcast 200
phase grpA-unjoined 0
e1000_mcjoin eth0 mc:01:00:5e:01:02:03 >/tmp/j1 &
j1=$!
check "joined group A" wait_until 5 grep -q joined /tmp/j1
phase grpA-joined 200
phase grpB-unjoined 0
ifconfig eth0 allmulti
settle
phase grpB-allmulti 200
ifconfig eth0 -allmulti
settle
phase grpB-allmulti-off 0
kill $j1
e1000_mcjoin eth0 uc:02:00:00:00:00:99 >/tmp/j2 &
j2=$!
check "secondary unicast added" wait_until 5 grep -q joined /tmp/j2
phase foreign-secondary 200
kill $j2
usleep 200000
phase foreign-secondary-gone 0
ifconfig eth0 promisc
settle
phase foreign-promisc 200
ifconfig eth0 -promisc
settle
phase foreign-promisc-off 0
e1000_ethtool -S eth0 >/tmp/stats.txt
send_file /tmp/stats.txt ethtool-S.txt
check "livemap_e1000 unloads" rmmod livemap_e1000
check "livemap core unloads" rmmod livemap
EOF2
}

host() {
	local p name dst
	for p in $PHASES; do
		name=${p%%:*}
		dst=${p#*:}
		dst=${dst%:*}
		wait_guest "SEND_$name" 60 || return 1
		diag "$(date +%s.%N) host: sending $name"
		"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send 200 --rate 2000 \
			--on-full block --dst "$dst" --timeout 30 --json >"$VMDIR/peer-$name.json"
		is "$(json_get "$VMDIR/peer-$name.json" sent)" 200 "peer sent 200 frames to $dst ($name)"
		diag "$(date +%s.%N) host: sent $name"
		tell_guest "SENT_$name"
	done
}
