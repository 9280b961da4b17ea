// SPDX-License-Identifier: BSD-2-Clause
/*
 * core_exit - a dying process's rings go back at the start of its address
 * space's teardown, and only when nothing else can use the file.
 *
 *   core_exit                  the tests (TAP on stdout)
 *   core_exit --sync-fd N      (internal) NIOCTXSYNC on fd N, exit 0 if it
 *                              worked: the image an exec'ing child becomes
 *
 * The core hands a file's rings back from an mmu notifier's ->release when
 * every reference to the file is a mapping in the dying address space or
 * an fd of the exiting task (lm_mm.c); its exit_detach counter says how
 * often.  Checked, on netmap pipes so that no NIC is needed:
 *   - exit without close (two fds, one mapping): handed back at exit, and
 *     the tx slots the app filled but never synced reach the other end;
 *   - munmap, then exit: handed back at exit;
 *   - a forked child that inherited the mapping: the parent's exit leaves
 *     the rings to the child, whose syncs and frames still work;
 *   - the fd in flight over SCM_RIGHTS when its sender exits: the rings
 *     stay for the receiver;
 *   - an exec keeping the fd (no O_CLOEXEC): the new image can still sync.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "tap.h"
#include "core_util.h"

#define NFRAMES	10

/* Put n numbered frames in tx ring 0 and release them (head), no sync. */
static void put_frames(struct cu_port *p, uint32_t first, uint32_t n)
{
	struct netmap_ring *r = cu_txring(p, 0);
	uint32_t i = r->head, k;

	for (k = 0; k < n; k++) {
		uint32_t seq = first + k;

		memcpy(cu_buf(r, r->slot[i].buf_idx), &seq, sizeof(seq));
		r->slot[i].len = 60;
		i = cu_next(r, i);
	}
	r->head = r->cur = i;
}

/* Sync rx ring 0 and take every frame: how many, and whether in order. */
static int take_frames(struct cu_port *p, uint32_t first, uint32_t *got)
{
	struct netmap_ring *r = cu_rxring(p, 0);
	int in_order = 1;

	*got = 0;
	if (ioctl(p->fd, NIOCRXSYNC, NULL))
		return 0;
	while (r->head != r->tail) {
		uint32_t seq;

		memcpy(&seq, cu_buf(r, r->slot[r->head].buf_idx), sizeof(seq));
		in_order &= seq == first + *got && r->slot[r->head].len == 60;
		(*got)++;
		r->head = r->cur = cu_next(r, r->head);
	}
	ioctl(p->fd, NIOCRXSYNC, NULL);
	return in_order;
}

static int wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Exit without close: two fds (dup), one mapping, frames never synced. */
static void test_exit_unclosed(void)
{
	long det = cu_stat("exit_detach"), rings;
	struct cu_port rx, tx;
	uint32_t got;
	pid_t pid;

	if (!ok(cu_open(&rx, "ex}0", NR_REG_ALL_NIC, 0) == 0, "bind ex}0"))
		return;
	rings = cu_stat("rings_in_use");
	pid = fork();
	if (pid == 0) {
		if (cu_open(&tx, "ex{0", NR_REG_ALL_NIC, 0) || dup(tx.fd) < 0)
			_exit(2);
		put_frames(&tx, 100, NFRAMES);
		_exit(0);	/* no close, no munmap, no sync */
	}
	is_int(wait_child(pid), 0, "exit without close: the child bound ex{0, filled %d slots, exited",
	       NFRAMES);
	is_int(cu_stat("exit_detach"), det + 1, "its rings went back in its exit (exit_detach + 1)");
	is_int(cu_stat("rings_in_use"), rings, "its rings are no longer in use");
	ok(take_frames(&rx, 100, &got), "the frames it released came in order");
	is_int(got, NFRAMES, "every slot it filled before dying reached ex}0");
	cu_close(&rx);
}

/* munmap, then exit with the fd open. */
static void test_exit_unmapped(void)
{
	long det = cu_stat("exit_detach"), rings = cu_stat("rings_in_use");
	struct cu_port tx;
	pid_t pid = fork();

	if (pid == 0) {
		if (cu_open(&tx, "um{0", NR_REG_ALL_NIC, 0))
			_exit(2);
		munmap(tx.mem, tx.reg.nr_memsize);
		_exit(0);
	}
	is_int(wait_child(pid), 0, "munmap then exit: the child bound um{0");
	is_int(cu_stat("exit_detach"), det + 1, "its rings went back in its exit (exit_detach + 1)");
	is_int(cu_stat("rings_in_use"), rings, "its rings are no longer in use");
}

/*
 * A child forks a grandchild (which inherits fd and mapping) and exits;
 * the grandchild syncs and sends after that.  Reaped by us as subreaper.
 */
