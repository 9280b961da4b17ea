/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tap.h - the Test Anything Protocol for livemap's C tests, run by prove(1).
 *
 *	plan_no_plan();            (or plan(N))
 *	ok(cond, "what %d", x);    one "ok N - ..." / "not ok N - ..." line
 *	is_int(got, want, "name"); prints both values on failure
 *	diag("text %s", s);        "# text" on stdout (a TAP comment)
 *	return done_testing();     prints the plan if none yet, exit status
 */
#ifndef LIVEMAP_TAP_H
#define LIVEMAP_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_run, tap_failed, tap_planned;

static inline void plan(int n)
{
	printf("1..%d\n", n);
	tap_planned = 1;
}

static inline void plan_no_plan(void)
{
}

static inline void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static inline int tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_run++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	return cond;
}

static inline int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

#define is_int(got, want, ...) ({					\
	long long _g = (long long)(got), _w = (long long)(want);	\
	int _r = ok(_g == _w, __VA_ARGS__);				\
	if (!_r)							\
		diag("  got %lld, want %lld (%s)", _g, _w, #got);	\
	_r;								\
})

#define is_str(got, want, ...) ({					\
	const char *_g = (got), *_w = (want);				\
	int _r = ok(_g && _w && !strcmp(_g, _w), __VA_ARGS__);		\
	if (!_r)							\
		diag("  got \"%s\", want \"%s\"", _g ? _g : "(null)",	\
		     _w ? _w : "(null)");				\
	_r;								\
})

static inline int done_testing(void)
{
	if (!tap_planned)
		printf("1..%d\n", tap_run);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif /* LIVEMAP_TAP_H */
