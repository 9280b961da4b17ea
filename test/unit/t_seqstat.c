// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_seqstat.c - the wire's accounting on crafted inputs: frame parsing of
 * good and hostile frames, loss/dup/reorder with 32-bit wrap-around, the
 * bitmap window's edges, a randomised comparison with a brute-force model,
 * the range log and the exactly-once merge of several readers.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seqmerge.h"
#include "seqstat.h"
#include "tap.h"

static const uint8_t DST[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x10 };
static const uint8_t SRC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static size_t mkframe(uint8_t *buf, size_t cap, uint16_t stream, uint32_t seq, size_t len)
{
	struct lm_seqinfo in = { .stream = stream, .seq = seq, .len = (uint16_t)len,
				 .ts_ns = 0x0102030405060708ull };

	memcpy(in.dst, DST, 6);
	memcpy(in.src, SRC, 6);
	return lm_seqframe_build(buf, cap, &in);
}

static void test_frame(void)
{
	uint8_t f[2048], g[2048];
	struct lm_seqinfo out;

	is_int(mkframe(f, sizeof(f), 7, 0xdeadbeef, 60), 60, "build 60-byte frame");
	is_int(lm_seqframe_parse(f, 60, 1, &out), LM_SEQ_OK, "60-byte frame parses");
	ok(out.seq == 0xdeadbeef && out.stream == 7 && out.len == 60 &&
	   out.ts_ns == 0x0102030405060708ull && !memcmp(out.dst, DST, 6) &&
	   !memcmp(out.src, SRC, 6), "fields round-trip");
	is_int(f[12] << 8 | f[13], 0x88B5, "ethertype on the wire is 0x88B5 big-endian");
	is_int((uint32_t)f[22] << 24 | f[23] << 16 | f[24] << 8 | f[25], 0xdeadbeefu,
	       "seq at frame offset 22, big-endian");

	is_int(mkframe(f, sizeof(f), 1, 5, 1514), 1514, "build 1514-byte frame");
	is_int(lm_seqframe_parse(f, 1514, 1, &out), LM_SEQ_OK, "1514-byte frame parses");
	is_int(mkframe(f, sizeof(f), 1, 5, 59), 0, "build refuses 59 bytes");
	is_int(mkframe(f, sizeof(f), 1, 5, 1515), 0, "build refuses 1515 bytes");
	is_int(mkframe(f, 100, 1, 5, 200), 0, "build refuses a too-small buffer");

	/* Restamping keeps the frame valid and changes only seq/ts. */
	mkframe(f, sizeof(f), 3, 1, 128);
	lm_seqframe_stamp(f, 0xfffffffe, 42);
	is_int(lm_seqframe_parse(f, 128, 1, &out), LM_SEQ_OK, "restamped frame parses");
	ok(out.seq == 0xfffffffe && out.ts_ns == 42 && out.stream == 3, "restamped fields");

	/* Hostile and foreign input. */
	mkframe(f, sizeof(f), 3, 9, 100);
	is_int(lm_seqframe_parse(f, 0, 1, &out), LM_SEQ_RUNT, "0 bytes: runt");
	is_int(lm_seqframe_parse(f, 13, 1, &out), LM_SEQ_RUNT, "13 bytes: runt");
	is_int(lm_seqframe_parse(f, 41, 1, &out), LM_SEQ_RUNT, "our ethertype, 41 bytes: runt");
	memcpy(g, f, 100);
	g[12] = 0x08, g[13] = 0x00;
	is_int(lm_seqframe_parse(g, 100, 1, &out), LM_SEQ_FOREIGN, "IPv4 ethertype: foreign");
	is_int(lm_seqframe_parse(g, 20, 1, &out), LM_SEQ_FOREIGN, "short IPv4 frame: foreign");
	memcpy(g, f, 100);
	g[14] ^= 0x40;
	is_int(lm_seqframe_parse(g, 100, 1, &out), LM_SEQ_FOREIGN, "bad magic: foreign");
	memcpy(g, f, 100);
	g[18] = 2;
	is_int(lm_seqframe_parse(g, 100, 1, &out), LM_SEQ_FOREIGN, "unknown version: foreign");
	memcpy(g, f, 100);
	g[25] ^= 1;
	is_int(lm_seqframe_parse(g, 100, 1, &out), LM_SEQ_CORRUPT, "seq bit flip: corrupt (hsum)");
	memcpy(g, f, 100);
	g[77] ^= 0x10;
	is_int(lm_seqframe_parse(g, 100, 1, &out), LM_SEQ_CORRUPT, "payload bit flip: corrupt");
	is_int(lm_seqframe_parse(g, 100, 0, &out), LM_SEQ_OK, "payload unchecked: ok");
	is_int(lm_seqframe_parse(f, 99, 1, &out), LM_SEQ_CORRUPT, "truncated by 1: corrupt");
	mkframe(f, sizeof(f), 3, 9, 60);
	memset(f + 60, 0, 4);
	is_int(lm_seqframe_parse(f, 64, 1, &out), LM_SEQ_OK, "NIC padding after len: ok");
	is_int(out.len, 60, "declared length reported, not the padded one");
}

