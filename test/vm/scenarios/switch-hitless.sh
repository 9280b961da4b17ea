# Issue 5 acceptance: livemap_e1000 switch_mode=hitless enters and leaves
# netmap mode 20 times (pkt-gen rxseq on netmap:eth0 for 0.5 s each) under
# the peer's 2,000 frames/s numbered stream, with the guest's stack
# transmitting at the same time.  Asserted: carrier_changes unchanged,
# every frame exactly once and in order across the stack and the
# application, every frame the stack sent at the peer (or diverted to the
# unbound host ring), copies per enter <= ring size, no copy in the second
# half of a period, all netmap memory freed after unload.  SKIPs only when
# the driver refuses switch_mode=hitless.  Body: test/vm/lib/switch.sh.
SW_MODE=hitless
SW_CYCLES=${CYCLES:-20}
SW_RATE=${RATE:-2000}
SW_PAUSE=0.5
DESC="hitless switch: $SW_CYCLES enter/exit cycles under a $SW_RATE frames/s stream, nothing lost"
SW_ASSERT=1
SMOKE=1
TIMEOUT=$((90 + SW_CYCLES * 6))
# shellcheck disable=SC1091
. "$TOP/test/vm/lib/switch.sh"
