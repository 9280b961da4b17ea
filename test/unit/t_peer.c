// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_peer.c - the host instruments themselves (build/user/bin/lm-peer and
 * lm-seqmerge), run as programs over AF_UNIX datagram sockets in a temp
 * dir, no QEMU: one peer streams to another (wrap-around and junk
 * included), a silent receiver makes frames refused, a slow one makes the
 * sender stall, and bad invocations fail the way scripts rely on.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lmutil.h"
#include "seqframe.h"
#include "tap.h"

extern char **environ;

static char dir[] = "/tmp/t_peer.XXXXXX";
static char bindir[PATH_MAX];

static char *path(const char *name)
{
	static char buf[4][PATH_MAX];
	static int n;
	char *p = buf[n++ % 4];

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	return p;
}

/* Start bindir/prog with argv, stdout to `out` (or /dev/null); returns its pid. */
static pid_t start(const char *out, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	char prog[PATH_MAX + 32];
	pid_t pid;

	snprintf(prog, sizeof(prog), "%s/%s", bindir, argv[0]);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, prog, &fa, NULL, argv, environ))
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

static int finish(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define RUN(out, ...) finish(start(out, (char *[]){ __VA_ARGS__, NULL }))

/* The last "key":NUMBER in a file (what the VM scenarios' json_get does). */
static long long jget(const char *file, const char *key)
{
	static char buf[1 << 16];
	char pat[64], *p, *last = NULL;
	FILE *f = fopen(file, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	for (p = buf; (p = strstr(p, pat)); p++)
		last = p;
	return last ? strtoll(last + strlen(pat), NULL, 10) : -1;
}

static int bind_unix(const char *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p);
	unlink(p);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	return fd;
}

/*
 * Peer to peer.  The sender blocks rather than drops, so a receiver that
 * the (shared, busy) machine deschedules for a moment cannot make it fail.
 */
static void test_stream(void)
{
	pid_t rx;
	int rc;

	rx = start(path("b.json"), (char *[]){ "lm-peer", "--vm", path("a.sock"), "--bind",
		   path("b.sock"), "--expect", "2000", "--idle", "2", "--timeout", "20", "--json",
		   "--seqlog", path("b.log"), NULL });
	usleep(100000);
	rc = RUN(path("a.json"), "lm-peer", "--vm", path("b.sock"), "--bind", path("a.sock"),
		 "--send", "2000", "--rate", "4000", "--first", "4294966296", "--junk", "50",
		 "--on-full", "block", "--timeout", "20", "--json");
	is_int(rc, 0, "sender exits 0");
	is_int(finish(rx), 0, "receiver exits 0");
	is_int(jget(path("a.json"), "sent"), 2000, "sender: 2000 sent");
	is_int(jget(path("a.json"), "refused"), 0, "sender: none refused");
	is_int(jget(path("a.json"), "junk"), 40, "sender: one junk frame per 50");
	is_int(jget(path("b.json"), "valid"), 2000, "receiver: 2000 valid");
	is_int(jget(path("b.json"), "lost") + jget(path("b.json"), "dup") +
	       jget(path("b.json"), "reorder"), 0, "receiver: nothing lost, duplicated, reordered");
	is_int(jget(path("b.json"), "first"), 4294966296ll, "receiver: first number");
	is_int(jget(path("b.json"), "last"), 999, "receiver: last number, after the wrap");
	is_int(jget(path("b.json"), "foreign") + jget(path("b.json"), "runt") +
	       jget(path("b.json"), "corrupt"), 40, "receiver: every junk frame classified");
	ok(access(path("a.sock"), F_OK) && access(path("b.sock"), F_OK),
	   "both peers removed their sockets");
	is_int(RUN(NULL, "lm-seqmerge", "--first", "4294966296", "--count", "2000", path("b.log")),
	       0, "lm-seqmerge: the receiver's log is exactly [first, first+2000)");
	is_int(RUN(NULL, "lm-seqmerge", "--first", "4294966296", "--count", "2001", path("b.log")),
	       1, "lm-seqmerge: one more expected number is missing");
}

/* A receiver that never reads: the sender must count refusals, not lose silently. */
static void test_refused(void)
{
	uint8_t buf[2048];
	struct lm_seqinfo info;
	long long sent, refused;
	int fd = bind_unix(path("silent.sock")), n = 0, inorder = 1;

	ok(fd >= 0, "silent socket bound");
	is_int(RUN(path("r.json"), "lm-peer", "--vm", path("silent.sock"), "--bind",
		   path("a.sock"), "--send", "200", "--rate", "0", "--json"), 0, "sender exits 0");
	sent = jget(path("r.json"), "sent");
	refused = jget(path("r.json"), "refused");
	diag("silent receiver: sent %lld refused %lld", sent, refused);
	ok(sent + refused == 200 && refused > 0 && sent > 0, "sent + refused = 200, some refused");
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
		if (lm_seqframe_parse(buf, 60, 1, &info) != LM_SEQ_OK || info.seq != (uint32_t)n)
			inorder = 0;
		n++;
	}
	is_int(n, sent, "exactly the frames counted sent were queued");
	ok(inorder, "and they are numbers 0..sent-1");
	close(fd);
}

