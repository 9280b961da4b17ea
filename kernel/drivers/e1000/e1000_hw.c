// SPDX-License-Identifier: GPL-2.0
/*
 * e1000_hw.c - 82540EM device-level operations: reset, EEPROM, MAC setup,
 * address filters, statistics, link.  No ring logic lives here.
 * Section numbers refer to the 8254x SDM (see e1000_regs.h).
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/ethtool.h>

#include "lm_e1000.h"

#define E1000_EEPROM_WORDS	0x40	/* 64 x 16 bit on the 82540EM */
#define E1000_EEPROM_SUM	0xBABA	/* 5.6: words 00h..3Fh add up to this */
#define E1000_EERD_TIMEOUT_US	10000
#define E1000_RESET_TIMEOUT_US	10000

/*
 * Global (MAC) reset, 14.3 / 13.4.1.  Receive and transmit are stopped and
 * interrupts masked first so that no DMA is in flight when the reset hits;
 * RST clears itself, after which the device reloads its EEPROM defaults.
 * The PHY is not reset: link stays as negotiated.
 */
int lm_e1000_hw_reset(struct lm_e1000 *a)
{
	int err;

	e1k_wr32(a, E1000_IMC, E1000_INT_ALL);
	e1k_wr32(a, E1000_RCTL, 0);
	e1k_wr32(a, E1000_TCTL, E1000_TCTL_PSP);
	e1k_flush(a);
	/* Let a frame being DMAed finish before the reset (max frame time). */
	usleep_range(10000, 11000);

	e1k_wr32(a, E1000_CTRL, e1k_rd32(a, E1000_CTRL) | E1000_CTRL_RST);
	err = e1k_poll(a, E1000_CTRL, E1000_CTRL_RST, 0, 10,
		       E1000_RESET_TIMEOUT_US, NULL);
	if (err) {
		netdev_err(a->netdev, "device reset did not complete\n");
		return err;
	}
	/* EEPROM auto-load after reset: give it time before we rely on it. */
	usleep_range(5000, 6000);

	e1k_wr32(a, E1000_IMC, E1000_INT_ALL);
	(void)e1k_rd32(a, E1000_ICR);	/* clear anything latched */
	spin_lock_irq(&a->rctl_lock);
	a->rctl = 0;
	spin_unlock_irq(&a->rctl_lock);
	return 0;
}

/* One EEPROM word through EERD, 13.4.4 (82540EP/EM bit layout). */
static int e1k_eeprom_read(struct lm_e1000 *a, unsigned int word, u16 *data)
{
	u32 v;
	int err;

	e1k_wr32(a, E1000_EERD, E1000_EERD_START |
		 FIELD_PREP(E1000_EERD_ADDR, word));
	err = e1k_poll(a, E1000_EERD, E1000_EERD_DONE, E1000_EERD_DONE, 5,
		       E1000_EERD_TIMEOUT_US, &v);
	if (err)
		return err;
	*data = FIELD_GET(E1000_EERD_DATA, v);
	return 0;
}

/*
 * MAC address from EEPROM words 00h..02h (5.6.1), after checking the
 * whole image's checksum (5.6: the 64 words add up to BABAh).
 */
int lm_e1000_hw_read_mac(struct lm_e1000 *a, u8 *mac)
{
	u16 word, sum = 0;
	unsigned int i;
	int err;

	for (i = 0; i < E1000_EEPROM_WORDS; i++) {
		err = e1k_eeprom_read(a, i, &word);
		if (err) {
			dev_err(&a->pdev->dev, "EEPROM word %u: read timed out\n", i);
			return err;
		}
		sum += word;
		if (i - E1000_EEPROM_MAC_WORD0 < ETH_ALEN / 2) {
			mac[2 * (i - E1000_EEPROM_MAC_WORD0)] = word & 0xff;
			mac[2 * (i - E1000_EEPROM_MAC_WORD0) + 1] = word >> 8;
		}
	}
	if (sum != E1000_EEPROM_SUM) {
		dev_err(&a->pdev->dev, "EEPROM checksum 0x%04x, want 0x%04x\n",
			sum, E1000_EEPROM_SUM);
		return -EIO;
	}
	return 0;
}

