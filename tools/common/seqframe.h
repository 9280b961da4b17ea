/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * seqframe.h - livemap's sequence-numbered test frame: the one format every
 * sender and checker uses (lm-peer on the host, lm-afp in the guest, pkt-gen
 * txseq/rxseq), so "no frame lost" is measured the same way everywhere.
 *
 * Layout on the wire (no FCS; every multi-byte field big-endian):
 *
 *   0  dst MAC[6]  6  src MAC[6]  12  ethertype 0x88B5 (IEEE local experimental 1)
 *  14  struct lm_seqhdr (28 bytes)
 *  42  payload pattern up to .len: byte at frame offset i == lm_seq_pattern(i)
 *  .len .. received length: padding the NIC may add (frames < 60 bytes)
 *
 * A received frame is never trusted: lm_seqframe_parse() classifies it as
 *   RUNT     shorter than an Ethernet header, or our ethertype but too short
 *            to hold struct lm_seqhdr;
 *   FOREIGN  someone else's frame: other ethertype, other magic or version;
 *   CORRUPT  claims to be ours (magic) but the header checksum, the declared
 *            length or the payload pattern is wrong (truncated, overwritten,
 *            a stale buffer handed out twice with a rewritten header...);
 *   OK       the fields in struct lm_seqinfo may be used.
 *
 * The sequence number is 32 bits and wraps; compare with serial-number
 * arithmetic (lm_seq_diff), never with < on raw values.
 * The pattern does not depend on the sequence number, so a sender builds the
 * frame once and only re-stamps seq/ts/hsum per frame (lm_seqframe_stamp).
 */
#ifndef LIVEMAP_SEQFRAME_H
#define LIVEMAP_SEQFRAME_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define LM_SEQ_ETHERTYPE	0x88B5
#define LM_SEQ_MAGIC		0x4C4D5351u	/* "LMSQ" */
#define LM_SEQ_VERSION		1
#define LM_SEQ_ETH_HLEN		14
#define LM_SEQ_HDR_OFF		LM_SEQ_ETH_HLEN
#define LM_SEQ_MIN_LEN		60	/* Ethernet minimum without FCS */
#define LM_SEQ_MAX_LEN		1514	/* standard MTU frame without FCS */

struct lm_seqhdr {
	uint32_t magic;		/* LM_SEQ_MAGIC */
	uint8_t version;	/* LM_SEQ_VERSION */
	uint8_t flags;		/* none defined yet: senders write 0 */
	uint16_t stream;	/* sender-chosen stream id */
	uint32_t seq;		/* wraps at 2^32 */
	uint16_t len;		/* frame length as built, excluding FCS */
	uint16_t rsvd;		/* 0 */
	uint64_t ts_ns;		/* sender's CLOCK_MONOTONIC at send time */
	uint32_t hsum;		/* FNV-1a over the 24 bytes above, as on the wire */
} __attribute__((packed));

static_assert(offsetof(struct lm_seqhdr, magic) == 0, "seqhdr.magic");
static_assert(offsetof(struct lm_seqhdr, version) == 4, "seqhdr.version");
static_assert(offsetof(struct lm_seqhdr, flags) == 5, "seqhdr.flags");
static_assert(offsetof(struct lm_seqhdr, stream) == 6, "seqhdr.stream");
static_assert(offsetof(struct lm_seqhdr, seq) == 8, "seqhdr.seq");
static_assert(offsetof(struct lm_seqhdr, len) == 12, "seqhdr.len");
static_assert(offsetof(struct lm_seqhdr, rsvd) == 14, "seqhdr.rsvd");
static_assert(offsetof(struct lm_seqhdr, ts_ns) == 16, "seqhdr.ts_ns");
static_assert(offsetof(struct lm_seqhdr, hsum) == 24, "seqhdr.hsum");
static_assert(sizeof(struct lm_seqhdr) == 28, "seqhdr size");

#define LM_SEQ_HDR_LEN		((size_t)sizeof(struct lm_seqhdr))
#define LM_SEQ_PAYLOAD_OFF	(LM_SEQ_HDR_OFF + LM_SEQ_HDR_LEN)	/* 42 */
static_assert(LM_SEQ_PAYLOAD_OFF <= LM_SEQ_MIN_LEN, "header fits a minimum frame");

enum lm_seq_verdict {
	LM_SEQ_OK = 0,
	LM_SEQ_RUNT,
	LM_SEQ_FOREIGN,
	LM_SEQ_CORRUPT,
};

/* What a sender puts in a frame, and what a valid frame tells its receiver. */
struct lm_seqinfo {
	uint8_t dst[6], src[6];
	uint16_t stream;
	uint8_t flags;
	uint32_t seq;
	uint16_t len;		/* declared length (<= received length) */
	uint64_t ts_ns;
};

/* Byte i of every frame's payload: catches truncation and overwrites. */
static inline uint8_t lm_seq_pattern(size_t i)
{
	return (uint8_t)(i * 7u + 0x5Au);
}

/* Serial-number distance b - a in (-2^31, 2^31]: > 0 when b is after a. */
static inline int32_t lm_seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a);
}

static inline void lm_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = (uint8_t)v;
}

