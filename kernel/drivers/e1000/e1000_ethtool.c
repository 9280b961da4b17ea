// SPDX-License-Identifier: GPL-2.0
/*
 * e1000_ethtool.c - ethtool: driver info, link, ring sizes, statistics.
 */
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>

#include "lm_e1000.h"

enum lm_stat_src { LM_ST_RX, LM_ST_TX, LM_ST_TXD, LM_ST_SW, LM_ST_HW };

struct lm_stat_desc {
	char name[ETH_GSTRING_LEN];
	u8 src;			/* enum lm_stat_src */
	u16 offset;		/* of the u64 in its source struct */
};

#define LM_STAT(n, s, type, field) \
	{ n, s, offsetof(type, field) }
#define RX(n, f)  LM_STAT(n, LM_ST_RX, struct lm_e1000_ring_stats, f)
#define TX(n, f)  LM_STAT(n, LM_ST_TX, struct lm_e1000_ring_stats, f)
#define TXD(n, f) LM_STAT(n, LM_ST_TXD, struct lm_e1000_tx_drops, f)
#define SW(f)     LM_STAT(#f, LM_ST_SW, struct lm_e1000_sw_stats, f)
#define HW(n, f)  LM_STAT(n, LM_ST_HW, struct lm_e1000_hw_stats, f)

static const struct lm_stat_desc lm_stats[] = {
	RX("rx_packets", packets),
	RX("rx_bytes", bytes),
	TX("tx_packets", packets),
	TX("tx_bytes", bytes),
	RX("rx_runt", runt),
	RX("rx_oversize", oversize),
	RX("rx_spanning", spanning),
	RX("rx_frame_errors", frame_errors),
	RX("rx_alloc_failed", alloc_failed),
	RX("rx_copybreak", copybreak),
	TXD("tx_dma_failed", dma_failed),
	TXD("tx_bad_frame", bad_frame),
	SW(tx_timeouts),
	SW(link_changes),
	SW(lm_switch_copies),
	SW(lm_conversions),
	SW(lm_reverse_copies),
	SW(lm_idle_reclaims),
	SW(lm_handed_to_stack),
	SW(lm_spares),
	HW("hw_rx_good", gprc),
	HW("hw_rx_broadcast", bprc),
	HW("hw_rx_multicast", mprc),
	HW("hw_rx_total", tpr),
	HW("hw_rx_good_bytes", gorc),
	HW("hw_rx_no_buffer", rnbc),
	HW("hw_rx_missed", mpc),
	HW("hw_rx_undersize", ruc),
	HW("hw_rx_oversize", roc),
	HW("hw_rx_fragment", rfc),
	HW("hw_rx_jabber", rjc),
	HW("hw_rx_length_errors", rlec),
	HW("hw_rx_crc_errors", crcerrs),
	HW("hw_rx_align_errors", algnerrc),
	HW("hw_rx_symbol_errors", symerrs),
	HW("hw_rx_errors", rxerrc),
	HW("hw_tx_good", gptc),
	HW("hw_tx_broadcast", bptc),
	HW("hw_tx_multicast", mptc),
	HW("hw_tx_total", tpt),
	HW("hw_tx_good_bytes", gotc),
	HW("hw_tx_collisions", colc),
	HW("hw_tx_late_collisions", latecol),
	HW("hw_tx_excess_collisions", ecol),
};

#undef RX
#undef TX
#undef TXD
#undef SW
#undef HW
#undef LM_STAT

static void lm_get_drvinfo(struct net_device *dev,
			   struct ethtool_drvinfo *info)
{
	struct lm_e1000 *a = netdev_priv(dev);

	strscpy(info->driver, LM_E1000_NAME, sizeof(info->driver));
	strscpy(info->bus_info, pci_name(a->pdev), sizeof(info->bus_info));
}

static int lm_get_link_ksettings(struct net_device *dev,
				 struct ethtool_link_ksettings *ks)
{
	struct lm_e1000 *a = netdev_priv(dev);

	/* The 82540EM's internal PHY: 10/100 half and full, 1000 full,
	 * twisted pair, autonegotiation (1.3, feature summary). */
	ethtool_link_ksettings_zero_link_mode(ks, supported);
	ethtool_link_ksettings_add_link_mode(ks, supported, 10baseT_Half);
	ethtool_link_ksettings_add_link_mode(ks, supported, 10baseT_Full);
	ethtool_link_ksettings_add_link_mode(ks, supported, 100baseT_Half);
	ethtool_link_ksettings_add_link_mode(ks, supported, 100baseT_Full);
	ethtool_link_ksettings_add_link_mode(ks, supported, 1000baseT_Full);
	ethtool_link_ksettings_add_link_mode(ks, supported, Autoneg);
	ethtool_link_ksettings_add_link_mode(ks, supported, TP);
	bitmap_copy(ks->link_modes.advertising, ks->link_modes.supported,
		    __ETHTOOL_LINK_MODE_MASK_NBITS);

