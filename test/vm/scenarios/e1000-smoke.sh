# livemap_e1000 binds the 82540EM, brings the link up, receives a short
# stream, answers ethtool, resizes its rings, survives down/up and unloads.
DESC="livemap_e1000: probe, link, rx, ethtool, ring resize, down/up, unload"
NICS="e1000"
SMOKE=1
TIMEOUT=120

guest() {
	cat <<'EOF2'
check "livemap core loads" lm_insmod livemap
check "livemap_e1000 loads" lm_insmod livemap_e1000
check "eth0 appears" wait_until 10 test -e /sys/class/net/eth0
check "eth0 is driven by livemap_e1000" sh -c 'e1000_ethtool -i eth0 | grep -q "^driver livemap_e1000 "'
is "$(cat /sys/class/net/eth0/address)" 52:54:00:12:34:10 "MAC read from the EEPROM"
ip link set eth0 up
check "eth0 has carrier" wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]'
check "link reports 1000 Mb/s full duplex" sh -c 'e1000_ethtool -l eth0 | grep -q "^speed 1000 duplex full"'
is "$(e1000_ethtool -g eth0)" "rx 256 tx 256 max_rx 4096 max_tx 4096" "default rings 256/256"
# QEMU holds rx for 1 s after the RCTL write of open: let it pass so the
# peer's frames are taken, not refused.
usleep 1200000
tell READY
wait_for SENT 60
check "stack counted the 2000 frames" wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/statistics/rx_packets)" -ge 2000 ]'
value rx_packets "$(cat /sys/class/net/eth0/statistics/rx_packets)"
e1000_ethtool -S eth0 >/tmp/stats.txt
send_file /tmp/stats.txt ethtool-S.txt
check "ethtool -S has the livemap counters" grep -q "^lm_switch_copies 0" /tmp/stats.txt
check "ring resize to 512/128" e1000_ethtool -G eth0 512 128
is "$(e1000_ethtool -g eth0)" "rx 512 tx 128 max_rx 4096 max_tx 4096" "rings now 512/128"
check "ring size 8 refused" sh -c '! e1000_ethtool -G eth0 8 8 2>/dev/null'
check "carrier back after resize" wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]'
ip link set eth0 down
is "$(carrier eth0)" "" "no carrier while down"
ip link set eth0 up
check "carrier back after down/up" wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]'
check "MTU 9000 accepted" ip link set eth0 mtu 9000
check "MTU 20000 refused" sh -c '! ip link set eth0 mtu 20000 2>/dev/null'
check "MTU back to 1500" ip link set eth0 mtu 1500
check "carrier after MTU changes" wait_until 10 sh -c '[ "$(cat /sys/class/net/eth0/carrier)" = 1 ]'
check "livemap_e1000 unloads" rmmod livemap_e1000
check "livemap core unloads" rmmod livemap
check "eth0 is gone" test ! -e /sys/class/net/eth0
EOF2
}

host() {
	wait_guest READY 60 || return 1
	"$PEER" --vm "$NIC0_VM" --bind "$NIC0_PEER" --send 2000 --rate 2000 \
		--dst "$NIC0_MAC" --timeout 30 --json >"$VMDIR/peer-tx.json"
	is "$(json_get "$VMDIR/peer-tx.json" refused)" 0 "peer: no frame refused by QEMU"
	tell_guest SENT
}