/* Feed a list of numbers; return the class of the last one. */
static enum seqstat_class feed(struct seqstat *st, const uint32_t *s, size_t n)
{
	enum seqstat_class cl = SEQSTAT_STALE;
	size_t i;

	for (i = 0; i < n; i++)
		cl = seqstat_feed_seq(st, s[i]);
	return cl;
}

#define FEED(st, ...) ({ const uint32_t _s[] = { __VA_ARGS__ }; \
			 feed(st, _s, sizeof(_s) / sizeof(_s[0])); })

static void feed_range(struct seqstat *st, uint32_t from, uint32_t n)
{
	while (n--)
		seqstat_feed_seq(st, from++);
}

static void test_basic(void)
{
	static struct seqstat st;

	seqstat_init(&st, -1);
	feed_range(&st, 0, 1000);
	ok(st.c.valid == 1000 && !st.c.lost && !st.c.dup && !st.c.reorder &&
	   st.c.first == 0 && st.c.last == 999, "in order 0..999: all valid, nothing lost");

	seqstat_init(&st, -1);
	feed_range(&st, 0, 10);
	is_int(FEED(&st, 15), SEQSTAT_AHEAD, "jump 10 -> 15 is ahead");
	feed_range(&st, 16, 4);
	ok(st.c.valid == 15 && st.c.lost == 5 && st.c.gaps == 1 && st.c.max_gap == 5,
	   "gap of 5: lost 5, one gap event");
	is_int(FEED(&st, 12), SEQSTAT_LATE, "late 12 fills the gap");
	ok(st.c.lost == 4 && st.c.reorder == 1 && st.c.valid == 16, "late fill: lost--, reorder++");
	is_int(FEED(&st, 12), SEQSTAT_DUP, "12 again is a duplicate");
	is_int(FEED(&st, 19), SEQSTAT_DUP, "last again is a duplicate");
	is_int(FEED(&st, 0), SEQSTAT_DUP, "first again is a duplicate");
	ok(st.c.dup == 3 && st.c.lost == 4 && st.c.valid == 16, "dups change nothing else");
	FEED(&st, 10, 11, 13, 14);
	ok(st.c.lost == 0 && st.c.reorder == 5 && st.c.valid == 20 && st.c.last == 19,
	   "all gaps filled: lost back to 0");

	seqstat_init(&st, -1);
	FEED(&st, 0, 2, 1, 3);
	ok(st.c.valid == 4 && !st.c.lost && st.c.reorder == 1 && st.c.gaps == 1,
	   "swap 0,2,1,3: one reorder, nothing lost");

	/* A stream whose first frame arrived late. */
	seqstat_init(&st, -1);
	FEED(&st, 100, 101);
	is_int(FEED(&st, 98), SEQSTAT_LATE, "earlier than first: late");
	ok(st.c.first == 98 && st.c.lost == 1 && st.c.valid == 3, "first moves back, 99 is lost");
	FEED(&st, 99);
	ok(st.c.lost == 0 && st.c.valid == 4 && st.c.reorder == 2, "99 fills it");
	is_int(FEED(&st, 98), SEQSTAT_DUP, "98 again is a dup");
}