static inline void lm_put32(uint8_t *p, uint32_t v)
{
	lm_put16(p, v >> 16);
	lm_put16(p + 2, (uint16_t)v);
}

static inline void lm_put64(uint8_t *p, uint64_t v)
{
	lm_put32(p, v >> 32);
	lm_put32(p + 4, (uint32_t)v);
}

static inline uint16_t lm_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t lm_get32(const uint8_t *p)
{
	return (uint32_t)lm_get16(p) << 16 | lm_get16(p + 2);
}

static inline uint64_t lm_get64(const uint8_t *p)
{
	return (uint64_t)lm_get32(p) << 32 | lm_get32(p + 4);
}

static inline uint32_t lm_seq_fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

/*
 * Re-stamp a frame built by lm_seqframe_build(): seq, timestamp and the
 * header checksum.  The per-frame cost of a sender.
 */
static inline void lm_seqframe_stamp(void *frame, uint32_t seq, uint64_t ts_ns)
{
	uint8_t *h = (uint8_t *)frame + LM_SEQ_HDR_OFF;

	lm_put32(h + offsetof(struct lm_seqhdr, seq), seq);
	lm_put64(h + offsetof(struct lm_seqhdr, ts_ns), ts_ns);
	lm_put32(h + offsetof(struct lm_seqhdr, hsum),
		 lm_seq_fnv1a(h, offsetof(struct lm_seqhdr, hsum)));
}

/*
 * Build a whole frame of info->len bytes into buf (capacity cap).
 * Returns the length written, or 0 if len is outside [60, 1514] or cap is
 * too small (the caller's bug: nothing is written).
 */
static inline size_t lm_seqframe_build(void *buf, size_t cap,
				       const struct lm_seqinfo *info)
{
	uint8_t *f = buf, *h = f + LM_SEQ_HDR_OFF;
	size_t i, len = info->len;

	if (len < LM_SEQ_MIN_LEN || len > LM_SEQ_MAX_LEN || cap < len)
		return 0;
	memcpy(f, info->dst, 6);
	memcpy(f + 6, info->src, 6);
	lm_put16(f + 12, LM_SEQ_ETHERTYPE);
	lm_put32(h + offsetof(struct lm_seqhdr, magic), LM_SEQ_MAGIC);
	h[offsetof(struct lm_seqhdr, version)] = LM_SEQ_VERSION;
	h[offsetof(struct lm_seqhdr, flags)] = info->flags;
	lm_put16(h + offsetof(struct lm_seqhdr, stream), info->stream);
	lm_put16(h + offsetof(struct lm_seqhdr, len), (uint16_t)len);
	lm_put16(h + offsetof(struct lm_seqhdr, rsvd), 0);
	for (i = LM_SEQ_PAYLOAD_OFF; i < len; i++)
		f[i] = lm_seq_pattern(i);
	lm_seqframe_stamp(f, info->seq, info->ts_ns);
	return len;
}

/*
 * Classify a received frame of len bytes; fill *out only when LM_SEQ_OK.
 * check_payload=0 skips the per-byte pattern check (for the fastest
 * receivers); the header checksum is always verified.
 */
static inline enum lm_seq_verdict lm_seqframe_parse(const void *buf, size_t len,
						    int check_payload,
						    struct lm_seqinfo *out)
{
	const uint8_t *f = buf, *h = f + LM_SEQ_HDR_OFF;
	size_t i, dlen;

	if (len < LM_SEQ_ETH_HLEN)
		return LM_SEQ_RUNT;
	if (lm_get16(f + 12) != LM_SEQ_ETHERTYPE)
		return LM_SEQ_FOREIGN;
	if (len < LM_SEQ_PAYLOAD_OFF)
		return LM_SEQ_RUNT;
	if (lm_get32(h + offsetof(struct lm_seqhdr, magic)) != LM_SEQ_MAGIC ||
	    h[offsetof(struct lm_seqhdr, version)] != LM_SEQ_VERSION)
		return LM_SEQ_FOREIGN;
	if (lm_get32(h + offsetof(struct lm_seqhdr, hsum)) !=
	    lm_seq_fnv1a(h, offsetof(struct lm_seqhdr, hsum)))
		return LM_SEQ_CORRUPT;
	/* A NIC may pad a frame (len > dlen), never shorten a good one. */
	dlen = lm_get16(h + offsetof(struct lm_seqhdr, len));
	if (dlen < LM_SEQ_MIN_LEN || dlen > LM_SEQ_MAX_LEN || dlen > len)
		return LM_SEQ_CORRUPT;
	if (check_payload)
		for (i = LM_SEQ_PAYLOAD_OFF; i < dlen; i++)
			if (f[i] != lm_seq_pattern(i))
				return LM_SEQ_CORRUPT;
	memcpy(out->dst, f, 6);
	memcpy(out->src, f + 6, 6);
	out->flags = h[offsetof(struct lm_seqhdr, flags)];
	out->stream = lm_get16(h + offsetof(struct lm_seqhdr, stream));
	out->seq = lm_get32(h + offsetof(struct lm_seqhdr, seq));
	out->len = (uint16_t)dlen;
	out->ts_ns = lm_get64(h + offsetof(struct lm_seqhdr, ts_ns));
	return LM_SEQ_OK;
}

#endif /* LIVEMAP_SEQFRAME_H */
