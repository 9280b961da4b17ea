# The guest boots, livemap.ko loads and unloads, /dev/netmap comes and goes.
DESC="livemap.ko loads, /dev/netmap appears and goes away on unload"
NICS=""
TIMEOUT=90
SMOKE=1

guest() {
	cat <<'EOF2'
check "livemap.ko loads" lm_insmod livemap
check "livemap is in /proc/modules" grep -q '^livemap ' /proc/modules
check "/dev/netmap is a character device" test -c /dev/netmap
check "/dev/netmap is root-only (crw-------)" sh -c 'ls -l /dev/netmap | grep -q "^crw-------"'
check "the version is logged" sh -c 'dmesg | grep -q "livemap: version"'
check "livemap.ko unloads" rmmod livemap
check "/dev/netmap is gone after unload" test ! -e /dev/netmap
check "livemap.ko loads a second time" lm_insmod livemap
check "and unloads again" rmmod livemap
EOF2
}