static void test_wrap(void)
{
	static struct seqstat st;

	seqstat_init(&st, -1);
	feed_range(&st, 0xfffffff0u, 33);
	ok(st.c.valid == 33 && !st.c.lost && !st.c.dup && !st.c.reorder &&
	   st.c.first == 0xfffffff0u && st.c.last == 0x10, "in order across 2^32");

	seqstat_init(&st, -1);
	FEED(&st, 0xfffffffdu, 0xfffffffeu);
	is_int(FEED(&st, 1), SEQSTAT_AHEAD, "0xfffffffe -> 1 is ahead across the wrap");
	is_int(st.c.lost, 2, "0xffffffff and 0 lost");
	is_int(FEED(&st, 0), SEQSTAT_LATE, "0 late across the wrap");
	is_int(FEED(&st, 0xffffffffu), SEQSTAT_LATE, "0xffffffff late across the wrap");
	is_int(FEED(&st, 0xfffffffdu), SEQSTAT_DUP, "dup across the wrap");
	ok(!st.c.lost && st.c.valid == 5 && st.c.last == 1 && st.c.first == 0xfffffffdu,
	   "wrap: exact counts");

	seqstat_init(&st, -1);
	FEED(&st, 5);
	is_int(FEED(&st, 3), SEQSTAT_LATE, "first late across nothing");
	seqstat_init(&st, -1);
	FEED(&st, 1);
	is_int(FEED(&st, 0xffffffffu), SEQSTAT_LATE, "before first across the wrap");
	ok(st.c.first == 0xffffffffu && st.c.lost == 1, "first moves back across 2^32, 0 lost");
}

static void test_window(void)
{
	static struct seqstat st;

	/* Fill the whole window, then jump: the re-used positions must read "missing". */
	seqstat_init(&st, -1);
	feed_range(&st, 0, SEQSTAT_WINDOW);
	FEED(&st, SEQSTAT_WINDOW + 100);
	is_int(st.c.lost, 100, "jump over 100 after a full window");
	is_int(FEED(&st, SEQSTAT_WINDOW + 50), SEQSTAT_LATE,
	       "a re-used bit position reads missing, not dup");
	is_int(FEED(&st, 150), SEQSTAT_DUP, "150 is still in the window and was received");
	is_int(FEED(&st, 90), SEQSTAT_STALE, "90 left the window: stale");
	ok(st.c.stale == 1 && st.c.lost == 99 && st.c.dup == 1, "stale changes nothing else");

	/* A jump bigger than the window. */
	seqstat_init(&st, -1);
	feed_range(&st, 0, SEQSTAT_WINDOW);
	FEED(&st, 3 * SEQSTAT_WINDOW);
	is_int(st.c.lost, 2 * SEQSTAT_WINDOW, "huge jump: every skipped number lost");
	is_int(FEED(&st, 3 * SEQSTAT_WINDOW - 5), SEQSTAT_LATE,
	       "inside the new window, bit position used before: late");
	is_int(FEED(&st, SEQSTAT_WINDOW), SEQSTAT_STALE, "before the new window: stale");
	is_int(FEED(&st, 1), SEQSTAT_STALE, "the old numbers: stale");

	/* 2^31 - 1 ahead is ahead; 2^31 ahead cannot be told from behind. */
	seqstat_init(&st, -1);
	FEED(&st, 0);
	is_int(FEED(&st, 0x7fffffffu), SEQSTAT_AHEAD, "2^31-1 ahead: ahead");
	is_int(st.c.lost, 0x7ffffffeu, "2^31-2 numbers lost");
	/* next is now 0x80000000; next + 2^31 wraps to 0 */
	is_int(FEED(&st, 0x80000000u + 0x80000000u), SEQSTAT_STALE, "2^31 beyond next: stale");
	ok(st.c.last == 0x7fffffffu && st.c.valid == 2, "a stale frame moves nothing");
}

/*
 * Random arrivals (local shuffles, drops, duplicates) starting just below
 * 2^32, checked against a brute-force model that remembers every number.
 */
