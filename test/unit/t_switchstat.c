// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_switchstat.c - build/user/bin/lm-switchstat run as a program on
 * crafted range logs (the stack's and the netmap application's, one period
 * per header), the way the switch scenarios run it: a perfect hitless
 * handoff, loss at enter, loss at exit, loss inside netmap mode, a frame
 * both handed back to the stack and seen by the application, out of
 * order, an empty period, the tail, numbers outside the span, 32-bit
 * wrap-around, the plot, and bad input.
 */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

extern char **environ;

static char dir[] = "/tmp/t_switchstat.XXXXXX";
static char bindir[PATH_MAX];

static char *path(const char *name)
{
	static char buf[8][PATH_MAX];
	static int n;
	char *p = buf[n++ % 8];

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	return p;
}

/* Write a log file: lines given as one string. */
static void put(const char *name, const char *text)
{
	FILE *f = fopen(path(name), "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		diag("cannot write %s", path(name));
}

/* Run lm-switchstat with argv (NULL-terminated), stdout to out.json. */
static int run(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	char prog[PATH_MAX + 32];
	pid_t pid;
	int st;

	snprintf(prog, sizeof(prog), "%s/lm-switchstat", bindir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, path("out.json"),
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, path("err.txt"),
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (posix_spawn(&pid, prog, &fa, NULL, argv, environ))
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define SW(...) run((char *[]){ "lm-switchstat", __VA_ARGS__, NULL })

/* The last "key":NUMBER (or true/false as 1/0) in out.json; -1 if absent. */
static long long jget(const char *key)
{
	static char buf[1 << 16];
	char pat[64], *p, *last = NULL;
	FILE *f = fopen(path("out.json"), "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	for (p = buf; (p = strstr(p, pat)); p++)
		last = p + strlen(pat);
	if (!last)
		return -1;
	if (!strncmp(last, "true", 4))
		return 1;
	if (!strncmp(last, "false", 5))
		return 0;
	return strtoll(last, NULL, 10);
}

/* TSV columns, in lm-switchstat's order. */
enum { C_CYCLE, C_ENTER, C_EXIT, C_NETMAP_LOST, C_STACK_LOST, C_BETWEEN, C_DUP,
       C_DUP_BOTH, C_OOO, C_NM_FRAMES, C_ST_FRAMES, C_EMPTY, C_N };

/* Row `cycle` of cycles.tsv into v[]; 0 if found. */
static int row(int cycle, long long v[C_N])
{
	char line[512], *p;
	FILE *f = fopen(path("cycles.tsv"), "r");
	int i, found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (atoi(line) != cycle || line[0] < '0' || line[0] > '9')
			continue;
		for (i = 0, p = line; i < C_N && p; i++) {
			v[i] = strtoll(p, &p, 10);
			p = *p == '\t' ? p + 1 : NULL;
		}
		found = i == C_N ? 0 : -1;
		break;
	}
	fclose(f);
	return found;
}

/* is_int on one TSV field of one cycle. */
static void cyc_is(int cycle, int col, long long want, const char *what)
{
	long long v[C_N];

	if (row(cycle, v)) {
		ok(0, "cycle %d row present (%s)", cycle, what);
		return;
	}
	is_int(v[col], want, "cycle %d: %s", cycle, what);
}

#define STD	"--stack", path("st.log"), "--netmap", path("nm.log"), "--tsv", path("cycles.tsv")

/* 1000 frames: stack 0-199, app 200-399, stack 400-599, app 600-799, stack 800-999. */
static void test_perfect(void)
{
	put("st.log", "# lm-seqlog 1 stream=1 reader=lm-afp\n0 200\n400 200\n800 200\n");
	put("nm.log", "# lm-seqlog 1 stream=1 reader=pkt-gen\n200 200\n"
		      "# lm-seqlog 1 stream=1 reader=pkt-gen\n600 100\n700 100\n");
	is_int(SW(STD, "--sent", "1000"), 0, "perfect handoff: exit 0 (exactly once, in order)");
	is_int(jget("ok"), 1, "perfect: ok");
	is_int(jget("periods"), 2, "perfect: two periods (one per header)");
	is_int(jget("missing") + jget("dup") + jget("out_of_order") + jget("outside"), 0,
	       "perfect: nothing missing, duplicated, reordered or outside");
	is_int(jget("stack_frames"), 600, "perfect: stack got 600");
	is_int(jget("netmap_frames"), 400, "perfect: application got 400");
	cyc_is(1, C_NM_FRAMES, 200, "netmap frames");
	cyc_is(1, C_ST_FRAMES, 200, "stack frames after exit");
	cyc_is(2, C_NM_FRAMES, 200, "netmap frames (two ranges, one period)");
	cyc_is(2, C_ENTER, 0, "enter_lost");
	cyc_is(2, C_EXIT, 0, "exit_lost");
}

static void test_enter_loss(void)
{
	/* The stack's last 7 before the first enter never arrived anywhere. */
	put("st.log", "# h\n0 193\n400 200\n800 200\n");
	put("nm.log", "# lm-seqlog 1\n200 200\n# lm-seqlog 1\n600 200\n");
	is_int(SW(STD, "--sent", "1000"), 1, "loss at enter: exit 1");
	is_int(jget("missing"), 7, "enter: 7 missing");
	is_int(jget("enter_lost"), 7, "enter: 7 lost at enter in total");
	is_int(jget("exit_lost"), 0, "enter: none at exit");
	cyc_is(1, C_ENTER, 7, "enter_lost");
	cyc_is(2, C_ENTER, 0, "enter_lost of the other cycle");
	/* The application's first frames missing count the same way. */
	put("nm.log", "# lm-seqlog 1\n200 200\n# lm-seqlog 1\n613 187\n");
	put("st.log", "0 200\n400 200\n800 200\n");
	is_int(SW(STD, "--sent", "1000"), 1, "late first netmap frame: exit 1");
	cyc_is(2, C_ENTER, 13, "enter_lost counts frames before the app's first");
	is_int(jget("max_enter_lost"), 13, "max_enter_lost");
}

static void test_exit_loss(void)
{
	/* After exit 1, the stack starts at 430: 400..429 lost at exit. */
	put("st.log", "0 200\n430 170\n800 200\n");
	put("nm.log", "# lm-seqlog 1\n200 200\n# lm-seqlog 1\n600 195\n");
	is_int(SW(STD, "--sent", "1000"), 1, "loss at exit: exit 1");
	cyc_is(1, C_EXIT, 30, "exit_lost after period 1");
	cyc_is(2, C_EXIT, 5, "exit_lost: the app's last 5 never reached anyone");
	cyc_is(1, C_ENTER, 0, "no enter loss");
	is_int(jget("exit_lost"), 35, "exit_lost total");
	is_int(jget("max_exit_lost"), 30, "max_exit_lost");
}

static void test_inside(void)
{
	/* A hole in netmap mode, a hole in stack mode, and a lost tail. */
	put("st.log", "0 200\n400 50\n460 140\n800 190\n");
	put("nm.log", "# lm-seqlog 1\n200 100\n310 90\n# lm-seqlog 1\n600 200\n");
	is_int(SW(STD, "--sent", "1000"), 1, "holes: exit 1");
	cyc_is(1, C_NETMAP_LOST, 10, "netmap_lost inside the period");
	cyc_is(1, C_STACK_LOST, 10, "stack_lost after exit 1");
	is_int(jget("tail_lost"), 10, "tail_lost: the last 10 reached nobody");
	is_int(jget("missing"), 30, "30 missing in all");
	cyc_is(1, C_EXIT, 20, "both holes are nearer exit 1 than any enter");
	/*
	 * A switch in two steps (a reset per ring): the application's first
	 * frames arrive between them, the second step loses 205..229.  Those
	 * belong to the enter, not to netmap mode.
	 */
	put("st.log", "0 200\n400 200\n800 200\n");
	put("nm.log", "# lm-seqlog 1\n200 5\n230 170\n# lm-seqlog 1\n600 200\n");
	is_int(SW(STD, "--sent", "1000"), 1, "two-step enter: exit 1");
	cyc_is(1, C_ENTER, 25, "two-step enter: the hole after the first frames is enter_lost");
	cyc_is(1, C_NETMAP_LOST, 25, "two-step enter: of which inside the netmap span");
	cyc_is(1, C_EXIT, 0, "two-step enter: exit clean");
}

static void test_dup_across(void)
{
	/* Frame 399: the app saw it, and exit handed it back to the stack too. */
	put("st.log", "0 200\n399 201\n800 200\n");
	put("nm.log", "# lm-seqlog 1\n200 200\n# lm-seqlog 1\n600 200\n");
	is_int(SW(STD, "--sent", "1000"), 1, "duplicate across readers: exit 1");
	is_int(jget("dup"), 1, "one extra copy");
	is_int(jget("dup_both"), 1, "seen by both readers");
	is_int(jget("missing"), 0, "nothing missing");
	cyc_is(1, C_DUP, 1, "dup attributed to the period it borders");
	cyc_is(1, C_DUP_BOTH, 1, "dup_both of cycle 1");
	cyc_is(2, C_DUP, 0, "no dup in cycle 2");
}

static void test_order(void)
{
	/* The stack got 450..459 after 460..599: one range out of order. */
	put("st.log", "0 200\n400 50\n460 140\n450 10\n800 200\n");
	put("nm.log", "# lm-seqlog 1\n200 200\n# lm-seqlog 1\n600 200\n");
	is_int(SW(STD, "--sent", "1000"), 1, "reordered: exit 1");
	is_int(jget("out_of_order"), 1, "one out-of-order range");
	is_int(jget("missing") + jget("dup"), 0, "nothing missing or duplicated");
	cyc_is(1, C_OOO, 1, "out_of_order nearest cycle 1");
}

static void test_empty(void)
{
	/* Period 2 received nothing; the stack missed 580..619 around it. */
	put("st.log", "0 200\n400 180\n620 380\n");
	put("nm.log", "# lm-seqlog 1\n200 200\n# lm-seqlog 1\n");
	is_int(SW(STD, "--sent", "1000"), 1, "empty period: exit 1");
	is_int(jget("periods"), 2, "two periods");
	is_int(jget("empty_periods"), 1, "one empty");
	cyc_is(2, C_EMPTY, 1, "cycle 2 marked empty");
	cyc_is(2, C_BETWEEN, 40, "its loss is between_lost, not someone's enter or exit");
	cyc_is(1, C_EXIT, 0, "cycle 1's exit is clean");
}

static void test_outside(void)
{
	put("st.log", "0 200\n400 200\n800 210\n");
	put("nm.log", "# lm-seqlog 1\n200 200\n# lm-seqlog 1\n600 200\n");
	is_int(SW(STD, "--sent", "1000"), 1, "numbers beyond the span: exit 1");
	is_int(jget("outside"), 10, "10 outside");
}

static void test_wrap(void)
{
	/* first = 2^32 - 300: the numbers wrap inside period 1 and in a hole. */
	put("st.log", "4294966996 200\n100 200\n500 200\n");
	put("nm.log", "# lm-seqlog 1\n4294967196 100\n0 100\n# lm-seqlog 1\n300 200\n");
	is_int(SW(STD, "--sent", "1000", "--first", "4294966996"), 0,
	       "wrap-around: perfect handoff across 2^32");
	is_int(jget("distinct"), 1000, "wrap: 1000 distinct");
	cyc_is(1, C_NM_FRAMES, 200, "wrap: period 1 spans the wrap");
	put("st.log", "4294966996 190\n100 200\n500 200\n");
	is_int(SW(STD, "--sent", "1000", "--first", "4294966996"), 1, "wrap: a loss before enter");
	cyc_is(1, C_ENTER, 10, "wrap: enter_lost 10");
	put("st.log", "4294966996 200\n100 200\n500 200\n4294967295 1\n");
	is_int(SW(STD, "--sent", "1000", "--first", "4294966996"), 1,
	       "wrap: a late duplicate of 2^32-1");
	is_int(jget("dup") * 10 + jget("out_of_order"), 11, "wrap: one dup, one out of order");
}

static void test_plot(void)
{
	char head[16] = "", tail[16] = "";
	FILE *f;
	long sz;

	put("st.log", "0 200\n405 195\n800 200\n");
	put("nm.log", "# lm-seqlog 1\n200 200\n# lm-seqlog 1\n600 200\n");
	is_int(SW(STD, "--sent", "1000", "--rate", "2000", "--plot-cycle", "1",
		  "--svg", path("p.svg"), "--bins", path("bins.tsv"), "--window-ms", "50"), 1,
	       "plot: written (verdict still 1: 5 lost)");
	f = fopen(path("p.svg"), "r");
	if (ok(f != NULL, "svg exists")) {
		if (fread(head, 1, 4, f) != 4)
			head[0] = 0;
		fseek(f, -7, SEEK_END);
		sz = ftell(f);
		if (fread(tail, 1, 6, f) != 6)
			tail[0] = 0;
		fclose(f);
		ok(!strcmp(head, "<svg") && !strcmp(tail, "</svg>") && sz > 1000,
		   "svg is one <svg> element");
	}
	/*
	 * Bins of 10 ms at 2,000/s = 20 frames.  Exit anchor = 400: the bin
	 * [0, 10) ms after the exit holds 400..419, of which 400..404 lost.
	 */
	f = fopen(path("bins.tsv"), "r");
	if (ok(f != NULL, "bins exist")) {
		char line[128];
		int found = 0;

		while (fgets(line, sizeof(line), f))
			if (!strcmp(line, "exit\t0.0\t15\t0\t5\t0\n"))
				found = 1;
		fclose(f);
		ok(found, "exit bin [0,10) ms: 15 to the stack, 5 lost");
	}
	is_int(SW(STD, "--sent", "1000", "--svg", path("p.svg")), 2, "--svg without --rate: usage");
	/* Nothing in netmap mode: no span, no plot, the verdict stands. */
	unlink(path("p.svg"));
	put("nm.log", "# lm-seqlog 1\n# lm-seqlog 1\n");
	put("st.log", "0 1000\n");
	is_int(SW(STD, "--sent", "1000", "--rate", "2000", "--svg", path("p.svg")), 0,
	       "no netmap frames: verdict 0 (the stack got all), no plot");
	ok(access(path("p.svg"), F_OK), "no svg written without a span");
	is_int(SW(STD, "--sent", "1000", "--rate", "2000", "--svg", path("p.svg"),
		  "--plot-cycle", "1"), 2, "--plot-cycle of an empty period: exit 2");
}

static void test_bad(void)
{
	put("st.log", "0 200\nbogus\n");
	put("nm.log", "# lm-seqlog 1\n200 200\n");
	is_int(SW(STD, "--sent", "400"), 2, "malformed line: exit 2");
	put("st.log", "0 0\n");
	is_int(SW(STD, "--sent", "400"), 2, "count 0: exit 2");
	put("st.log", "4294967296 1\n");
	is_int(SW(STD, "--sent", "400"), 2, "number over 32 bits: exit 2");
	put("st.log", "0 200\n");
	is_int(SW("--stack", path("st.log"), "--sent", "400"), 2, "no --netmap: exit 2");
	is_int(SW(STD), 2, "no --sent: exit 2");
	is_int(SW(STD, "--sent", "0"), 2, "--sent 0: exit 2");
	is_int(SW(STD, "--sent", "400", "--first", "4294967296"), 2, "--first over 32 bits: exit 2");
	is_int(SW("--stack", path("nope"), "--netmap", path("nm.log"), "--sent", "4"), 2,
	       "unreadable log: exit 2");
}

int main(void)
{
	char self[PATH_MAX], cmd[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	/* build/user/test/unit/t_switchstat -> build/user/bin */
	if (n <= 0) {
		ok(0, "find myself");
		return done_testing();
	}
	self[n] = 0;
	snprintf(bindir, sizeof(bindir), "%s/../../bin", dirname(self));
	snprintf(cmd, sizeof(cmd), "%s/lm-switchstat", bindir);
	if (!ok(!access(cmd, X_OK), "%s is built (make user)", cmd))
		return done_testing();
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	test_perfect();
	test_enter_loss();
	test_exit_loss();
	test_inside();
	test_dup_across();
	test_order();
	test_empty();
	test_outside();
	test_wrap();
	test_plot();
	test_bad();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		diag("could not remove %s", dir);
	return done_testing();
}
