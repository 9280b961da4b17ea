// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_wireopt.c - the wire tools' option parsing and helpers: strict numbers,
 * MAC addresses, seconds, send deadlines that never overflow, and the
 * shared option table of lm-peer/lm-afp.
 */
#include <string.h>

#include "lmutil.h"
#include "tap.h"
#include "wireopt.h"

static void test_numbers(void)
{
	uint64_t v = 77;

	ok(!lm_parse_u64("42", 0, 100, &v) && v == 42, "42 parses");
	ok(!lm_parse_u64("0x10", 0, 100, &v) && v == 16, "hex parses");
	ok(!lm_parse_u64("4294967295", 0, UINT32_MAX, &v) && v == UINT32_MAX, "2^32-1 parses");
	v = 77;
	ok(lm_parse_u64("4294967296", 0, UINT32_MAX, &v) && v == 77, "over max: refused, untouched");
	ok(lm_parse_u64("-1", 0, 100, &v), "negative refused");
	ok(lm_parse_u64("+1", 0, 100, &v), "sign refused");
	ok(lm_parse_u64("", 0, 100, &v), "empty refused");
	ok(lm_parse_u64("12x", 0, 100, &v), "trailing garbage refused");
	ok(lm_parse_u64(" 1", 0, 100, &v), "leading space refused");
	ok(lm_parse_u64("99999999999999999999999", 0, UINT64_MAX, &v), "overflow refused");
	ok(lm_parse_u64("5", 10, 100, &v), "under min refused");

	ok(!lm_parse_secs("2", &v) && v == 2000000000ull, "2 s");
	ok(!lm_parse_secs("0.25", &v) && v == 250000000ull, "0.25 s");
	ok(lm_parse_secs("-1", &v), "negative seconds refused");
	ok(lm_parse_secs("nan", &v), "nan refused");
	ok(lm_parse_secs("1e7", &v), "beyond 1e6 s refused");
	ok(lm_parse_secs("3s", &v), "unit suffix refused");
}

static void test_mac(void)
{
	uint8_t m[6] = { 0 }, want[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0xaB };

	ok(!lm_parse_mac("52:54:00:12:34:Ab", m) && !memcmp(m, want, 6), "MAC parses, any case");
	ok(lm_parse_mac("52:54:00:12:34", m), "short MAC refused");
	ok(lm_parse_mac("52-54-00-12-34-ab", m), "dashes refused");
	ok(lm_parse_mac("52:54:00:12:34:ag", m), "non-hex refused");
	ok(lm_parse_mac("52:54:00:12:34:ab:", m), "trailing colon refused");
}

static void test_deadline(void)
{
	is_int(lm_deadline(5, 0, 2000), 5, "frame 0 at t0");
	is_int(lm_deadline(0, 1, 2000), 500000, "frame 1 at 2000/s: 0.5 ms");
	is_int(lm_deadline(0, 3, 3), 1000000000, "frame 3 at 3/s: exactly 1 s");
	/* k * 1e9 would overflow 64 bits here; the answer is 1e5 s. */
	ok(lm_deadline(0, 100000000000ull, 1000000) == 100000000000000ull,
	   "frame 1e11 at 1e6/s: 1e5 s, no overflow");
}

static void test_wire_opt(void)
{
	struct wire_opts w;

	wire_opts_init(&w);
	ok(w.rate == 1000 && w.len == 60 && w.dst[0] == 0xff && !w.block && w.src[0] == 0x02,
	   "defaults: 1000/s, 60 bytes, broadcast, drop, locally administered src");
	is_int(wire_opt(&w, "t", "rate", "0"), 1, "rate 0 (max) accepted");
	is_int(w.rate, 0, "rate stored");
	is_int(wire_opt(&w, "t", "len", "59"), -1, "len 59 refused");
	is_int(wire_opt(&w, "t", "len", "1515"), -1, "len 1515 refused");
	is_int(wire_opt(&w, "t", "len", "1514"), 1, "len 1514 accepted");
	is_int(wire_opt(&w, "t", "stream", "65536"), -1, "stream 65536 refused");
	is_int(wire_opt(&w, "t", "stream", "9"), 1, "stream 9 accepted");
	ok(w.stream == 9 && w.have_stream, "stream stored");
	is_int(wire_opt(&w, "t", "on-full", "block"), 1, "on-full block");
	ok(w.block, "block stored");
	is_int(wire_opt(&w, "t", "on-full", "later"), -1, "on-full later refused");
	is_int(wire_opt(&w, "t", "count", "0"), -1, "count 0 refused");
	is_int(wire_opt(&w, "t", "expect", "10000"), 1, "expect accepted");
	is_int(wire_opt(&w, "t", "first", "4294967295"), 1, "first 2^32-1 accepted");
	is_int(wire_opt(&w, "t", "src", "02:00:00:00:00:09"), 1, "src accepted");
	ok(w.have_src && w.src[5] == 9, "src stored");
	is_int(wire_opt(&w, "t", "interval", "0"), -1, "interval 0 refused");
	is_int(wire_opt(&w, "t", "vm", "/x"), 0, "a tool's own option is not ours");
}

int main(void)
{
	test_numbers();
	test_mac();
	test_deadline();
	test_wire_opt();
	return done_testing();
}
