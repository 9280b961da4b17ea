/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1000_regs.h - Intel 82540EM register map and descriptor formats.
 *
 * Every value here is a fact of the "PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual" (8254x SDM, 317453006EN rev 4.0),
 * cited by section.  Offsets are byte offsets into BAR0 (memory mapped,
 * 128 KiB, Table 13-2); registers are 32 bit, little endian.  Only what
 * the driver uses is declared.
 */
#ifndef LM_E1000_REGS_H
#define LM_E1000_REGS_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/types.h>

/* --------------------------------------------------------------------
 * Register offsets (Table 13-2, "Ethernet Controller Register Summary")
 * ------------------------------------------------------------------ */
#define E1000_CTRL	0x00000	/* RW  device control, 13.4.1 */
#define E1000_STATUS	0x00008	/* RO  device status, 13.4.2 */
#define E1000_EECD	0x00010	/* RW  EEPROM/flash control, 13.4.3 */
#define E1000_EERD	0x00014	/* RW  EEPROM read, 13.4.4 */
#define E1000_CTRL_EXT	0x00018	/* RW  extended device control, 13.4.6 */
#define E1000_FCAL	0x00028	/* RW  flow control address low, 13.4.8 */
#define E1000_FCAH	0x0002C	/* RW  flow control address high */
#define E1000_FCT	0x00030	/* RW  flow control type, 13.4.9 */
#define E1000_VET	0x00038	/* RW  VLAN ether type, 13.4.10 */
#define E1000_ICR	0x000C0	/* RC  interrupt cause read (clear on read), 13.4.17 */
#define E1000_ITR	0x000C4	/* RW  interrupt throttling, 13.4.18 */
#define E1000_ICS	0x000C8	/* WO  interrupt cause set, 13.4.19 */
#define E1000_IMS	0x000D0	/* RW  interrupt mask set/read, 13.4.20 */
#define E1000_IMC	0x000D8	/* WO  interrupt mask clear, 13.4.21 */
#define E1000_RCTL	0x00100	/* RW  receive control, 13.4.22 */
#define E1000_FCTTV	0x00170	/* RW  flow control transmit timer value */
#define E1000_TCTL	0x00400	/* RW  transmit control, 13.4.33 */
#define E1000_TIPG	0x00410	/* RW  transmit inter packet gap, 13.4.34 */
#define E1000_RDBAL	0x02800	/* RW  rx descriptor base low, 13.4.25 */
#define E1000_RDBAH	0x02804	/* RW  rx descriptor base high */
#define E1000_RDLEN	0x02808	/* RW  rx descriptor ring length (bytes), 13.4.27 */
#define E1000_RDH	0x02810	/* RW  rx descriptor head, 13.4.28 */
#define E1000_RDT	0x02818	/* RW  rx descriptor tail, 13.4.29 */
#define E1000_RDTR	0x02820	/* RW  rx delay timer, 13.4.30 */
#define E1000_RADV	0x0282C	/* RW  rx absolute interrupt delay */
#define E1000_TDBAL	0x03800	/* RW  tx descriptor base low, 13.4.38 */
#define E1000_TDBAH	0x03804	/* RW  tx descriptor base high */
#define E1000_TDLEN	0x03808	/* RW  tx descriptor ring length (bytes) */
#define E1000_TDH	0x03810	/* RW  tx descriptor head */
#define E1000_TDT	0x03818	/* RW  tx descriptor tail */
#define E1000_TIDV	0x03820	/* RW  tx interrupt delay value */
#define E1000_TADV	0x0382C	/* RW  tx absolute interrupt delay */
#define E1000_MTA	0x05200	/* RW  multicast table array, 128 x 32 bit, 13.5.1 */
#define E1000_RAL(n)	(0x05400 + 8 * (n))	/* RW receive address low, 13.5.2 */
#define E1000_RAH(n)	(0x05404 + 8 * (n))	/* RW receive address high */
#define E1000_VFTA	0x05600	/* RW  VLAN filter table array, 128 x 32 bit, 13.5.4 */

#define E1000_MTA_WORDS		128
#define E1000_RAR_ENTRIES	16
#define E1000_VFTA_WORDS	128

