// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_ipframe.c - tools/common/ipframe.c: the Internet checksum against
 * RFC 1071's worked example and a known IPv4 header, ARP and ICMP echo
 * frames built and parsed back, every truncation and every single-bit
 * error of a frame rejected, random bytes never accepted by accident, and
 * lm-peer's echo matching (replies, duplicates, strangers, corrupt data).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipframe.h"
#include "tap.h"

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x10 };
static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
#define GUEST_IP	0x0a000002u
#define PEER_IP		0x0a000001u

static void test_csum(void)
{
	/* RFC 1071 section 3: these words sum to 0xddf2 (one's complement). */
	static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	/* An IPv4 header with its checksum 0xb861 in place (192.168.0.1 -> .199). */
	uint8_t ip[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	static const uint8_t odd[] = { 0x01 };

	is_int(ipf_csum(rfc, sizeof(rfc)), 0x220d, "RFC 1071 example: ~0xddf2");
	is_int(ipf_csum(ip, sizeof(ip)), 0, "a header with its correct checksum sums to 0");
	ip[10] = ip[11] = 0;
	is_int(ipf_csum(ip, sizeof(ip)), 0xb861, "the same header's checksum computed: 0xb861");
	is_int(ipf_csum(odd, 1), 0xfeff, "an odd last byte is padded with zero");
	is_int(ipf_csum(odd, 0), 0xffff, "empty data: checksum 0xffff");
}

static void test_ip4_text(void)
{
	uint32_t a = 0;
	char s[16];

	ok(!ipf_parse_ip4("10.0.0.2", &a) && a == GUEST_IP, "10.0.0.2 parses to 0x0a000002");
	ok(ipf_parse_ip4("10.0.0", &a) && ipf_parse_ip4("256.0.0.1", &a) &&
	   ipf_parse_ip4("10.0.0.2 ", &a) && ipf_parse_ip4("", &a) && ipf_parse_ip4(NULL, &a),
	   "malformed addresses are refused");
	ipf_format_ip4(0xc0a800c7u, s);
	is_str(s, "192.168.0.199", "format back");
}

static void test_arp(void)
{
	uint8_t f[IPF_ETH_MIN + 8];
	struct ipf_arp a = { .oper = IPF_ARP_REQUEST, .spa = PEER_IP, .tpa = GUEST_IP }, b;
	size_t len, n;
	int runt = 1;

	memcpy(a.sha, peer_mac, 6);
	len = ipf_arp_build(f, bcast, &a);
	is_int(len, IPF_ETH_MIN, "an ARP frame is padded to 60 bytes");
	is_int(f[12] << 8 | f[13], IPF_ETHERTYPE_ARP, "ethertype 0x0806");
	ok(f[14] == 0 && f[15] == 1 && f[16] == 8 && f[17] == 0 && f[18] == 6 && f[19] == 4 &&
	   f[20] == 0 && f[21] == 1, "htype 1, ptype 0x0800, hlen 6, plen 4, oper 1 at RFC 826 offsets");
	ok(f[28] == 10 && f[31] == 1 && f[38] == 10 && f[41] == 2, "spa at 28, tpa at 38");
	is_int(ipf_arp_parse(f, len, &b), IPF_OK, "our request parses");
	ok(b.oper == IPF_ARP_REQUEST && b.spa == PEER_IP && b.tpa == GUEST_IP &&
	   !memcmp(b.sha, peer_mac, 6) && !memcmp(b.eth_src, peer_mac, 6),
	   "fields read back");

	/* A reply as the guest's stack sends it, without padding (42 bytes). */
	a = (struct ipf_arp){ .oper = IPF_ARP_REPLY, .spa = GUEST_IP, .tpa = PEER_IP };
	memcpy(a.sha, guest_mac, 6);
	memcpy(a.tha, peer_mac, 6);
	ipf_arp_build(f, peer_mac, &a);
	is_int(ipf_arp_parse(f, 42, &b), IPF_OK, "an unpadded 42-byte reply parses");
	ok(b.oper == IPF_ARP_REPLY && b.spa == GUEST_IP && !memcmp(b.sha, guest_mac, 6) &&
	   !memcmp(b.tha, peer_mac, 6), "the reply's sender is the guest");
	for (n = 0; n < 42; n++)
		runt &= ipf_arp_parse(f, n, &b) == IPF_RUNT;
	ok(runt, "every truncation to 0..41 bytes is a runt");
	f[15] = 6;		/* htype 6 (IEEE 802): another layout */
	is_int(ipf_arp_parse(f, 60, &b), IPF_FOREIGN, "another hardware type is foreign");
	f[15] = 1;
	f[19] = 16;		/* plen 16 */
	is_int(ipf_arp_parse(f, 60, &b), IPF_FOREIGN, "another protocol length is foreign");
	f[19] = 4;
	f[13] = 0x00;		/* ethertype 0x0800 */
	is_int(ipf_arp_parse(f, 60, &b), IPF_FOREIGN, "an IPv4 frame is not ARP");
}

static size_t build_echo(uint8_t *f, size_t cap, uint8_t type, uint16_t seq, size_t dlen)
{
	uint8_t data[IPF_ECHO_MAX_DATA + 1];
	struct ipf_echo e = { .src = PEER_IP, .dst = GUEST_IP, .type = type, .id = 0x1234,
			      .seq = seq, .data = data, .data_len = dlen };

	memcpy(e.eth_dst, guest_mac, 6);
	memcpy(e.eth_src, peer_mac, 6);
	ipf_ping_data(data, dlen < sizeof(data) ? dlen : sizeof(data), seq, 0x0102030405060708ull);
	return ipf_echo_build(f, cap, &e, 7);
}

static void test_echo(void)
{
	static const size_t lens[] = { 0, 1, 8, 18, 55, 56, 1471, 1472 };
	uint8_t f[1600], g[1600];
	struct ipf_echo e;
	size_t len, n, i, k;
	int all = 1, runt = 1, flips = 1;

	len = build_echo(f, sizeof(f), IPF_ICMP_ECHO_REQUEST, 9, 56);
	is_int(len, 14 + 20 + 8 + 56, "56 data bytes: a 98-byte frame");
	ok(f[14] == 0x45 && f[16] == 0 && f[17] == 84 && f[20] == 0x40 && f[22] == 64 &&
	   f[23] == 1, "IPv4: version 4 / IHL 5, total length 84, DF, TTL 64, protocol 1");
	is_int(ipf_csum(f + 14, 20), 0, "the IPv4 header checksum verifies");
	is_int(ipf_csum(f + 34, 64), 0, "the ICMP checksum verifies");
	ok(f[34] == 8 && f[35] == 0 && f[38] == 0x12 && f[39] == 0x34 && f[40] == 0 && f[41] == 9,
	   "ICMP type 8 code 0, id 0x1234, seq 9 big-endian");
	ok(f[42] == 1 && f[49] == 8, "the data starts with the 8-byte big-endian timestamp");
	is_int(ipf_echo_parse(f, len, &e), IPF_OK, "it parses back");
	ok(e.type == IPF_ICMP_ECHO_REQUEST && e.id == 0x1234 && e.seq == 9 && e.src == PEER_IP &&
	   e.dst == GUEST_IP && e.data_len == 56 && e.data == f + 42 && e.ttl == 64,
	   "fields read back");

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		len = build_echo(f, sizeof(f), IPF_ICMP_ECHO_REPLY, (uint16_t)i, lens[i]);
		all &= len == (lens[i] + 42 < 60 ? 60 : lens[i] + 42) &&
		       ipf_echo_parse(f, len, &e) == IPF_OK && e.data_len == lens[i];
	}
	ok(all, "data lengths 0..1472 (odd ones too) round-trip, short frames padded to 60");
	ok(!build_echo(f, sizeof(f), IPF_ICMP_ECHO_REPLY, 0, 1473), "1473 data bytes: refused");
	ok(!build_echo(f, 97, IPF_ICMP_ECHO_REPLY, 0, 56), "a buffer one byte short: refused");

	/* Padding after the IPv4 total length (a NIC pads to 60) is ignored. */
	len = build_echo(f, sizeof(f), IPF_ICMP_ECHO_REPLY, 1, 4);
	is_int(ipf_echo_parse(f, len + 40, &e), IPF_OK, "trailing padding is ignored");
	is_int(e.data_len, 4, "...by the IPv4 total length");

	len = build_echo(f, sizeof(f), IPF_ICMP_ECHO_REPLY, 3, 56);
	for (n = 0; n < len; n++)
		runt &= ipf_echo_parse(f, n, &e) == IPF_RUNT;
	ok(runt, "every truncation of a 98-byte echo is a runt");
	for (k = 14 * 8; k < len * 8; k++) {
		memcpy(g, f, len);
		g[k / 8] ^= (uint8_t)(1 << (k % 8));
		flips &= ipf_echo_parse(g, len, &e) != IPF_OK;
	}
	ok(flips, "every single-bit error in the IPv4 header or ICMP part is caught");

	memcpy(g, f, len);
	g[20] |= 0x20;		/* more fragments */
	g[24] = g[25] = 0;
	ipf_put16(g + 24, ipf_csum(g + 14, 20));
	is_int(ipf_echo_parse(g, len, &e), IPF_FOREIGN, "a fragment is foreign");
	memcpy(g, f, len);
	g[14] = 0x44;		/* IHL 4: shorter than the fixed header */
	g[24] = g[25] = 0;
	ipf_put16(g + 24, ipf_csum(g + 14, 20));
	is_int(ipf_echo_parse(g, len, &e), IPF_BADSUM, "IHL < 5 is malformed");
	memcpy(g, f, len);
	g[23] = 17;		/* UDP */
	g[24] = g[25] = 0;
	ipf_put16(g + 24, ipf_csum(g + 14, 20));
	is_int(ipf_echo_parse(g, len, &e), IPF_FOREIGN, "UDP is foreign");
	memcpy(g, f, len);
	g[16] = 0x05;		/* total length 0x554 > the frame */
	g[24] = g[25] = 0;
	ipf_put16(g + 24, ipf_csum(g + 14, 20));
	is_int(ipf_echo_parse(g, len, &e), IPF_RUNT, "a total length beyond the frame: runt");
	memcpy(g, f, len);
	g[34] = 3;		/* destination unreachable, checksum fixed */
	g[36] = g[37] = 0;
	ipf_put16(g + 36, ipf_csum(g + 34, 64));
	is_int(ipf_echo_parse(g, len, &e), IPF_FOREIGN, "other ICMP types are foreign");

	/* IPv4 options (IHL 6): the ICMP part starts after them. */
	memcpy(g, f, 34);
	memset(g + 34, 1, 4);	/* four NOP options */
	memcpy(g + 38, f + 34, len - 34);
	g[14] = 0x46;
	ipf_put16(g + 16, (uint16_t)(24 + 64));
	g[24] = g[25] = 0;
	ipf_put16(g + 24, ipf_csum(g + 14, 24));
	ok(ipf_echo_parse(g, len + 4, &e) == IPF_OK && e.seq == 3 && e.data_len == 56 &&
	   e.data == g + 46, "a header with options (IHL 6) parses, data after them");
}

