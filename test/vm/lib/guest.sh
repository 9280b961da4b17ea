# Helpers for scenario guest scripts (busybox ash).  Everything a script
# reports goes to the host over fd 3 (ttyS1), one line per record:
#   @check ok|fail DESC      @value KEY VALUE      @tell TOKEN
#   @diag TEXT               @file NAME / @f BASE64 / @endfile

lm_log() { printf '%s\n' "$*" >&3; }

diag() { lm_log "@diag $*"; }

# check DESC CMD [ARGS...]: run CMD, record ok/fail; returns CMD's status.
check() {
	_d=$1
	shift
	"$@"
	_rc=$?
	if [ $_rc = 0 ]; then
		lm_log "@check ok $_d"
		return 0
	fi
	lm_log "@check fail $_d (exit $_rc: $*)"
	return 1
}

# is GOT WANT DESC
is() {
	if [ "$1" = "$2" ]; then
		lm_log "@check ok $3"
		return 0
	fi
	lm_log "@check fail $3 (got '$1', want '$2')"
	return 1
}

value() { lm_log "@value $1 $2"; }

tell() { lm_log "@tell $1"; }

# wait_for TOKEN SECS: block until the host says TOKEN; a timeout is a failure.
# /init's reader appends every host line to $LM_HOST_LINES; tokens are
# consumed in order (lines before the match are skipped, as if read), and
# the count consumed lives in a file so subshells share it.  Reading the
# tty here with a timeout could cut a line in two and lose its head.
wait_for() {
	_deadline=$(( $(date +%s) + ${2:-30} ))
	while :; do
		_seen=$(cat "$LM_HOST_LINES.seen" 2>/dev/null || echo 0)
		_n=$(tr -d '\r' <"$LM_HOST_LINES" |
			awk -v from="$_seen" -v tok="$1" 'NR > from && $0 == tok { print NR; exit }')
		if [ -n "$_n" ]; then
			echo "$_n" >"$LM_HOST_LINES.seen"
			return 0
		fi
		[ "$(date +%s)" -ge "$_deadline" ] && break
		usleep 20000
	done
	lm_log "@check fail waiting for host token '$1' (${2:-30}s)"
	return 1
}

# next_host_line SECS: print the host's next unconsumed line and consume it
# (for a host that chooses between tokens, e.g. STEPk or DONE).
next_host_line() {
	_deadline=$(( $(date +%s) + ${1:-30} ))
	while :; do
		_seen=$(cat "$LM_HOST_LINES.seen" 2>/dev/null || echo 0)
		_l=$(tr -d '\r' <"$LM_HOST_LINES" | sed -n "$((_seen + 1))p")
		if [ -n "$_l" ]; then
			echo $((_seen + 1)) >"$LM_HOST_LINES.seen"
			echo "$_l"
			return 0
		fi
		[ "$(date +%s)" -ge "$_deadline" ] && return 1
		usleep 20000
	done
}

# send_file PATH [NAME]: copy a guest file to the host's artifacts dir.
send_file() {
	lm_log "@file ${2:-$(basename "$1")}"
	base64 "$1" | while read -r _l; do lm_log "@f $_l"; done
	lm_log "@endfile"
}

# lm_insmod NAME [PARAMS...]: load one of our modules.
lm_insmod() {
	_m=$1
	shift
	insmod "/lib/livemap/$_m.ko" "$@"
}

# kmod NAME: load an in-tree module and its dependencies (order from the image builder).
kmod() {
	for _k in $(sed -n "s/^$1: //p" /lib/kmod/order); do
		grep -q "^$(basename "$_k" .ko | tr - _) " /proc/modules || insmod "/lib/kmod/$_k" || return 1
	done
}

# wait_until SECS CMD...: poll CMD every 50 ms until it succeeds (deadline-bounded).
wait_until() {
	_deadline=$(( $(date +%s) + $1 ))
	shift
	until "$@"; do
		[ "$(date +%s)" -ge "$_deadline" ] && return 1
		usleep 50000
	done
}

# carrier IF: 1 when the link is up.  has_carrier IF: its status (for wait_until).
carrier() { cat "/sys/class/net/$1/carrier" 2>/dev/null; }
has_carrier() { [ "$(carrier "$1")" = 1 ]; }

# tap PROG ARGS...: run a TAP-speaking guest program; each of its ok/not ok
# lines becomes a check, its comments diagnostics, and its exit status one
# more check.
tap() {
	"$@" >/tmp/tap.out 2>&1
	_rc=$?
	while IFS= read -r _l; do
		case "$_l" in
		"ok "*) lm_log "@check ok $1: ${_l#* - }" ;;
		"not ok "*) lm_log "@check fail $1: ${_l#* - }" ;;
		"#"*) diag "$1: ${_l#\# }" ;;
		esac
	done </tmp/tap.out
	is "$_rc" 0 "$1 exits 0"
}

# stat_of KEY: one of livemap.ko's own counters (allocations, gauges).
stat_of() { sed -n "s/^$1 //p" /sys/module/livemap/parameters/stats; }
# stats_of NAME...: their values "/"-separated, from one read of the stats
# (the kernel takes them under one lock; two reads race a stream that
# converts lent buffers back meanwhile).
stats_of() {
	awk -v names="$*" '{ v[$1] = $2 }
		END { n = split(names, k, " ")
		      for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? "/" : ""), v[k[i]]
		      print "" }' /sys/module/livemap/parameters/stats
}
# is_lent_only TEXT: a check that every buffer in use is one a NIC holds
# lent (bufs_in_use == bufs_lent, one read; a missing value fails).
is_lent_only() {
	local iul
	iul=$(stats_of bufs_in_use bufs_lent)
	is "$iul" "${iul#*/}/${iul#*/}" "$1 (bufs_in_use/bufs_lent, one read)"
}

# place_app_cpu IF: with two vCPUs or more, place as one deploys a netmap
# application: IF's interrupt (hence NAPI), this shell and all it starts on
# CPU 0; APP_CPU ("taskset MASK" of the last CPU) runs a command there
# alone.  A register call timed there costs what the switch costs, not
# the stack work a scheduler would run in its middle on one vCPU.  With
# one vCPU APP_CPU is empty.  Sets ncpu.
place_app_cpu() {
	local irq
	ncpu=$(grep -c '^processor' /proc/cpuinfo)
	APP_CPU=""
	[ "$ncpu" -ge 2 ] || return 0
	irq=$(awk -v i="$1" '$NF == i { sub(":", "", $1); print $1 }' /proc/interrupts)
	check "$1's interrupt (IRQ ${irq:-?}) on CPU 0" \
		sh -c "[ -n '$irq' ] && echo 1 >/proc/irq/$irq/smp_affinity"
	check "this shell and what it starts on CPU 0" taskset -p 1 $$
	APP_CPU="taskset $(printf '%x' $((1 << (ncpu - 1))))"
}
