# The rings of a dying process go back when its address space is torn
# down, before its files are closed (lm_mm.c), and only when nothing else
# can reach the file: a forked child, an fd in flight over SCM_RIGHTS or
# an exec keeping the fd leave them bound.  On pipes; no NIC.
DESC="core: rings handed back at exit_mmap only when the dying process was the file's last user"
NICS=""
SMOKE=1
TIMEOUT=120

guest() {
	cat <<'EOF2'
check "livemap.ko loads" lm_insmod livemap
tap core_exit
is "$(stat_of rings_in_use)" 0 "no ring in use with nothing bound"
is "$(stat_of files_open)" "$(stat_of files_close)" "every file closed"
check "livemap.ko unloads" rmmod livemap
EOF2
}
