// SPDX-License-Identifier: BSD-2-Clause
/*
 * junk.c - malformed frames for the bad-wire-input scenario.  Each kind is
 * built so that a correct receiver classifies it as not-ours (runt, foreign
 * or corrupt) and never as a sequence number: junk never uses one.
 */
#include <string.h>

#include "peer.h"

static const char *const names[JUNK_KINDS] = {
	[JUNK_RUNT] = "runt",
	[JUNK_JUMBO] = "jumbo",
	[JUNK_RANDOM] = "random",
	[JUNK_ETHERTYPE] = "ethertype",
	[JUNK_CORRUPT] = "corrupt",
	[JUNK_BADMAGIC] = "badmagic",
};

const char *junk_name(enum junk_kind k)
{
	return (unsigned int)k < JUNK_KINDS ? names[k] : "?";
}

/* xorshift64: reproducible "random" bytes, seeded by the junk number. */
static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A well-formed frame of ours of `len` bytes, to be damaged by the caller. */
static void good(uint8_t *buf, const struct peer_opts *o, uint32_t seq, size_t len)
{
	struct lm_seqinfo info = { .stream = o->w.stream, .seq = seq, .len = (uint16_t)len };

	memcpy(info.dst, o->w.dst, 6);
	memcpy(info.src, o->w.src, 6);
	lm_seqframe_build(buf, PEER_JUNK_MAX, &info);
}

size_t junk_build(uint8_t *buf, enum junk_kind k, uint64_t n, const struct peer_opts *o,
		  uint32_t seq)
{
	uint64_t s = n * 0x9E3779B97F4A7C15ull + 1;
	size_t i, len;

	switch (k) {
	case JUNK_RUNT:
		len = LM_SEQ_ETH_HLEN + n % (LM_SEQ_MIN_LEN - LM_SEQ_ETH_HLEN);	/* 14..59 */
		good(buf, o, seq, LM_SEQ_MIN_LEN);
		return len;
	case JUNK_JUMBO:
		good(buf, o, seq, LM_SEQ_MAX_LEN);
		for (i = LM_SEQ_MAX_LEN; i < PEER_JUNK_MAX; i++)
			buf[i] = lm_seq_pattern(i);
		buf[LM_SEQ_HDR_OFF + offsetof(struct lm_seqhdr, hsum)] ^= 0xff;
		return PEER_JUNK_MAX;
	case JUNK_RANDOM:
		len = LM_SEQ_MIN_LEN + xorshift(&s) % (LM_SEQ_MAX_LEN - LM_SEQ_MIN_LEN + 1);
		for (i = 12; i < len; i++)
			buf[i] = (uint8_t)xorshift(&s);
		/* Addressed like the stream, so the guest's NIC filter lets it in. */
		memcpy(buf, o->w.dst, 6);
		memcpy(buf + 6, o->w.src, 6);
		if (lm_get16(buf + 12) == LM_SEQ_ETHERTYPE)
			buf[13] ^= 1;
		return len;
	case JUNK_ETHERTYPE:
		good(buf, o, seq, o->w.len);
		lm_put16(buf + 12, LM_SEQ_ETHERTYPE + 1);
		return o->w.len;
	case JUNK_CORRUPT:
		good(buf, o, seq, o->w.len);
		buf[o->w.len - 1] ^= 0x01;
		return o->w.len;
	case JUNK_BADMAGIC:
	default:
		good(buf, o, seq, o->w.len);
		buf[LM_SEQ_HDR_OFF] ^= 0x80;
		return o->w.len;
	}
}
