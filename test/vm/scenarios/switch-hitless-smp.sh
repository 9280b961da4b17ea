# Issue 5 acceptance on two vCPUs: switch-hitless itself (same body, same
# assertions: carrier unchanged, every frame exactly once and in order,
# copies bounded, none after one ring round, memory freed at unload) with
# eth0's interrupt, NAPI and the stack's reader and writer on CPU 0 and
# pkt-gen on CPU 1 (test/vm/lib/switch.sh places them).  On one vCPU NAPI
# never runs while the switch does; here it does: the ring lock, NAPI off
# for one register (switch_begin/end), the ICS kick raising the interrupt
# on the other CPU and the syncs against NAPI are exercised as they are on
# real hardware.  Ten cycles: the 20 of switch-hitless cover the rest.
SW_MODE=hitless
SW_CYCLES=${CYCLES:-10}
SW_RATE=${RATE:-2000}
SW_PAUSE=0.5
SMP=2
DESC="hitless switch on 2 vCPUs: $SW_CYCLES enter/exit cycles under a $SW_RATE frames/s stream, nothing lost"
SW_ASSERT=1
TIMEOUT=$((90 + SW_CYCLES * 6))
# shellcheck disable=SC1091
. "$TOP/test/vm/lib/switch.sh"