/* Random bytes (often with our ethertypes) never crash and are hardly ever "ok". */
static void test_random(void)
{
	uint8_t f[128];
	struct ipf_echo e;
	struct ipf_arp a;
	uint64_t s = 88172645463325252ull;
	int i, j, echo_ok = 0, sane = 1;
	size_t len;

	for (i = 0; i < 200000; i++) {
		for (j = 0; j < (int)sizeof(f); j++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			f[j] = (uint8_t)s;
		}
		len = s % sizeof(f);
		if (i & 1) {
			f[12] = 0x08;
			f[13] = (i & 2) ? 0x06 : 0x00;
			f[14] = (uint8_t)(0x45 + (i >> 2) % 3);
		}
		sane &= (unsigned int)ipf_arp_parse(f, len, &a) <= IPF_BADSUM;
		switch (ipf_echo_parse(f, len, &e)) {
		case IPF_OK:
			echo_ok++;
			sane &= e.data + e.data_len <= f + len;
			break;
		case IPF_RUNT:
		case IPF_FOREIGN:
		case IPF_BADSUM:
			break;
		default:
			sane = 0;
		}
	}
	ok(sane, "200,000 random frames: every result in range, data inside the frame");
	ok(echo_ok == 0, "none taken for an ICMP echo (%d)", echo_ok);
}

