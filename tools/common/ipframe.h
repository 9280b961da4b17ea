/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipframe.h - just enough IPv4 to talk to a guest's IP stack from the host
 * peer: ARP (RFC 826) over Ethernet, and ICMP echo (RFC 792) in IPv4
 * (RFC 791), built and parsed as bytes at fixed offsets (no packed structs,
 * every multi-byte field big-endian on the wire, no FCS).
 *
 *   Ethernet  0 dst[6]  6 src[6]  12 ethertype (0x0806 ARP, 0x0800 IPv4)
 *   ARP      14 htype=1  16 ptype=0x0800  18 hlen=6  19 plen=4  20 oper
 *            22 sha[6]  28 spa[4]  32 tha[6]  38 tpa[4]            (42 bytes)
 *   IPv4     14 ver/ihl  15 tos  16 total length  18 id  20 flags/frag
 *            22 ttl  23 protocol (1 = ICMP)  24 header checksum
 *            26 src[4]  30 dst[4]  (34: options, ihl * 4 - 20 bytes)
 *   ICMP     +0 type (8 request, 0 reply)  +1 code 0  +2 checksum
 *            +4 identifier  +6 sequence number  +8 data
 *
 * Received frames are never trusted: the parsers check every length and
 * checksum before a field is used and classify the frame as
 *   IPF_RUNT     shorter than the headers it claims (or than Ethernet's);
 *   IPF_FOREIGN  not what the parser is for (other ethertype, protocol,
 *                ARP hardware/protocol type, a fragment, ICMP of another
 *                type...);
 *   IPF_BADSUM   the IPv4 header or ICMP checksum does not verify, or the
 *                IPv4 lengths contradict each other;
 *   IPF_OK       the out-structure may be used.
 * IPv4 addresses are host-order uint32_t in this API (10.0.0.2 == 0x0a000002).
 */
#ifndef LIVEMAP_IPFRAME_H
#define LIVEMAP_IPFRAME_H

#include <stddef.h>
#include <stdint.h>

#define IPF_ETH_HLEN		14
#define IPF_ETH_MIN		60	/* shortest Ethernet frame without FCS */
#define IPF_ETHERTYPE_IP4	0x0800
#define IPF_ETHERTYPE_ARP	0x0806
#define IPF_ARP_LEN		28	/* Ethernet/IPv4 ARP packet (RFC 826) */
#define IPF_ARP_REQUEST		1
#define IPF_ARP_REPLY		2
#define IPF_IP4_HLEN		20	/* without options */
#define IPF_PROTO_ICMP		1
#define IPF_ICMP_HLEN		8
#define IPF_ICMP_ECHO_REPLY	0
#define IPF_ICMP_ECHO_REQUEST	8
#define IPF_ECHO_MAX_DATA	1472	/* ICMP data in a 1514-byte frame */

enum ipf_result { IPF_OK, IPF_RUNT, IPF_FOREIGN, IPF_BADSUM };

struct ipf_arp {
	uint16_t oper;			/* IPF_ARP_REQUEST / IPF_ARP_REPLY / other */
	uint8_t eth_src[6];		/* the Ethernet header's source */
	uint8_t sha[6], tha[6];
	uint32_t spa, tpa;
};

struct ipf_echo {
	uint8_t eth_dst[6], eth_src[6];
	uint32_t src, dst;		/* IPv4 addresses */
	uint8_t ttl;
	uint8_t type;			/* IPF_ICMP_ECHO_REQUEST or _REPLY */
	uint16_t id, seq;
	const uint8_t *data;		/* points into the parsed frame */
	size_t data_len;
};

/*
 * The Internet checksum (RFC 1071): the ones' complement of the ones'
 * complement sum of the 16-bit big-endian words of buf (an odd last byte
 * is padded with a zero).  Over data that includes a correct checksum
 * field the result is 0.  Returned in host order: store with ipf_put16.
 */
uint16_t ipf_csum(const void *buf, size_t len);

/* "a.b.c.d" -> host-order address; -1 if malformed. */
int ipf_parse_ip4(const char *s, uint32_t *addr);
/* host-order address -> "a.b.c.d" in out (at least 16 bytes). */
void ipf_format_ip4(uint32_t addr, char *out);

static inline uint16_t ipf_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void ipf_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t ipf_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void ipf_put32(uint8_t *p, uint32_t v)
{
	ipf_put16(p, (uint16_t)(v >> 16));
	ipf_put16(p + 2, (uint16_t)v);
}

/*
 * An ARP packet for Ethernet/IPv4 in a frame to eth_dst from a->sha,
 * zero-padded to IPF_ETH_MIN.  buf holds at least IPF_ETH_MIN bytes;
 * returns the frame length.
 */
size_t ipf_arp_build(uint8_t *buf, const uint8_t eth_dst[6], const struct ipf_arp *a);

/* Classify a received frame; on IPF_OK *a holds the ARP packet. */
enum ipf_result ipf_arp_parse(const uint8_t *buf, size_t len, struct ipf_arp *a);

/*
 * An ICMP echo request or reply (e->type) in IPv4 (TTL e->ttl, or 64 when
 * 0; DF set, IP id ip_id) with e->data_len bytes of e->data, checksums
 * filled in.  Returns the frame length (padded to IPF_ETH_MIN), or 0 if it
 * would not fit in cap bytes or data_len > IPF_ECHO_MAX_DATA.
 */
size_t ipf_echo_build(uint8_t *buf, size_t cap, const struct ipf_echo *e, uint16_t ip_id);

/*
 * Classify a received frame as an ICMP echo request/reply in IPv4; on
 * IPF_OK *e describes it (data points into buf).  Ethernet padding after
 * the IPv4 total length is ignored, as RFC 791's total length says.
 */
enum ipf_result ipf_echo_parse(const uint8_t *buf, size_t len, struct ipf_echo *e);

/*
 * The echo data lm-peer sends: the 8-byte big-endian send time (ns), then
 * a pattern depending on the sequence number, so that a reply carrying
 * another request's data (or a stale buffer) is detected.
 */
void ipf_ping_data(uint8_t *data, size_t len, uint16_t seq, uint64_t ts_ns);

/*
 * Echo accounting for one run of `count` requests (identifier `id`):
 * which were sent when, which were answered, duplicates, round-trip times.
 */
struct ipf_ping {
	uint32_t local, remote;		/* our address, the pinged one */
	uint16_t id;
	uint32_t count;			/* requests planned (<= 65536) */
	size_t data_len;		/* data bytes per request (>= 8) */
	uint64_t *sent_ns;		/* per seq: send time, 0 = not sent */
	uint8_t *answered;		/* per seq: replies received */
	uint64_t sent, replies, dup, unknown, corrupt;
	uint64_t rtt_min_ns, rtt_max_ns, rtt_sum_ns;
};

/* Outcome of feeding one echo reply to ipf_ping_reply(). */
enum ipf_ping_match {
	IPF_PING_REPLY,		/* first reply to a request we sent */
	IPF_PING_DUP,		/* a request already answered, answered again */
	IPF_PING_UNKNOWN,	/* not ours: other addresses or id, a seq never sent */
	IPF_PING_CORRUPT,	/* ours, but the data is not what we sent */
};

/*
 * Requests from local to remote; 0, or -1 with errno ENOMEM, or EINVAL when
 * count is 0 or > 65536 or data_len is not in [8, IPF_ECHO_MAX_DATA].
 */
int ipf_ping_init(struct ipf_ping *p, uint32_t local, uint32_t remote, uint16_t id,
		  uint32_t count, size_t data_len);
void ipf_ping_free(struct ipf_ping *p);
/* Record request seq as sent at ts_ns (its data was ipf_ping_data(.., ts_ns)). */
void ipf_ping_sent(struct ipf_ping *p, uint16_t seq, uint64_t ts_ns);
/* Match a parsed echo reply received at now_ns and count it. */
enum ipf_ping_match ipf_ping_reply(struct ipf_ping *p, const struct ipf_echo *e,
				   uint64_t now_ns);
/* Requests sent that never got a reply. */
static inline uint64_t ipf_ping_lost(const struct ipf_ping *p)
{
	return p->sent - p->replies;
}

#endif /* LIVEMAP_IPFRAME_H */