static void *slow_reader(void *arg)
{
	uint8_t buf[2048];
	int fd = *(int *)arg, n = 0;
	uint64_t end = lm_now_ns() + 10000000000ull;

	while (n < 100 && lm_now_ns() < end) {
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
			n++;
			usleep(2000);
		} else {
			usleep(500);
		}
	}
	*(int *)arg = n;
	return NULL;
}

/* A receiver slower than the sender: --on-full block waits, loses nothing. */
static void test_block(void)
{
	int fd = bind_unix(path("slow.sock")), arg = fd;
	pthread_t t;

	ok(fd >= 0 && !pthread_create(&t, NULL, slow_reader, &arg), "slow reader running");
	is_int(RUN(path("s.json"), "lm-peer", "--vm", path("slow.sock"), "--bind",
		   path("a.sock"), "--send", "100", "--rate", "0", "--on-full", "block",
		   "--timeout", "10", "--json"), 0, "blocking sender exits 0");
	pthread_join(t, NULL);
	is_int(jget(path("s.json"), "sent"), 100, "blocking sender: all 100 sent");
	is_int(jget(path("s.json"), "refused"), 0, "blocking sender: none refused");
	ok(jget(path("s.json"), "stall_ms") > 0, "blocking sender: the stall was measured (%lld ms)",
	   jget(path("s.json"), "stall_ms"));
	is_int(arg, 100, "the slow reader got all 100");
	close(fd);
}

static void test_usage(void)
{
	FILE *f;

	is_int(RUN(NULL, "lm-peer", "--vm", path("x")), 2, "missing --bind: exit 2");
	is_int(RUN(NULL, "lm-peer", "--vm", path("x"), "--bind", path("y"), "--len", "59"), 2,
	       "--len 59: exit 2");
	is_int(RUN(NULL, "lm-peer", "--vm", path("x"), "--bind", path("y"), "--junk", "5"), 2,
	       "--junk without --send: exit 2");
	f = fopen(path("regular"), "w");
	if (f)
		fclose(f);
	is_int(RUN(NULL, "lm-peer", "--vm", path("x"), "--bind", path("regular"), "--timeout",
		   "0.2"), 1, "--bind onto a regular file: exit 1");
	ok(!access(path("regular"), F_OK), "and the file is left alone");
	is_int(RUN(NULL, "lm-peer", "--vm", path("nobody.sock"), "--bind", path("a.sock"),
		   "--timeout", "0.3"), 1, "nobody at --vm: exit 1 after a bounded wait");
	is_int(RUN(NULL, "lm-seqmerge"), 2, "lm-seqmerge without logs: exit 2");
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], cmd[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	/* build/user/test/unit/t_peer -> build/user/bin */
	if (n <= 0) {
		ok(0, "find myself");
		return done_testing();
	}
	self[n] = 0;
	snprintf(bindir, sizeof(bindir), "%s/../../bin", dirname(self));
	snprintf(cmd, sizeof(cmd), "%s/lm-peer", bindir);
	if (!ok(!access(cmd, X_OK), "%s is built (make user)", cmd))
		return done_testing();
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	test_stream();
	test_refused();
	test_block();
	test_usage();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		diag("could not remove %s", dir);
	return done_testing();
}
