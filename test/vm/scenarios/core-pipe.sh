# The core's own pipe test: core_pipe (raw ABI, no libnetmap) moves numbered
# frames x{0 -> x}0 with both ends blocking in poll(), then the module
# unloads with every allocation counter balanced.
DESC="core: pipe frames through x{0/x}0 with poll() on both sides, no loss; leak counters balance"
NICS=""
TIMEOUT=600
MEM=1024

guest() {
	cat <<'EOF2'

check "livemap.ko loads" lm_insmod livemap
tap core_pipe -n 1000000 -l 60 -b 512 -p x
tap core_pipe -n 200000 -l 0 -b 64 -p y
tap core_pipe -n 100000 -l 1514 -b 1 -p z
diag "$(tr '\n' ' ' < /sys/module/livemap/parameters/stats)"
is "$(stat_of pages_alloc)" "$(stat_of pages_free)" "every region page allocated was freed"
is "$(stat_of pipes_alloc)" "$(stat_of pipes_free)" "every pipe freed"
is "$(stat_of adapters_alloc)" "$(stat_of adapters_free)" "every adapter freed"
is "$(stat_of files_open)" "$(stat_of files_close)" "every file closed"
is "$(stat_of ring_reinit)" 0 "no ring was reset"
check "livemap.ko unloads" rmmod livemap
EOF2
}