/* Statistics (Table 13-2): every counter clears when read. */
#define E1000_CRCERRS	0x04000	/* CRC errors */
#define E1000_ALGNERRC	0x04004	/* alignment errors */
#define E1000_SYMERRS	0x04008	/* symbol errors */
#define E1000_RXERRC	0x0400C	/* rx errors */
#define E1000_MPC	0x04010	/* missed packets (no rx buffer / FIFO full) */
#define E1000_SCC	0x04014	/* single collisions */
#define E1000_ECOL	0x04018	/* excessive collisions */
#define E1000_MCC	0x0401C	/* multiple collisions */
#define E1000_LATECOL	0x04020	/* late collisions */
#define E1000_COLC	0x04028	/* collisions */
#define E1000_DC	0x04030	/* defer count */
#define E1000_TNCRS	0x04034	/* tx with no CRS */
#define E1000_SEC	0x04038	/* sequence errors */
#define E1000_CEXTERR	0x0403C	/* carrier extension errors */
#define E1000_RLEC	0x04040	/* receive length errors */
#define E1000_XONRXC	0x04048	/* XON received */
#define E1000_XONTXC	0x0404C	/* XON transmitted */
#define E1000_XOFFRXC	0x04050	/* XOFF received */
#define E1000_XOFFTXC	0x04054	/* XOFF transmitted */
#define E1000_FCRUC	0x04058	/* unsupported flow control received */
#define E1000_GPRC	0x04074	/* good packets received */
#define E1000_BPRC	0x04078	/* broadcast packets received */
#define E1000_MPRC	0x0407C	/* multicast packets received */
#define E1000_GPTC	0x04080	/* good packets transmitted */
#define E1000_GORCL	0x04088	/* good octets received, low (read first) */
#define E1000_GORCH	0x0408C	/* good octets received, high */
#define E1000_GOTCL	0x04090	/* good octets transmitted, low (read first) */
#define E1000_GOTCH	0x04094	/* good octets transmitted, high */
#define E1000_RNBC	0x040A0	/* receive no buffers */
#define E1000_RUC	0x040A4	/* receive undersize */
#define E1000_RFC	0x040A8	/* receive fragment */
#define E1000_ROC	0x040AC	/* receive oversize */
#define E1000_RJC	0x040B0	/* receive jabber */
#define E1000_TORL	0x040C0	/* total octets received, low */
#define E1000_TORH	0x040C4	/* total octets received, high */
#define E1000_TOTL	0x040C8	/* total octets transmitted, low */
#define E1000_TOTH	0x040CC	/* total octets transmitted, high */
#define E1000_TPR	0x040D0	/* total packets received */
#define E1000_TPT	0x040D4	/* total packets transmitted */
#define E1000_MPTC	0x040F0	/* multicast packets transmitted */
#define E1000_BPTC	0x040F4	/* broadcast packets transmitted */
#define E1000_STATS_FIRST	E1000_CRCERRS
#define E1000_STATS_LAST	E1000_BPTC

/* --------------------------------------------------------------------
 * Bit fields, grouped under their register
 * ------------------------------------------------------------------ */

/* CTRL, 13.4.1 */
#define E1000_CTRL_FD		BIT(0)	/* full duplex (forced modes only) */
#define E1000_CTRL_LRST		BIT(3)	/* link reset (TBI only; keep 0) */
#define E1000_CTRL_ASDE		BIT(5)	/* auto speed detection enable */
#define E1000_CTRL_SLU		BIT(6)	/* set link up: required with the internal PHY */
#define E1000_CTRL_ILOS		BIT(7)	/* invert loss of signal */
#define E1000_CTRL_FRCSPD	BIT(11)	/* force speed */
#define E1000_CTRL_FRCDPLX	BIT(12)	/* force duplex */
#define E1000_CTRL_RST		BIT(26)	/* device (MAC) reset, self clearing */
#define E1000_CTRL_RFCE		BIT(27)	/* rx flow control enable */
#define E1000_CTRL_TFCE		BIT(28)	/* tx flow control enable */
#define E1000_CTRL_VME		BIT(30)	/* VLAN mode enable */
#define E1000_CTRL_PHY_RST	BIT(31)	/* PHY reset */

/* STATUS, 13.4.2 */
#define E1000_STATUS_FD		BIT(0)	/* full duplex */
#define E1000_STATUS_LU		BIT(1)	/* link up */
#define E1000_STATUS_TXOFF	BIT(4)	/* transmission paused (XOFF) */
#define E1000_STATUS_SPEED	GENMASK(7, 6)	/* 00 10, 01 100, 1x 1000 Mb/s */

/* EERD, 13.4.4 (82540EP/EM layout; the 82541/7 differ) */
#define E1000_EERD_START	BIT(0)
#define E1000_EERD_DONE		BIT(4)
#define E1000_EERD_ADDR		GENMASK(15, 8)
#define E1000_EERD_DATA		GENMASK(31, 16)

