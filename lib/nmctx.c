// SPDX-License-Identifier: BSD-2-Clause
/*
 * nmctx.c - libnetmap contexts: where error messages go, how memory is
 * allocated, and the lock around the list of mapped regions.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <libnetmap.h>

static void nmctx_default_error(struct nmctx *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "libnetmap: %s\n", msg);
}

static void *nmctx_default_malloc(struct nmctx *ctx, size_t sz)
{
	(void)ctx;
	return malloc(sz);
}

static void nmctx_default_free(struct nmctx *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static pthread_mutex_t nmctx_default_mutex = PTHREAD_MUTEX_INITIALIZER;

static void nmctx_default_lock(struct nmctx *ctx, int lock)
{
	(void)ctx;
	if (lock)
		pthread_mutex_lock(&nmctx_default_mutex);
	else
		pthread_mutex_unlock(&nmctx_default_mutex);
}

static struct nmctx nmctx_global = {
	.verbose = 1,
	.error = nmctx_default_error,
	.malloc = nmctx_default_malloc,
	.free = nmctx_default_free,
	.lock = nmctx_default_lock,
};

static struct nmctx *nmctx_default = &nmctx_global;

struct nmctx *nmctx_get(void)
{
	return nmctx_default;
}

struct nmctx *nmctx_set_default(struct nmctx *ctx)
{
	struct nmctx *old = nmctx_default;

	nmctx_default = ctx ? ctx : &nmctx_global;
	return old;
}

void nmctx_ferror(struct nmctx *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	if (!ctx->verbose || !ctx->error)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		ctx->error(ctx, "(unprintable error message)");
	else
		ctx->error(ctx, msg);	/* truncated at 511 at worst */
}

void *nmctx_malloc(struct nmctx *ctx, size_t sz)
{
	return ctx->malloc ? ctx->malloc(ctx, sz) : malloc(sz);
}

void nmctx_free(struct nmctx *ctx, void *p)
{
	if (ctx->free)
		ctx->free(ctx, p);
	else
		free(p);
}

void nmctx_lock(struct nmctx *ctx)
{
	if (ctx->lock)
		ctx->lock(ctx, 1);
}

void nmctx_unlock(struct nmctx *ctx)
{
	if (ctx->lock)
		ctx->lock(ctx, 0);
}
