# Bad input on a NIC's rings: the application names, in a released slot,
# a buffer the NIC already holds (the same index in two slots, in one sync
# or in two; in a tx slot).  livemap_e1000 refuses it (EINVAL, one log
# line saying why), the slot stays the application's, the ring goes on.
# Named in two rx slots at an up after a down, the second slot gets a
# fresh buffer, as does a slot naming an index out of range (one log
# line), and the up succeeds.  After the exit
# nothing is lent twice or left behind, and the modules unload clean.
DESC="livemap_e1000: an rx slot naming a buffer the NIC holds is refused, the ring goes on"
NICS="e1000"
TIMEOUT=120
SMOKE=1

guest() {
	cat <<'EOF2'
check "livemap loads" lm_insmod livemap || exit 1
check "livemap_e1000 loads" lm_insmod livemap_e1000 || exit 1
ip link set eth0 up
check "eth0 has carrier" wait_until 10 has_carrier eth0
usleep 1200000		# QEMU's e1000 holds rx for 1 s after open's RCTL write
tell RX_READY
wait_for STREAMING 60 || exit 1
tap e1000_dupbuf netmap:eth0
check "one log line says why (once)" \
	sh -c 'dmesg | grep -c "which a NIC already holds" | grep -qx 1'
check "the re-entry says what it replaced" \
	sh -c 'dmesg | grep -q "2 slots named a free, lent, device-held, bad or repeated buffer; given fresh ones"'
is_lent_only "after the exit every buffer in use is one the NIC holds lent"
tell DONE
wait_for PEER_DONE 60
check "livemap_e1000 unloads" rmmod livemap_e1000
is "$(stats_of bufs_in_use bufs_lent)" 0/0 "after unload nothing lent or in use"
is "$(stats_of pages_free mem_free dma_unmap adapters_free)" \
	"$(stats_of pages_alloc mem_alloc dma_map adapters_alloc)" \
	"after unload all netmap memory is freed and unmapped (pages/mem/dma/adapters)"
check "livemap unloads" rmmod livemap
EOF2
}

host() {
	host_stream 2000 DONE
}
