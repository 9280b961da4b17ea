# The baseline in the same job as the hitless switch (issue 5) and issue 4's
# reset-mode measurement: livemap_e1000 switch_mode=reset (down, swap
# buffers, up around every register/unregister) through the same cycles,
# stream and transmit load as switch-hitless.  Measured and printed, not
# asserted: only that the link comes back and the measurement is complete.
# Fewer cycles: each switch costs ~2 s of carrier.  Body: test/vm/lib/switch.sh.
SW_MODE=reset
SW_CYCLES=${CYCLES:-5}
SW_RATE=${RATE:-2000}
SW_PAUSE=2
# The application holds the port 2 s, not 0.5 s: after the reset QEMU's
# e1000 holds rx for 1 s (RCTL write), so a 0.5 s hold receives nothing
# and no enter/exit could be attributed (measured: 0 frames in 2 of 2).
SW_HOLD=2
SW_PLOT_MS=1500	# the plot spans both resets of an enter
DESC="reset switch (baseline, measured): $SW_CYCLES enter/exit cycles under a $SW_RATE frames/s stream"
SW_ASSERT=0
TIMEOUT=$((90 + SW_CYCLES * 15))
# shellcheck disable=SC1091
. "$TOP/test/vm/lib/switch.sh"
