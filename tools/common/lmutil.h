/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lmutil.h - small helpers shared by the wire tools (lm-peer, lm-afp,
 * lm-seqmerge): strict option parsing, MAC addresses, clocks, JSON strings.
 */
#ifndef LIVEMAP_LMUTIL_H
#define LIVEMAP_LMUTIL_H

#include <stdint.h>
#include <stdio.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t lm_now_ns(void);

/* Absolute send time of frame k at `rate` per second: t0 + k / rate s. */
static inline uint64_t lm_deadline(uint64_t t0, uint64_t k, uint64_t rate)
{
	/* Split so that k * 1e9 never overflows, however long the run. */
	return t0 + (k / rate) * 1000000000ull + (k % rate) * 1000000000ull / rate;
}

/* Sleep until the absolute CLOCK_MONOTONIC time t_ns (no drift). */
void lm_sleep_until(uint64_t t_ns);

/*
 * Whole decimal string (or 0x hex) in [min, max]; 0 on success, -1 with
 * nothing written otherwise.  Trailing garbage, signs and overflow fail.
 */
int lm_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Seconds with an optional fraction ("2", "0.5") to nanoseconds, [0, 1e6 s]. */
int lm_parse_secs(const char *s, uint64_t *ns);

/* "aa:bb:cc:dd:ee:ff" -> 6 bytes; -1 if malformed. */
int lm_parse_mac(const char *s, uint8_t mac[6]);

/* Write s as a JSON string literal (quotes, escapes). */
void lm_json_str(FILE *out, const char *s);

#endif /* LIVEMAP_LMUTIL_H */
