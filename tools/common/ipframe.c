// SPDX-License-Identifier: BSD-2-Clause
/*
 * ipframe.c - see ipframe.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipframe.h"

/* Offsets in the frame (see the picture in ipframe.h). */
#define ETH_TYPE	12
#define L3		IPF_ETH_HLEN
#define OFF_VIHL	(L3 + 0)
#define OFF_LEN		(L3 + 2)
#define OFF_ID		(L3 + 4)
#define OFF_FRAG	(L3 + 6)
#define OFF_TTL		(L3 + 8)
#define OFF_PROTO	(L3 + 9)
#define OFF_SUM		(L3 + 10)
#define OFF_SRC		(L3 + 12)
#define OFF_DST		(L3 + 16)
#define FLAG_DF		0x4000
#define FLAG_MF_OFF	0x3fff	/* more-fragments bit + fragment offset */
#define ARP_HTYPE_ETH	1

uint16_t ipf_csum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += ipf_get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	/* Fold the carries back in (end-around carry, RFC 1071 section 2). */
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int ipf_parse_ip4(const char *s, uint32_t *addr)
{
	struct in_addr in;

	if (!s || inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*addr = ntohl(in.s_addr);
	return 0;
}

void ipf_format_ip4(uint32_t a, char *out)
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static void eth_header(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
		       uint16_t type)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	ipf_put16(buf + ETH_TYPE, type);
}

size_t ipf_arp_build(uint8_t *buf, const uint8_t eth_dst[6], const struct ipf_arp *a)
{
	uint8_t *arp = buf + L3;

	memset(buf, 0, IPF_ETH_MIN);
	eth_header(buf, eth_dst, a->sha, IPF_ETHERTYPE_ARP);
	ipf_put16(arp + 0, ARP_HTYPE_ETH);
	ipf_put16(arp + 2, IPF_ETHERTYPE_IP4);
	arp[4] = 6;
	arp[5] = 4;
	ipf_put16(arp + 6, a->oper);
	memcpy(arp + 8, a->sha, 6);
	ipf_put32(arp + 14, a->spa);
	memcpy(arp + 18, a->tha, 6);
	ipf_put32(arp + 24, a->tpa);
	return IPF_ETH_MIN;
}

enum ipf_result ipf_arp_parse(const uint8_t *buf, size_t len, struct ipf_arp *a)
{
	const uint8_t *arp = buf + L3;

	if (len < IPF_ETH_HLEN)
		return IPF_RUNT;
	if (ipf_get16(buf + ETH_TYPE) != IPF_ETHERTYPE_ARP)
		return IPF_FOREIGN;
	if (len < IPF_ETH_HLEN + IPF_ARP_LEN)
		return IPF_RUNT;
	/* Only Ethernet/IPv4 ARP has the 28-byte layout we read. */
	if (ipf_get16(arp) != ARP_HTYPE_ETH || ipf_get16(arp + 2) != IPF_ETHERTYPE_IP4 ||
	    arp[4] != 6 || arp[5] != 4)
		return IPF_FOREIGN;
	a->oper = ipf_get16(arp + 6);
	memcpy(a->eth_src, buf + 6, 6);
	memcpy(a->sha, arp + 8, 6);
	a->spa = ipf_get32(arp + 14);
	memcpy(a->tha, arp + 18, 6);
	a->tpa = ipf_get32(arp + 24);
	return IPF_OK;
}

size_t ipf_echo_build(uint8_t *buf, size_t cap, const struct ipf_echo *e, uint16_t ip_id)
{
	size_t icmp_len = IPF_ICMP_HLEN + e->data_len;
	size_t len = IPF_ETH_HLEN + IPF_IP4_HLEN + icmp_len;
	uint8_t *icmp = buf + L3 + IPF_IP4_HLEN;

	if (e->data_len > IPF_ECHO_MAX_DATA || cap < len || cap < IPF_ETH_MIN)
		return 0;
	if (len < IPF_ETH_MIN)
		memset(buf + len, 0, IPF_ETH_MIN - len);
	eth_header(buf, e->eth_dst, e->eth_src, IPF_ETHERTYPE_IP4);
	buf[OFF_VIHL] = 0x45;		/* version 4, 5 words of header */
	buf[L3 + 1] = 0;		/* type of service */
	ipf_put16(buf + OFF_LEN, (uint16_t)(IPF_IP4_HLEN + icmp_len));
	ipf_put16(buf + OFF_ID, ip_id);
	ipf_put16(buf + OFF_FRAG, FLAG_DF);
	buf[OFF_TTL] = e->ttl ? e->ttl : 64;
	buf[OFF_PROTO] = IPF_PROTO_ICMP;
	ipf_put16(buf + OFF_SUM, 0);
	ipf_put32(buf + OFF_SRC, e->src);
	ipf_put32(buf + OFF_DST, e->dst);
	ipf_put16(buf + OFF_SUM, ipf_csum(buf + L3, IPF_IP4_HLEN));

	icmp[0] = e->type;
	icmp[1] = 0;
	ipf_put16(icmp + 2, 0);
	ipf_put16(icmp + 4, e->id);
	ipf_put16(icmp + 6, e->seq);
	if (e->data_len)
		memmove(icmp + IPF_ICMP_HLEN, e->data, e->data_len);
	ipf_put16(icmp + 2, ipf_csum(icmp, icmp_len));
	return len < IPF_ETH_MIN ? IPF_ETH_MIN : len;
}

