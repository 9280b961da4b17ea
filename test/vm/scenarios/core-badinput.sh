# Bad input to /dev/netmap: every call fails with its documented errno, no
# oops, no leak, no hang; the module unloads with its counters balanced.
DESC="core: bad-input suite (indices, slots, options, header, names, mmap, close-while-poll), leak counters"
NICS=""
SMOKE=1
TIMEOUT=300
MEM=1024

guest() {
	cat <<'EOF2'

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
