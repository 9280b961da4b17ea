# Races on purpose: pipe ends bound/unbound while frames flow, processes
# fighting over one ring's indices, mappings outliving fds.  No oops, no
# hang, only documented answers, counters balanced afterwards.
DESC="core: bind/unbind/sync/mmap churn on pipes from 8 processes, then leak counters"
NICS=""
TIMEOUT=240
MEM=1024

guest() {
	cat <<'EOF2'

check "livemap.ko loads" lm_insmod livemap
tap core_churn -t 30
diag "$(tr '\n' ' ' < /sys/module/livemap/parameters/stats)"
is "$(stat_of bufs_in_use)" 0 "no buffer in use with nothing bound"
is "$(stat_of rings_in_use)" 0 "no ring in use with nothing bound"
is "$(stat_of pages_alloc)" "$(stat_of pages_free)" "every region page allocated was freed"
is "$(stat_of mem_alloc)" "$(stat_of mem_free)" "every allocator freed"
is "$(stat_of pipes_alloc)" "$(stat_of pipes_free)" "every pipe freed"
is "$(stat_of adapters_alloc)" "$(stat_of adapters_free)" "every adapter freed"
is "$(stat_of files_open)" "$(stat_of files_close)" "every file closed"
tap core_pipe -n 200000 -l 0 -b 256 -p after
check "livemap.ko unloads" rmmod livemap
EOF2
}