/* EEPROM words, 5.6: Ethernet address in words 00h..02h, low byte first. */
#define E1000_EEPROM_MAC_WORD0	0x00

/* ICR / ICS / IMS / IMC share one layout, 13.4.17 */
#define E1000_INT_TXDW		BIT(0)	/* tx descriptor written back */
#define E1000_INT_TXQE		BIT(1)	/* tx queue empty */
#define E1000_INT_LSC		BIT(2)	/* link status change */
#define E1000_INT_RXSEQ		BIT(3)	/* rx sequence error (link) */
#define E1000_INT_RXDMT0	BIT(4)	/* rx descriptor minimum threshold */
#define E1000_INT_RXO		BIT(6)	/* receiver overrun */
#define E1000_INT_RXT0		BIT(7)	/* receiver timer: frame(s) written back */
#define E1000_INT_ALL		GENMASK(31, 0)

/* ITR, 13.4.18: minimum interval between interrupts, in 256 ns units. */
#define E1000_ITR_UNIT_NS	256

/* RCTL, 13.4.22 */
#define E1000_RCTL_EN		BIT(1)	/* receiver enable */
#define E1000_RCTL_SBP		BIT(2)	/* store bad packets */
#define E1000_RCTL_UPE		BIT(3)	/* unicast promiscuous */
#define E1000_RCTL_MPE		BIT(4)	/* multicast promiscuous */
#define E1000_RCTL_LPE		BIT(5)	/* long packet (> 1522 bytes) enable */
#define E1000_RCTL_LBM		GENMASK(7, 6)	/* loopback mode, 00 = none */
#define E1000_RCTL_RDMTS	GENMASK(9, 8)	/* rx desc min threshold: 00 1/2 */
#define E1000_RCTL_MO		GENMASK(13, 12)	/* multicast offset: 00 bits 47:36 */
#define E1000_RCTL_BAM		BIT(15)	/* broadcast accept */
#define E1000_RCTL_BSIZE	GENMASK(17, 16)	/* buffer size, see BSEX */
#define E1000_RCTL_VFE		BIT(18)	/* VLAN filter enable */
#define E1000_RCTL_BSEX		BIT(25)	/* buffer size extension (x16) */
#define E1000_RCTL_SECRC	BIT(26)	/* strip Ethernet CRC */
/* BSIZE/BSEX encodings: 00/0 2048, 01/0 1024, 10/0 512, 11/0 256,
 * 01/1 16384, 10/1 8192, 11/1 4096. */

/* TCTL, 13.4.33 */
#define E1000_TCTL_EN		BIT(1)	/* transmitter enable */
#define E1000_TCTL_PSP		BIT(3)	/* pad short packets */
#define E1000_TCTL_CT		GENMASK(11, 4)	/* collision threshold */
#define E1000_TCTL_COLD		GENMASK(21, 12)	/* collision distance */
#define E1000_TCTL_RTLC		BIT(24)	/* retransmit on late collision */
#define E1000_TCTL_CT_DEFAULT	0x0F	/* 14.5: 16 attempts, IEEE 802.3 */
#define E1000_TCTL_COLD_FD	0x40	/* 14.5: 64 byte times, full duplex */

/* TIPG, 13.4.34, Table 13-77: IEEE 802.3 96-bit-time IPG on copper. */
#define E1000_TIPG_IPGT		GENMASK(9, 0)
#define E1000_TIPG_IPGR1	GENMASK(19, 10)
#define E1000_TIPG_IPGR2	GENMASK(29, 20)
#define E1000_TIPG_IPGT_COPPER	10
#define E1000_TIPG_IPGR1_COPPER	8
#define E1000_TIPG_IPGR2_COPPER	6

/* RDH/RDT/TDH/TDT: descriptor index in bits 15:0 */
#define E1000_DH_MASK		GENMASK(15, 0)

/* RAH, 13.5.3 */
#define E1000_RAH_AV		BIT(31)	/* address valid */

/* --------------------------------------------------------------------
 * Descriptors (chapter 3).  16 bytes each; rings are a multiple of 128
 * bytes (8 descriptors) and 16-byte aligned (14.4, 14.5).
 * ------------------------------------------------------------------ */

#define E1000_DESC_SIZE		16
#define E1000_RING_ALIGN_DESCS	8	/* RDLEN/TDLEN: multiple of 128 bytes */
#define E1000_RING_MAX_DESCS	4096	/* driver limit: 64 KiB of descriptors */