/*
 * General configuration after reset, 14.3: link set up by the internal PHY
 * (CTRL.SLU, no forced speed/duplex), no flow control (FCAL/FCAH/FCT/FCTTV
 * zero), no VLAN mode, all address filters and statistics cleared.  The
 * rings are programmed by the caller (14.4, 14.5).
 */
void lm_e1000_hw_configure_mac(struct lm_e1000 *a)
{
	u32 ctrl = e1k_rd32(a, E1000_CTRL);
	unsigned int i;

	ctrl |= E1000_CTRL_SLU | E1000_CTRL_ASDE;
	ctrl &= ~(E1000_CTRL_FRCSPD | E1000_CTRL_FRCDPLX | E1000_CTRL_ILOS |
		  E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_VME |
		  E1000_CTRL_RFCE | E1000_CTRL_TFCE);
	e1k_wr32(a, E1000_CTRL, ctrl);

	e1k_wr32(a, E1000_FCAL, 0);
	e1k_wr32(a, E1000_FCAH, 0);
	e1k_wr32(a, E1000_FCT, 0);
	e1k_wr32(a, E1000_FCTTV, 0);
	e1k_wr32(a, E1000_VET, ETH_P_8021Q);

	for (i = 1; i < E1000_RAR_ENTRIES; i++)
		lm_e1000_hw_clear_rar(a, i);
	for (i = 0; i < E1000_MTA_WORDS; i++)
		e1k_wr32(a, E1000_MTA + 4 * i, 0);
	for (i = 0; i < E1000_VFTA_WORDS; i++)
		e1k_wr32(a, E1000_VFTA + 4 * i, 0);
	e1k_flush(a);
}

/*
 * Receive address register pair, 13.5.2/13.5.3.  AV is dropped while the low
 * half changes so the filter never matches a half-written address.
 */
void lm_e1000_hw_set_rar(struct lm_e1000 *a, unsigned int idx, const u8 *mac)
{
	u32 lo = mac[0] | mac[1] << 8 | mac[2] << 16 | (u32)mac[3] << 24;
	u32 hi = mac[4] | mac[5] << 8;

	e1k_wr32(a, E1000_RAH(idx), 0);
	e1k_wr32(a, E1000_RAL(idx), lo);
	e1k_wr32(a, E1000_RAH(idx), hi | E1000_RAH_AV);
}

void lm_e1000_hw_clear_rar(struct lm_e1000 *a, unsigned int idx)
{
	e1k_wr32(a, E1000_RAH(idx), 0);
	e1k_wr32(a, E1000_RAL(idx), 0);
}

/*
 * Multicast hash with RCTL.MO = 00 (13.5.1, Figure 13-2): the 12 bits [47:36] of the
 * destination address select one of the 4096 bits of the MTA; bits 11:5
 * pick the register, bits 4:0 the bit in it.
 */
u32 lm_e1000_hw_mta_hash(const u8 *mac)
{
	return ((mac[4] >> 4) | ((u32)mac[5] << 4)) & 0xfff;
}

void lm_e1000_hw_write_mta(struct lm_e1000 *a, const u32 *mta)
{
	unsigned int i;

	for (i = 0; i < E1000_MTA_WORDS; i++)
		e1k_wr32(a, E1000_MTA + 4 * i, mta[i]);
	e1k_flush(a);
}

/*
 * The only writer of RCTL.  It writes only when the value changes: QEMU's
 * e1000 stops receiving for one second after every RCTL write (frames are
 * held, not dropped), so a redundant write is a visible stall.
 */
void lm_e1000_hw_update_rctl(struct lm_e1000 *a, u32 clear, u32 set)
{
	unsigned long flags;
	u32 v;

	spin_lock_irqsave(&a->rctl_lock, flags);
	v = (a->rctl & ~clear) | set;
	if (v != a->rctl) {
		a->rctl = v;
		e1k_wr32(a, E1000_RCTL, v);
	}
	spin_unlock_irqrestore(&a->rctl_lock, flags);
}