	ks->base.port = PORT_TP;
	ks->base.phy_address = 1;
	ks->base.autoneg = AUTONEG_ENABLE;
	if (netif_running(dev) && netif_carrier_ok(dev)) {
		ks->base.speed = a->link_speed;
		ks->base.duplex = a->link_full_duplex ? DUPLEX_FULL : DUPLEX_HALF;
	} else {
		ks->base.speed = SPEED_UNKNOWN;
		ks->base.duplex = DUPLEX_UNKNOWN;
	}
	return 0;
}

static void lm_get_ringparam(struct net_device *dev,
			     struct ethtool_ringparam *ring,
			     struct kernel_ethtool_ringparam *kring,
			     struct netlink_ext_ack *extack)
{
	struct lm_e1000 *a = netdev_priv(dev);

	ring->rx_max_pending = LM_E1000_MAX_RING;
	ring->tx_max_pending = LM_E1000_MAX_RING;
	ring->rx_pending = a->rx_ring_size;
	ring->tx_pending = a->tx_ring_size;
}

static int lm_set_ringparam(struct net_device *dev,
			    struct ethtool_ringparam *ring,
			    struct kernel_ethtool_ringparam *kring,
			    struct netlink_ext_ack *extack)
{
	struct lm_e1000 *a = netdev_priv(dev);
	unsigned int rx = ring->rx_pending, tx = ring->tx_pending;
	int err;

	if (ring->rx_mini_pending || ring->rx_jumbo_pending) {
		NL_SET_ERR_MSG_MOD(extack, "no mini or jumbo rings");
		return -EINVAL;
	}
	if (rx < LM_E1000_MIN_RING || tx < LM_E1000_MIN_RING ||
	    rx > LM_E1000_MAX_RING || tx > LM_E1000_MAX_RING) {
		NL_SET_ERR_MSG_MOD(extack, "ring size out of range 64..4096");
		return -EINVAL;
	}
	/* RDLEN/TDLEN are multiples of 128 bytes (14.4, 14.5). */
	rx = ALIGN(rx, E1000_RING_ALIGN_DESCS);
	tx = ALIGN(tx, E1000_RING_ALIGN_DESCS);
	if (rx == a->rx_ring_size && tx == a->tx_ring_size)
		return 0;
	if (a->nm_rx || a->nm_tx) {
		NL_SET_ERR_MSG_MOD(extack, "a ring is in netmap mode");
		return -EBUSY;
	}
	err = lm_e1000_reinit(a, rx, tx, dev->mtu);
	if (!err)
		lm_e1000_nm_resized(a);	/* the port's slot counts follow */
	return err;
}

static int lm_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(lm_stats) : -EOPNOTSUPP;
}

static void lm_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(lm_stats); i++)
		memcpy(data + i * ETH_GSTRING_LEN, lm_stats[i].name,
		       ETH_GSTRING_LEN);
}

static void lm_get_ethtool_stats(struct net_device *dev,
				 struct ethtool_stats *stats, u64 *data)
{
	struct lm_e1000 *a = netdev_priv(dev);
	struct lm_e1000_ring_stats rx, tx;
	struct lm_e1000_tx_drops txd;
	struct lm_e1000_sw_stats sw;
	struct lm_e1000_hw_stats hw;
	unsigned long flags;
	unsigned int i;

	if (!test_bit(LM_E1000_DOWN, &a->state))
		lm_e1000_hw_read_stats(a);
	lm_e1000_ring_stats_read(&rx, &a->rx.stats);
	lm_e1000_ring_stats_read(&tx, &a->tx.stats);
	lm_e1000_tx_drops_read(&txd, &a->tx_drops);
	spin_lock_irqsave(&a->stats_lock, flags);
	sw = a->sw_stats;
	hw = a->hw_stats;
	lm_e1000_hl_stats(a, &sw);	/* the live engines' switch counters */
	spin_unlock_irqrestore(&a->stats_lock, flags);

	for (i = 0; i < ARRAY_SIZE(lm_stats); i++) {
		const void *base[] = {
			[LM_ST_RX] = &rx, [LM_ST_TX] = &tx, [LM_ST_TXD] = &txd,
			[LM_ST_SW] = &sw, [LM_ST_HW] = &hw,
		};

		data[i] = *(const u64 *)((const u8 *)base[lm_stats[i].src] +
					 lm_stats[i].offset);
	}
}

static u32 lm_get_msglevel(struct net_device *dev)
{
	return ((struct lm_e1000 *)netdev_priv(dev))->msg_enable;
}

static void lm_set_msglevel(struct net_device *dev, u32 v)
{
	((struct lm_e1000 *)netdev_priv(dev))->msg_enable = v;
}

static const struct ethtool_ops lm_e1000_ethtool_ops = {
	.get_drvinfo		= lm_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= lm_get_link_ksettings,
	.get_ringparam		= lm_get_ringparam,
	.set_ringparam		= lm_set_ringparam,
	.get_sset_count		= lm_get_sset_count,
	.get_strings		= lm_get_strings,
	.get_ethtool_stats	= lm_get_ethtool_stats,
	.get_msglevel		= lm_get_msglevel,
	.set_msglevel		= lm_set_msglevel,
};

void lm_e1000_set_ethtool_ops(struct net_device *dev)
{
	dev->ethtool_ops = &lm_e1000_ethtool_ops;
}
