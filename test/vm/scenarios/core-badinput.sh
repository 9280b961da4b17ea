# Bad input to /dev/netmap: every call fails with its documented errno, no
# oops, no leak, no hang; the module unloads with its counters balanced.
DESC="core: bad-input suite (indices, slots, options, header, names, mmap, close-while-poll), leak counters"
NICS=""
TIMEOUT=300
MEM=1024

guest() {
	cat <<'EOF2'
# tap PROG ARGS...: run a TAP program, turn each ok/not ok line into a check.
tap() {
	"$@" > /tmp/tap.out 2>&1
	_rc=$?
	while IFS= read -r _l; do
		case "$_l" in
		"ok "*) lm_log "@check ok $1: ${_l#* - }" ;;
		"not ok "*) lm_log "@check fail $1: ${_l#* - }" ;;
		"#"*) diag "$1: ${_l#\# }" ;;
		esac
	done < /tmp/tap.out
	is "$_rc" 0 "$1 exits 0"
}
stat_of() { sed -n "s/^$1 //p" /sys/module/livemap/parameters/stats; }

check "livemap.ko loads" lm_insmod livemap
tap core_badinput
# A second pass on the same module instance: state left behind by the
# first (pipes, allocator, exclusive marks) would show up here.
tap core_badinput
diag "$(tr '\n' ' ' < /sys/module/livemap/parameters/stats)"
check "a bad index was logged (rate-limited) with 'ring reset'" \
	sh -c 'dmesg | grep -q "ring reset"'
is "$(stat_of bufs_in_use)" 0 "no buffer in use with nothing bound"
is "$(stat_of rings_in_use)" 0 "no ring in use with nothing bound"
is "$(stat_of pages_alloc)" "$(stat_of pages_free)" "every region page allocated was freed"
is "$(stat_of mem_alloc)" "$(stat_of mem_free)" "every allocator freed"
is "$(stat_of pipes_alloc)" "$(stat_of pipes_free)" "every pipe freed"
is "$(stat_of adapters_alloc)" "$(stat_of adapters_free)" "every adapter freed"
is "$(stat_of files_open)" "$(stat_of files_close)" "every file closed"
check "livemap.ko unloads" rmmod livemap
check "and loads again" lm_insmod livemap
check "and unloads again" rmmod livemap
EOF2
}