static void test_fork_keeps(void)
{
	long det = cu_stat("exit_detach"), rings_before = cu_stat("rings_in_use");
	struct cu_port rx, tx;
	int go[2], res[2];
	char c = 0;
	uint32_t got;
	pid_t pid, gpid;

	if (!ok(cu_open(&rx, "fk}0", NR_REG_ALL_NIC, 0) == 0, "bind fk}0") ||
	    pipe(go) || pipe(res))
		return;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid = fork();
	if (pid == 0) {
		if (cu_open(&tx, "fk{0", NR_REG_ALL_NIC, 0))
			_exit(2);
		gpid = fork();
		if (gpid == 0) {
			/* Wait for "the parent is dead", then use the port. */
			if (read(go[0], &c, 1) != 1)
				_exit(3);
			c = ioctl(tx.fd, NIOCTXSYNC, NULL) ? 'E' : 'S';
			put_frames(&tx, 200, NFRAMES);
			if (c == 'S' && ioctl(tx.fd, NIOCTXSYNC, NULL))
				c = 'T';
			if (write(res[1], &c, 1) != 1)
				_exit(4);
			cu_close(&tx);
			_exit(0);
		}
		_exit(gpid > 0 ? 0 : 5);
	}
	is_int(wait_child(pid), 0, "fork: the child bound fk{0, forked, exited");
	is_int(cu_stat("exit_detach"), det, "its exit left the rings to the grandchild (exit_detach unchanged)");
	ok(cu_stat("rings_in_use") > rings_before, "the rings are still in use");
	c = 'G';
	if (write(go[1], &c, 1) != 1 || read(res[0], &c, 1) != 1)
		c = '?';
	is_int(c, 'S', "the grandchild's syncs worked after its parent died ('S'; E: first, T: second failed)");
	while (waitpid(-1, NULL, 0) > 0)
		;
	ok(take_frames(&rx, 200, &got), "the grandchild's frames came in order");
	is_int(got, NFRAMES, "every frame the grandchild sent reached fk}0");
	is_int(cu_stat("exit_detach"), det, "the grandchild's close handed them back (exit_detach unchanged)");
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	close(go[0]);
	close(go[1]);
	close(res[0]);
	close(res[1]);
	cu_close(&rx);
}

/* The fd in an SCM_RIGHTS message, not yet received, when its sender exits. */
static void test_fd_in_flight(void)
{
	long det = cu_stat("exit_detach"), rings_before = cu_stat("rings_in_use");
	char cbuf[CMSG_SPACE(sizeof(int))], c = 'x';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	struct cu_port tx;
	int sv[2], fd = -1;
	pid_t pid;

	if (!ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair"))
		return;
	pid = fork();
	if (pid == 0) {
		if (cu_open(&tx, "sc{0", NR_REG_ALL_NIC, 0))
			_exit(2);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &tx.fd, sizeof(int));
		_exit(sendmsg(sv[1], &m, 0) == 1 ? 0 : 3);
	}
	is_int(wait_child(pid), 0, "SCM_RIGHTS: the child bound sc{0, sent its fd, exited");
	is_int(cu_stat("exit_detach"), det, "its exit left the rings to the fd in flight (exit_detach unchanged)");
	ok(cu_stat("rings_in_use") > rings_before, "the rings are still in use");
	if (recvmsg(sv[0], &m, 0) == 1 && (cm = CMSG_FIRSTHDR(&m)) &&
	    cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	ok(fd >= 0, "the fd arrived");
	is_int(fd >= 0 ? ioctl(fd, NIOCTXSYNC, NULL) : -1, 0, "NIOCTXSYNC on the received fd works");
	if (fd >= 0)
		close(fd);
	is_int(cu_stat("rings_in_use"), rings_before, "its close handed the rings back");
	close(sv[0]);
	close(sv[1]);
}

/* exec with the fd inherited: the old image's teardown must not take the rings. */
static void test_exec_keeps(const char *self)
{
	long det = cu_stat("exit_detach"), rings_before = cu_stat("rings_in_use");
	struct cu_port tx;
	pid_t pid = fork();

	if (pid == 0) {
		char n[16];

		if (cu_open(&tx, "xc{0", NR_REG_ALL_NIC, 0))	/* no O_CLOEXEC */
			_exit(2);
		snprintf(n, sizeof(n), "%d", tx.fd);
		execl(self, self, "--sync-fd", n, (char *)NULL);
		_exit(3);
	}
	is_int(wait_child(pid), 0, "exec: the new image's NIOCTXSYNC on the inherited fd worked");
	is_int(cu_stat("exit_detach"), det, "exec and the new image's exit (no mapping) left it to close");
	is_int(cu_stat("rings_in_use"), rings_before, "its rings are no longer in use");
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--sync-fd"))
		return ioctl(atoi(argv[2]), NIOCTXSYNC, NULL) ? 1 : 0;

	plan_no_plan();
	if (!ok(cu_stat("exit_detach") >= 0, "livemap reports exit_detach"))
		return done_testing();
	test_exit_unclosed();
	test_exit_unmapped();
	test_fork_keeps();
	test_fd_in_flight();
	test_exec_keeps("/proc/self/exe");
	diag("exit_detach %ld, files_open %ld, files_close %ld", cu_stat("exit_detach"),
	     cu_stat("files_open"), cu_stat("files_close"));
	return done_testing();
}