/* Receive descriptor, 3.2.3.  Software writes buffer_addr and zeroes the
 * rest; hardware writes back length/csum/status/errors/special and never
 * touches buffer_addr, so one struct serves both directions. */
struct e1000_rx_desc {
	__le64 buffer_addr;
	__le16 length;		/* bytes in this descriptor's buffer */
	__le16 csum;		/* packet checksum */
	u8 status;
	u8 errors;
	__le16 special;		/* VLAN tag if status.VP */
};
static_assert(sizeof(struct e1000_rx_desc) == E1000_DESC_SIZE);
static_assert(offsetof(struct e1000_rx_desc, length) == 8);
static_assert(offsetof(struct e1000_rx_desc, status) == 12);
static_assert(offsetof(struct e1000_rx_desc, errors) == 13);

/* RX status, 3.2.3.1 */
#define E1000_RXD_STAT_DD	BIT(0)	/* descriptor done */
#define E1000_RXD_STAT_EOP	BIT(1)	/* end of packet */
#define E1000_RXD_STAT_IXSM	BIT(2)	/* ignore checksum indication */
#define E1000_RXD_STAT_VP	BIT(3)	/* 802.1Q packet */
/* RX errors, 3.2.3.2: any of these means the frame is bad. */
#define E1000_RXD_ERR_CE	BIT(0)	/* CRC / alignment error */
#define E1000_RXD_ERR_SE	BIT(1)	/* symbol error */
#define E1000_RXD_ERR_SEQ	BIT(2)	/* sequence error */
#define E1000_RXD_ERR_CXE	BIT(4)	/* carrier extension error */
#define E1000_RXD_ERR_RXE	BIT(7)	/* rx data error */
#define E1000_RXD_ERR_FRAME	(E1000_RXD_ERR_CE | E1000_RXD_ERR_SE | \
				 E1000_RXD_ERR_SEQ | E1000_RXD_ERR_CXE | \
				 E1000_RXD_ERR_RXE)

/* Legacy transmit descriptor, 3.3.3.  The "read" format is what software
 * posts; in the write-back format hardware only sets status.DD (and the
 * collision bits) when cmd.RS asked for a report (3.3.3.2). */
struct e1000_tx_desc {
	__le64 buffer_addr;
	union {
		struct {		/* read (software -> hardware) */
			__le16 length;
			u8 cso;		/* checksum offset */
			u8 cmd;
			u8 status;	/* zero when posted */
			u8 css;		/* checksum start */
			__le16 special;
		} read;
		struct {		/* write-back (hardware -> software) */
			__le32 rsvd0;
			u8 status;
			u8 rsvd1;
			__le16 rsvd2;
		} wb;
	};
};
static_assert(sizeof(struct e1000_tx_desc) == E1000_DESC_SIZE);
static_assert(offsetof(struct e1000_tx_desc, read.length) == 8);
static_assert(offsetof(struct e1000_tx_desc, read.cmd) == 11);
static_assert(offsetof(struct e1000_tx_desc, read.status) == 12);
static_assert(offsetof(struct e1000_tx_desc, wb.status) == 12);

/* TX cmd, 3.3.3.1 */
#define E1000_TXD_CMD_EOP	BIT(0)	/* end of packet */
#define E1000_TXD_CMD_IFCS	BIT(1)	/* insert FCS */
#define E1000_TXD_CMD_IC	BIT(2)	/* insert checksum */
#define E1000_TXD_CMD_RS	BIT(3)	/* report status (DD write-back) */
#define E1000_TXD_CMD_DEXT	BIT(5)	/* extension: 0 = legacy descriptor */
#define E1000_TXD_CMD_VLE	BIT(6)	/* VLAN packet enable */
#define E1000_TXD_CMD_IDE	BIT(7)	/* interrupt delay enable */
/* TX status, 3.3.3.2 */
#define E1000_TXD_STAT_DD	BIT(0)	/* descriptor done */
#define E1000_TXD_STAT_EC	BIT(1)	/* excess collisions */
#define E1000_TXD_STAT_LC	BIT(2)	/* late collision */

/* Legacy descriptors carry at most 16288 bytes (3.3.3); and the 82540EM
 * takes frames of up to 16128 bytes including FCS (long packet mode). */
#define E1000_TX_MAX_DESC_BYTES	16288
#define E1000_MAX_FRAME		16128

#endif /* LM_E1000_REGS_H */