static void test_random(void)
{
	enum { N = 40000, MAXD = 900 };
	static uint32_t arr[2 * N];
	static uint8_t seen[N + MAXD + 8];
	static struct seqstat st;
	uint32_t base = 0xffffffffu - N / 2;
	uint64_t valid = 0, dup = 0, reorder = 0, lost;
	size_t n = 0, i, j;
	long hi = -1, lo = -1;
	unsigned int seed = 12345;

	for (i = 0; i < N; i++) {
		int r = rand_r(&seed) % 100;

		if (r < 2)
			continue;			/* dropped */
		arr[n++] = (uint32_t)i;
		if (r < 4)
			arr[n++] = (uint32_t)i;		/* duplicated */
	}
	for (i = 0; i + 1 < n; i++) {			/* bounded displacement */
		j = i + rand_r(&seed) % 8;
		if (j < n && arr[j] < arr[i] + MAXD && arr[i] < arr[j] + MAXD) {
			uint32_t t = arr[i];

			arr[i] = arr[j];
			arr[j] = t;
		}
	}
	seqstat_init(&st, -1);
	for (i = 0; i < n; i++) {
		long v = arr[i];

		seqstat_feed_seq(&st, base + (uint32_t)v);
		if (seen[v]) {
			dup++;
			continue;
		}
		seen[v] = 1;
		valid++;
		if (hi >= 0 && v < hi)
			reorder++;
		if (hi < v)
			hi = v;
		if (lo < 0 || v < lo)
			lo = v;
	}
	lost = (uint64_t)(hi - lo + 1) - valid;
	diag("random: %zu arrivals, valid %llu dup %llu reorder %llu lost %llu",
	     n, (unsigned long long)valid, (unsigned long long)dup,
	     (unsigned long long)reorder, (unsigned long long)lost);
	is_int(st.c.valid, valid, "random: valid matches the model");
	is_int(st.c.dup, dup, "random: dup matches the model");
	is_int(st.c.reorder, reorder, "random: reorder matches the model");
	is_int(st.c.lost, lost, "random: lost matches the model");
	ok(st.c.first == base + (uint32_t)lo && st.c.last == base + (uint32_t)hi,
	   "random: first/last match across the wrap");
	ok(dup > 0 && reorder > 0 && lost > 0, "random: the input really had all three");
}

static void test_feed_frames(void)
{
	static struct seqstat st;
	uint8_t f[256], junk[9000];
	size_t i;

	seqstat_init(&st, 4);
	mkframe(f, sizeof(f), 4, 10, 60);
	is_int(seqstat_feed(&st, f, 60), SEQSTAT_IN_ORDER, "valid frame accepted");
	is_int(seqstat_feed(&st, f, 60), SEQSTAT_DUP, "same frame again: dup");
	is_int(seqstat_feed(&st, f, 10), SEQSTAT_RUNT, "10 bytes: runt");
	is_int(seqstat_feed(&st, f, 30), SEQSTAT_RUNT, "30 bytes of ours: runt");
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 131 + 17);
	is_int(seqstat_feed(&st, junk, sizeof(junk)), SEQSTAT_FOREIGN, "9000 random bytes: foreign");
	junk[12] = 0x88, junk[13] = 0xB5;
	is_int(seqstat_feed(&st, junk, 100), SEQSTAT_FOREIGN, "our ethertype, no magic: foreign");
	mkframe(f, sizeof(f), 4, 11, 100);
	f[70] ^= 1;
	is_int(seqstat_feed(&st, f, 100), SEQSTAT_CORRUPT, "damaged payload: corrupt");
	mkframe(f, sizeof(f), 5, 11, 60);
	is_int(seqstat_feed(&st, f, 60), SEQSTAT_OTHER_STREAM, "stream 5 while tracking 4");
	ok(st.c.valid == 1 && st.c.dup == 1 && st.c.runt == 2 && st.c.foreign == 2 &&
	   st.c.corrupt == 1 && st.c.other_stream == 1 && st.c.last == 10 && !st.c.lost,
	   "bad frames counted, sequence state untouched");
	mkframe(f, sizeof(f), 4, 12, 60);
	is_int(seqstat_feed(&st, f, 60), SEQSTAT_AHEAD, "11 was never valid: 12 is ahead");
	is_int(st.c.lost, 1, "11 (sent corrupt) counts as lost");
	is_int(st.c.bytes, 180, "bytes of valid + dup frames");

	seqstat_init(&st, -1);
	is_int(seqstat_feed(&st, junk, 13), SEQSTAT_RUNT, "runt before any frame");
	ok(!st.c.started, "a runt does not start the stream");
}

