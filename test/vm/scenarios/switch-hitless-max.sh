# Issue 5 acceptance, second rate: the hitless switch (as switch-hitless,
# same assertions) under the highest stream rate the guest's stack receives
# without loss.  Measured with bench/switch.d/stack-rate.sh (livemap_e1000
# stack mode, AF_PACKET reader, the guest transmitting 500/s meanwhile):
# 20,000 frames/s loss-free, 30,000 not (25 Nov 2026, TCG on this machine).
# RATE=N overrides; `bench/switch --max-rate auto` re-probes.
SW_MODE=hitless
SW_CYCLES=${CYCLES:-20}
SW_RATE=${RATE:-20000}
SW_PAUSE=0.5
DESC="hitless switch: $SW_CYCLES enter/exit cycles at the highest loss-free stack rate ($SW_RATE/s), nothing lost"
SW_ASSERT=1
SW_PLOT_MS=50
TIMEOUT=$((90 + SW_CYCLES * 6))
# shellcheck disable=SC1091
. "$TOP/test/vm/lib/switch.sh"