enum ipf_result ipf_echo_parse(const uint8_t *buf, size_t len, struct ipf_echo *e)
{
	size_t hl, total;
	const uint8_t *icmp;

	if (len < IPF_ETH_HLEN)
		return IPF_RUNT;
	if (ipf_get16(buf + ETH_TYPE) != IPF_ETHERTYPE_IP4)
		return IPF_FOREIGN;
	if (len < IPF_ETH_HLEN + IPF_IP4_HLEN)
		return IPF_RUNT;
	if (buf[OFF_VIHL] >> 4 != 4)
		return IPF_FOREIGN;
	hl = (size_t)(buf[OFF_VIHL] & 0xf) * 4;
	if (hl < IPF_IP4_HLEN)
		return IPF_BADSUM;	/* a header shorter than its fixed part */
	if (len < IPF_ETH_HLEN + hl)
		return IPF_RUNT;
	if (ipf_csum(buf + L3, hl))
		return IPF_BADSUM;
	total = ipf_get16(buf + OFF_LEN);
	if (total < hl)
		return IPF_BADSUM;
	if (len < IPF_ETH_HLEN + total)
		return IPF_RUNT;	/* cut short on the way */
	if (buf[OFF_PROTO] != IPF_PROTO_ICMP || (ipf_get16(buf + OFF_FRAG) & FLAG_MF_OFF))
		return IPF_FOREIGN;	/* other protocol, or a fragment */
	if (total - hl < IPF_ICMP_HLEN)
		return IPF_RUNT;
	icmp = buf + L3 + hl;
	if (ipf_csum(icmp, total - hl))
		return IPF_BADSUM;
	if ((icmp[0] != IPF_ICMP_ECHO_REPLY && icmp[0] != IPF_ICMP_ECHO_REQUEST) || icmp[1])
		return IPF_FOREIGN;
	memcpy(e->eth_dst, buf, 6);
	memcpy(e->eth_src, buf + 6, 6);
	e->src = ipf_get32(buf + OFF_SRC);
	e->dst = ipf_get32(buf + OFF_DST);
	e->ttl = buf[OFF_TTL];
	e->type = icmp[0];
	e->id = ipf_get16(icmp + 4);
	e->seq = ipf_get16(icmp + 6);
	e->data = icmp + IPF_ICMP_HLEN;
	e->data_len = total - hl - IPF_ICMP_HLEN;
	return IPF_OK;
}

void ipf_ping_data(uint8_t *data, size_t len, uint16_t seq, uint64_t ts_ns)
{
	size_t i;

	for (i = 0; i < 8 && i < len; i++)
		data[i] = (uint8_t)(ts_ns >> (56 - 8 * i));
	for (; i < len; i++)
		data[i] = (uint8_t)(i ^ seq ^ (seq >> 8) ^ 0xa5);
}

int ipf_ping_init(struct ipf_ping *p, uint32_t local, uint32_t remote, uint16_t id,
		  uint32_t count, size_t data_len)
{
	*p = (struct ipf_ping){ .local = local, .remote = remote, .id = id, .count = count,
				.data_len = data_len, .rtt_min_ns = UINT64_MAX };
	if (!count || count > 65536 || data_len < 8 || data_len > IPF_ECHO_MAX_DATA) {
		errno = EINVAL;
		return -1;
	}
	p->sent_ns = calloc(count, sizeof(*p->sent_ns));
	p->answered = calloc(count, 1);
	if (!p->sent_ns || !p->answered) {
		ipf_ping_free(p);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void ipf_ping_free(struct ipf_ping *p)
{
	free(p->sent_ns);
	free(p->answered);
	p->sent_ns = NULL;
	p->answered = NULL;
}

void ipf_ping_sent(struct ipf_ping *p, uint16_t seq, uint64_t ts_ns)
{
	if (seq >= p->count || p->sent_ns[seq])
		return;
	p->sent_ns[seq] = ts_ns;
	p->sent++;
}

enum ipf_ping_match ipf_ping_reply(struct ipf_ping *p, const struct ipf_echo *e,
				   uint64_t now_ns)
{
	uint8_t want[IPF_ECHO_MAX_DATA];
	uint64_t rtt;

	if (e->type != IPF_ICMP_ECHO_REPLY || e->src != p->remote || e->dst != p->local ||
	    e->id != p->id || e->seq >= p->count || !p->sent_ns[e->seq]) {
		p->unknown++;
		return IPF_PING_UNKNOWN;
	}
	/* RFC 792: the reply returns the request's data unchanged. */
	ipf_ping_data(want, p->data_len, e->seq, p->sent_ns[e->seq]);
	if (e->data_len != p->data_len || memcmp(e->data, want, p->data_len)) {
		p->corrupt++;
		return IPF_PING_CORRUPT;
	}
	if (p->answered[e->seq]) {
		if (p->answered[e->seq] < UINT8_MAX)
			p->answered[e->seq]++;
		p->dup++;
		return IPF_PING_DUP;
	}
	p->answered[e->seq] = 1;
	p->replies++;
	rtt = now_ns > p->sent_ns[e->seq] ? now_ns - p->sent_ns[e->seq] : 0;
	p->rtt_sum_ns += rtt;
	if (rtt < p->rtt_min_ns)
		p->rtt_min_ns = rtt;
	if (rtt > p->rtt_max_ns)
		p->rtt_max_ns = rtt;
	return IPF_PING_REPLY;
}