static void test_delta(void)
{
	static struct seqstat st;
	struct seqstat_counters a, b, d;

	seqstat_init(&st, -1);
	FEED(&st, 0, 1, 5);
	a = seqstat_snapshot(&st);
	FEED(&st, 2, 3, 6, 6);
	b = seqstat_snapshot(&st);
	d = seqstat_delta(&b, &a);
	ok(d.valid == 3 && d.dup == 1 && d.reorder == 2 && d.lost == 0 && d.last == 6,
	   "interval delta: valid 3, dup 1, reorder 2, lost clamped at 0");
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void test_seqlog(const char *dir)
{
	static struct seqstat st;
	struct seqlog log;
	char path[256];

	snprintf(path, sizeof(path), "%s/a.log", dir);
	ok(!seqlog_open(&log, path, 9, "stack"), "seqlog opens");
	seqstat_init(&st, -1);
	st.log = &log;
	feed_range(&st, 0xfffffffeu, 4);	/* one run across the wrap */
	FEED(&st, 5, 5, 4, 6, 7);
	ok(!seqlog_close(&log), "seqlog closes");
	is_str(slurp(path),
	       "# lm-seqlog 1 stream=9 reader=stack\n"
	       "4294967294 4\n5 1\n5 1\n4 1\n6 2\n", "runs in arrival order, wrap in one run");
}

/* One reader started several times (pkt-gen per switch): one log, periods appended. */
static void test_seqlog_append(const char *dir)
{
	struct seqmerge m;
	struct seqmerge_result res;
	struct seqlog log;
	char path[256], err[128];
	FILE *f;
	int i, r;

	snprintf(path, sizeof(path), "%s/p.log", dir);
	unlink(path);
	for (i = 0; i < 3; i++) {
		ok(!seqlog_open_append(&log, path, 2, "netmap"), "append period %d", i);
		/* periods: 0..9, 20..29, 15..16 (the last one goes back in time) */
		seqlog_add(&log, i == 2 ? 15 : 20 * i);
		seqlog_add(&log, i == 2 ? 16 : 20 * i + 1);
		ok(!seqlog_close(&log), "close period %d", i);
	}
	is_str(slurp(path),
	       "# lm-seqlog 1 stream=2 reader=netmap\n0 2\n"
	       "# lm-seqlog 1 stream=2 reader=netmap\n20 2\n"
	       "# lm-seqlog 1 stream=2 reader=netmap\n15 2\n", "three periods, each with its header");
	seqmerge_init(&m);
	f = fopen(path, "r");
	r = f ? seqmerge_read_log(&m, f, "p.log", err, sizeof(err)) : -1;
	if (f)
		fclose(f);
	ok(!r && m.nreaders == 1 && m.rd[0].frames == 6, "read back as one reader of 6 numbers");
	r = seqmerge_check(&m, 0, 0, &res);
	ok(r == 1 && res.out_of_order == 1, "a period going back is out of order for that reader");
	seqmerge_free(&m);
	unlink(path);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/*
 * Durable mode (a reader that may be SIGKILLed): what was committed is in
 * the file at once, whole lines; what was added after is not.  The child
 * kills itself with the log still open, as a killed pkt-gen would.
 */
static void test_seqlog_durable(const char *dir)
{
	struct seqmerge m;
	struct seqmerge_result res;
	struct seqlog log;
	char path[256], err[128];
	const char *text;
	FILE *f;
	int st = 0, r;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/d.log", dir);
	unlink(path);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (seqlog_open_append(&log, path, 1, "killed") || seqlog_set_durable(&log))
			_exit(1);
		for (uint32_t i = 0; i < 10; i++)
			seqlog_add(&log, i);
		if (seqlog_commit(&log))
			_exit(1);
		for (uint32_t i = 10; i < 15; i++)
			seqlog_add(&log, i);
		if (seqlog_commit(&log))
			_exit(1);
		for (uint32_t i = 15; i < 20; i++)	/* logged, never committed */
			seqlog_add(&log, i);
		kill(getpid(), SIGKILL);
		_exit(2);
	}
	ok(pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
	   WTERMSIG(st) == SIGKILL, "durable writer killed with the log open");
	text = slurp(path);
	is_str(text, "# lm-seqlog 1 stream=1 reader=killed\n0 10\n10 5\n",
	       "every committed number survived the kill, as whole lines; uncommitted ones did not");

	/* The next period appends behind it; a durable close writes the rest. */
	ok(!seqlog_open_append(&log, path, 1, "again") && !seqlog_set_durable(&log),
	   "second period opens durable");
	seqlog_add(&log, 30);
	seqlog_add(&log, 31);
	ok(!seqlog_close(&log), "durable close");
	is_str(slurp(path), "# lm-seqlog 1 stream=1 reader=killed\n0 10\n10 5\n"
	       "# lm-seqlog 1 stream=1 reader=again\n30 2\n", "close flushes the pending run");

	/* A killed writer's partial line: the next appender marks it. */
	write_file(path, "# lm-seqlog 1 stream=1 reader=a\n0 10\n10 1");
	ok(!seqlog_open_append(&log, path, 1, "b"), "append after a partial line");
	seqlog_add(&log, 20);
	ok(!seqlog_close(&log), "close");
	is_str(slurp(path), "# lm-seqlog 1 stream=1 reader=a\n0 10\n10 1 " SEQLOG_TRUNC_MARK
	       "\n# lm-seqlog 1 stream=1 reader=b\n20 1\n", "the partial line is marked, not glued");
	seqmerge_init(&m);
	f = fopen(path, "r");
	r = f ? seqmerge_read_log(&m, f, "d", err, sizeof(err)) : -1;
	if (f)
		fclose(f);
	ok(!r && m.rd[0].frames == 11 && m.rd[0].truncated == 1,
	   "merge skips the marked line and counts it (frames 11, truncated 1)");
	r = seqmerge_check(&m, 0, 21, &res);
	ok(r == 1 && res.missing == 10 && res.truncated == 1,
	   "its numbers count as missing, never as received (missing %llu)",
	   (unsigned long long)res.missing);
	seqmerge_free(&m);
	unlink(path);
}

static int merge_logs(struct seqmerge *m, const char *a, const char *b,
		      uint32_t ef, uint64_t ec, struct seqmerge_result *res)
{
	char err[128] = "";
	FILE *f;
	int r = 0;

	seqmerge_init(m);
	f = fmemopen((void *)a, strlen(a), "r");
	r |= seqmerge_read_log(m, f, "A", err, sizeof(err));
	fclose(f);
	if (b) {
		f = fmemopen((void *)b, strlen(b), "r");
		r |= seqmerge_read_log(m, f, "B", err, sizeof(err));
		fclose(f);
	}
	if (r) {
		diag("parse: %s", err);
		return -1;
	}
	return seqmerge_check(m, ef, ec, res);
}

static void test_merge(void)
{
	struct seqmerge m;
	struct seqmerge_result res;
	char err[128];
	FILE *f;
	int r;

	/* The hitless switch: stack reader gets 0..499, netmap reader 500..999. */
	r = merge_logs(&m, "# lm-seqlog 1 stream=1 reader=stack\n0 500\n",
		       "# lm-seqlog 1 stream=1 reader=netmap\n500 300\n800 200\n", 0, 1000, &res);
	ok(r == 0 && !res.missing && !res.dup && !res.out_of_order && res.distinct == 1000 &&
	   res.first == 0 && res.last == 999, "two readers cover 0..999 exactly once");
	seqmerge_free(&m);

	r = merge_logs(&m, "0 500\n", "510 490\n", 0, 1000, &res);
	ok(r == 1 && res.missing == 10 && res.nmiss == 1 && res.miss[0].last - res.miss[0].first == 9,
	   "10 missing at the switch: reported as one range");
	seqmerge_free(&m);

	r = merge_logs(&m, "0 505\n", "500 500\n", 0, 1000, &res);
	ok(r == 1 && res.dup == 5 && !res.missing && res.ndup == 1, "5 seen by both readers: dup 5");
	seqmerge_free(&m);

	r = merge_logs(&m, "0 400\n450 50\n400 50\n", "500 500\n", 0, 1000, &res);
	ok(r == 1 && res.out_of_order == 1 && !res.missing && !res.dup,
	   "one reader out of order: flagged, no loss/dup");
	seqmerge_free(&m);

	r = merge_logs(&m, "0 900\n", NULL, 0, 1000, &res);
	ok(r == 1 && res.missing == 100, "expected 1000, tail of 100 missing");
	seqmerge_free(&m);

	r = merge_logs(&m, "0 1001\n", NULL, 0, 1000, &res);
	ok(r == 1 && res.outside == 1 && !res.missing, "one number beyond the expected span");
	seqmerge_free(&m);

	r = merge_logs(&m, "4294967000 296\n", "0 704\n", 4294967000u, 1000, &res);
	ok(r == 0 && res.distinct == 1000 && res.first == 4294967000u && res.last == 703,
	   "exactly once across 2^32");
	seqmerge_free(&m);

	r = merge_logs(&m, "4294967000 296\n", "1 703\n", 0, 0, &res);
	ok(r == 1 && res.missing == 1 && res.miss[0].first == res.miss[0].last &&
	   (uint32_t)(res.miss[0].first - m.ref_u + m.ref) == 0,
	   "number 0 missing across the wrap, no expected span");
	seqmerge_free(&m);

	r = merge_logs(&m, "", NULL, 0, 0, &res);
	ok(r == 1 && res.empty, "an empty log proves nothing: failure");
	seqmerge_free(&m);

	seqmerge_init(&m);
	f = fmemopen("0 10\n12 x\n", 11, "r");
	ok(seqmerge_read_log(&m, f, "bad", err, sizeof(err)) == -1 && strstr(err, "line 2"),
	   "malformed line rejected with its number");
	fclose(f);
	f = fmemopen("0 0\n", 4, "r");
	ok(seqmerge_read_log(&m, f, "zero", err, sizeof(err)) == -1, "count 0 rejected");
	fclose(f);
	f = fmemopen("4294967296 1\n", 13, "r");
	ok(seqmerge_read_log(&m, f, "big", err, sizeof(err)) == -1, "number > 2^32-1 rejected");
	fclose(f);
	seqmerge_free(&m);

	/* A killed writer's unterminated last line is skipped, counted. */
	r = merge_logs(&m, "0 10\n10 1", NULL, 0, 0, &res);
	ok(r == 0 && res.truncated == 1 && res.distinct == 10,
	   "unterminated last line: truncated 1, not read as \"10 1\"");
	seqmerge_free(&m);
	seqmerge_init(&m);
	f = fmemopen("0 10\n1x # truncated\n", 21, "r");
	ok(seqmerge_read_log(&m, f, "junk", err, sizeof(err)) == -1,
	   "a marked line that is no range's prefix is rejected");
	fclose(f);
	seqmerge_free(&m);

	/* Duplicates in runs: one run per killed reader's last batch. */
	r = merge_logs(&m, "0 100\n150 50\n", "95 55\n190 10\n", 0, 200, &res);
	ok(r == 1 && res.dup == 15 && res.dup_runs == 2 && res.max_dup_run == 10 && !res.missing,
	   "dup 15 in 2 runs, longest 10 (got %llu/%llu/%llu)", (unsigned long long)res.dup,
	   (unsigned long long)res.dup_runs, (unsigned long long)res.max_dup_run);
	seqmerge_free(&m);
	r = merge_logs(&m, "0 100\n", "90 5\n95 10\n105 5\n", 0, 110, &res);
	ok(r == 1 && res.dup == 10 && res.dup_runs == 1 && res.max_dup_run == 10,
	   "adjacent duplicated lines are one run");
	seqmerge_free(&m);

	r = merge_logs(&m, "# lm-seqlog 1 stream=1 reader=x\n0 1\n",
		       "# lm-seqlog 1 stream=2 reader=y\n1 1\n", 0, 0, &res);
	ok(r == -1, "logs of different streams refused");
	seqmerge_free(&m);
}

int main(void)
{
	char dir[] = "/tmp/t_seqstat.XXXXXX";
	char path[300];

	test_frame();
	test_basic();
	test_wrap();
	test_window();
	test_random();
	test_feed_frames();
	test_delta();
	if (mkdtemp(dir)) {
		test_seqlog(dir);
		test_seqlog_append(dir);
		test_seqlog_durable(dir);
		snprintf(path, sizeof(path), "%s/a.log", dir);
		unlink(path);
		rmdir(dir);
	} else {
		ok(0, "mkdtemp");
	}
	test_merge();
	return done_testing();
}