/* RCTL.BSIZE/BSEX encoding of a buffer size, 13.4.22. */
u32 lm_e1000_rctl_bsize(unsigned int buf_len)
{
	switch (buf_len) {
	case 256:
		return FIELD_PREP(E1000_RCTL_BSIZE, 3);
	case 512:
		return FIELD_PREP(E1000_RCTL_BSIZE, 2);
	case 1024:
		return FIELD_PREP(E1000_RCTL_BSIZE, 1);
	case 4096:
		return FIELD_PREP(E1000_RCTL_BSIZE, 3) | E1000_RCTL_BSEX;
	case 8192:
		return FIELD_PREP(E1000_RCTL_BSIZE, 2) | E1000_RCTL_BSEX;
	case 16384:
		return FIELD_PREP(E1000_RCTL_BSIZE, 1) | E1000_RCTL_BSEX;
	default:
		WARN_ON_ONCE(buf_len != 2048);
		return FIELD_PREP(E1000_RCTL_BSIZE, 0);
	}
}

/*
 * Fold the clear-on-read statistics registers (Table 13-2) into 64-bit totals.
 * 64-bit counters: the low register is read first, the high one latches
 * and clears the pair.
 */
void lm_e1000_hw_read_stats(struct lm_e1000 *a)
{
	struct lm_e1000_hw_stats *s = &a->hw_stats;
	unsigned long flags;

#define ACC32(field, reg) (s->field += e1k_rd32(a, reg))
#define ACC64(field, lo, hi) do {					\
		u64 l_ = e1k_rd32(a, lo);				\
		s->field += l_ | (u64)e1k_rd32(a, hi) << 32;		\
	} while (0)

	spin_lock_irqsave(&a->stats_lock, flags);
	ACC32(crcerrs, E1000_CRCERRS);
	ACC32(algnerrc, E1000_ALGNERRC);
	ACC32(symerrs, E1000_SYMERRS);
	ACC32(rxerrc, E1000_RXERRC);
	ACC32(mpc, E1000_MPC);
	ACC32(scc, E1000_SCC);
	ACC32(ecol, E1000_ECOL);
	ACC32(mcc, E1000_MCC);
	ACC32(latecol, E1000_LATECOL);
	ACC32(colc, E1000_COLC);
	ACC32(dc, E1000_DC);
	ACC32(tncrs, E1000_TNCRS);
	ACC32(sec, E1000_SEC);
	ACC32(cexterr, E1000_CEXTERR);
	ACC32(rlec, E1000_RLEC);
	ACC32(xonrxc, E1000_XONRXC);
	ACC32(xontxc, E1000_XONTXC);
	ACC32(xoffrxc, E1000_XOFFRXC);
	ACC32(xofftxc, E1000_XOFFTXC);
	ACC32(fcruc, E1000_FCRUC);
	ACC32(gprc, E1000_GPRC);
	ACC32(bprc, E1000_BPRC);
	ACC32(mprc, E1000_MPRC);
	ACC32(gptc, E1000_GPTC);
	ACC64(gorc, E1000_GORCL, E1000_GORCH);
	ACC64(gotc, E1000_GOTCL, E1000_GOTCH);
	ACC32(rnbc, E1000_RNBC);
	ACC32(ruc, E1000_RUC);
	ACC32(rfc, E1000_RFC);
	ACC32(roc, E1000_ROC);
	ACC32(rjc, E1000_RJC);
	ACC64(tor, E1000_TORL, E1000_TORH);
	ACC64(tot, E1000_TOTL, E1000_TOTH);
	ACC32(tpr, E1000_TPR);
	ACC32(tpt, E1000_TPT);
	ACC32(mptc, E1000_MPTC);
	ACC32(bptc, E1000_BPTC);
	spin_unlock_irqrestore(&a->stats_lock, flags);
#undef ACC32
#undef ACC64
}

/* Link state from STATUS, 13.4.2. */
bool lm_e1000_hw_link(struct lm_e1000 *a, u16 *speed, bool *full_duplex)
{
	u32 status = e1k_rd32(a, E1000_STATUS);

	switch (FIELD_GET(E1000_STATUS_SPEED, status)) {
	case 0:
		*speed = SPEED_10;
		break;
	case 1:
		*speed = SPEED_100;
		break;
	default:
		*speed = SPEED_1000;
		break;
	}
	*full_duplex = status & E1000_STATUS_FD;
	return status & E1000_STATUS_LU;
}