static void test_ping(void)
{
	struct ipf_ping p;
	struct ipf_echo e;
	uint8_t f[256], data[64];
	uint64_t t = 1000000000ull;

	ok(ipf_ping_init(&p, PEER_IP, GUEST_IP, 77, 0, 18) && errno == EINVAL, "count 0: EINVAL");
	ok(ipf_ping_init(&p, PEER_IP, GUEST_IP, 77, 65537, 18) && errno == EINVAL,
	   "count 65537: EINVAL");
	ok(ipf_ping_init(&p, PEER_IP, GUEST_IP, 77, 10, 7) && errno == EINVAL,
	   "7 data bytes (no room for the timestamp): EINVAL");
	if (!ok(!ipf_ping_init(&p, PEER_IP, GUEST_IP, 77, 10, 18), "10 requests of 18 bytes"))
		return;
	ipf_ping_sent(&p, 0, t);
	ipf_ping_sent(&p, 1, t + 1000);
	ipf_ping_sent(&p, 2, t + 2000);
	ipf_ping_sent(&p, 2, t + 9999);		/* twice: ignored */
	ipf_ping_sent(&p, 10, t);		/* beyond count: ignored */
	is_int(p.sent, 3, "3 requests recorded as sent");

	/* The guest's reply to request 1: addresses swapped, data returned. */
	e = (struct ipf_echo){ .src = GUEST_IP, .dst = PEER_IP, .type = IPF_ICMP_ECHO_REPLY,
			       .id = 77, .seq = 1, .data = data, .data_len = 18 };
	ipf_ping_data(data, 18, 1, t + 1000);
	is_int(ipf_ping_reply(&p, &e, t + 501000), IPF_PING_REPLY, "reply to 1 matches");
	is_int(ipf_ping_reply(&p, &e, t + 601000), IPF_PING_DUP, "the same reply again: dup");
	e.seq = 0;
	is_int(ipf_ping_reply(&p, &e, t + 700000), IPF_PING_CORRUPT,
	       "request 1's data in a reply to 0: corrupt");
	ipf_ping_data(data, 18, 0, t);
	data[17] ^= 1;
	is_int(ipf_ping_reply(&p, &e, t + 700000), IPF_PING_CORRUPT, "one data byte changed: corrupt");
	data[17] ^= 1;
	e.data_len = 17;
	is_int(ipf_ping_reply(&p, &e, t + 700000), IPF_PING_CORRUPT, "data cut short: corrupt");
	e.data_len = 18;
	e.id = 78;
	is_int(ipf_ping_reply(&p, &e, t), IPF_PING_UNKNOWN, "another identifier: unknown");
	e.id = 77;
	e.src = 0x0a000003u;
	is_int(ipf_ping_reply(&p, &e, t), IPF_PING_UNKNOWN, "from another address: unknown");
	e.src = GUEST_IP;
	e.type = IPF_ICMP_ECHO_REQUEST;
	is_int(ipf_ping_reply(&p, &e, t), IPF_PING_UNKNOWN, "a request is not a reply");
	e.type = IPF_ICMP_ECHO_REPLY;
	e.seq = 5;
	is_int(ipf_ping_reply(&p, &e, t), IPF_PING_UNKNOWN, "a seq never sent: unknown");
	e.seq = 0;
	is_int(ipf_ping_reply(&p, &e, t + 200000), IPF_PING_REPLY, "reply to 0 matches");

	/* Through a real frame: build the reply, parse it, match it. */
	ipf_ping_data(data, 18, 2, t + 2000);
	e.seq = 2;
	memcpy(e.eth_dst, peer_mac, 6);
	memcpy(e.eth_src, guest_mac, 6);
	ok(ipf_echo_parse(f, ipf_echo_build(f, sizeof(f), &e, 1), &e) == IPF_OK &&
	   ipf_ping_reply(&p, &e, t + 902000) == IPF_PING_REPLY, "a built-and-parsed reply to 2 matches");
	is_int(p.replies, 3, "3 replies");
	is_int(ipf_ping_lost(&p), 0, "0 lost");
	is_int(p.dup, 1, "1 dup");
	is_int(p.corrupt, 3, "3 corrupt");
	is_int(p.unknown, 4, "4 unknown");
	is_int(p.rtt_min_ns, 200000, "rtt min 0.2 ms");
	is_int(p.rtt_max_ns, 900000, "rtt max 0.9 ms");
	is_int(p.rtt_sum_ns, 1600000, "rtt sum 1.6 ms");
	ipf_ping_sent(&p, 3, t + 3000);
	is_int(ipf_ping_lost(&p), 1, "one more request unanswered: 1 lost");
	ipf_ping_free(&p);
}

int main(void)
{
	test_csum();
	test_ip4_text();
	test_arp();
	test_echo();
	test_random();
	test_ping();
	return done_testing();
}
