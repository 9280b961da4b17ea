// SPDX-License-Identifier: BSD-2-Clause
/*
 * pipe-ref.c - reference rates for bench/pipe, measured in the same guest
 * as the netmap pipe figures so that they can be compared within one run:
 *
 *   pipe-ref memcpy LEN SECS
 *	frames/s of one core copying LEN-byte frames between two pools of
 *	2 KiB buffers (the bound of any design that copies each frame once)
 *   pipe-ref unix LEN BATCH SECS
 *	frames/s between two processes over an AF_UNIX datagram socketpair,
 *	BATCH frames per sendmmsg()/recvmmsg() (the syscall-bound path)
 *
 * Prints one JSON object.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BUFSZ	2048
#define NBUFS	1024
#define MAXB	512

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int ref_memcpy(unsigned int len, double secs)
{
	char *a = aligned_alloc(4096, (size_t)NBUFS * BUFSZ);
	char *b = aligned_alloc(4096, (size_t)NBUFS * BUFSZ);
	unsigned long long n = 0;
	double t0, t;
	unsigned int i;

	if (!a || !b) {
		fprintf(stderr, "pipe-ref: out of memory\n");
		return 1;
	}
	memset(a, 0x5a, (size_t)NBUFS * BUFSZ);
	memset(b, 0, (size_t)NBUFS * BUFSZ);
	t0 = now_s();
	do {
		for (i = 0; i < NBUFS; i++) {
			memcpy(b + (size_t)i * BUFSZ, a + (size_t)i * BUFSZ, len);
			/* keep the compiler from dropping the copies */
			__asm__ __volatile__("" : : "r"(b) : "memory");
		}
		n += NBUFS;
		t = now_s();
	} while (t - t0 < secs);
	printf("{\"ref\":\"memcpy\",\"len\":%u,\"frames\":%llu,\"secs\":%.3f,"
	       "\"pps\":%.0f}\n", len, n, t - t0, (double)n / (t - t0));
	free(a);
	free(b);
	return 0;
}

static int ref_unix(unsigned int len, unsigned int batch, double secs)
{
	static char bufs[MAXB][BUFSZ];
	struct mmsghdr msgs[MAXB];
	struct iovec iov[MAXB];
	unsigned long long n = 0;
	double t0 = 0, t1 = 0;
	int sv[2], sz = 4 << 20, status;
	unsigned int i;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0) {
		perror("pipe-ref: socketpair");
		return 1;
	}
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < batch; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("pipe-ref: fork");
		return 1;
	}
	if (pid == 0) {		/* sender: until the receiver closes */
		close(sv[1]);
		memset(bufs, 0x5a, sizeof(bufs));
		while (sendmmsg(sv[0], msgs, batch, 0) >= 0 || errno == EINTR)
			;
		_exit(0);
	}
	close(sv[0]);
	for (;;) {
		/* like poll(): wake on the first frame, take up to batch */
		int r = recvmmsg(sv[1], msgs, batch, MSG_WAITFORONE, NULL);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("pipe-ref: recvmmsg");
			break;
		}
		if (!n)
			t0 = now_s();	/* from the first batch on */
		n += (unsigned int)r;
		t1 = now_s();
		if (t1 - t0 >= secs)
			break;
	}
	close(sv[1]);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	printf("{\"ref\":\"unix\",\"len\":%u,\"batch\":%u,\"frames\":%llu,"
	       "\"secs\":%.3f,\"pps\":%.0f}\n", len, batch, n, t1 - t0,
	       t1 > t0 ? (double)n / (t1 - t0) : 0.0);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int len, batch;
	double secs;

	if (argc == 4 && !strcmp(argv[1], "memcpy")) {
		len = (unsigned int)atoi(argv[2]);
		secs = atof(argv[3]);
		if (len < 1 || len > BUFSZ || secs <= 0)
			goto usage;
		return ref_memcpy(len, secs);
	}
	if (argc == 5 && !strcmp(argv[1], "unix")) {
		len = (unsigned int)atoi(argv[2]);
		batch = (unsigned int)atoi(argv[3]);
		secs = atof(argv[4]);
		if (len < 1 || len > BUFSZ || batch < 1 || batch > MAXB || secs <= 0)
			goto usage;
		return ref_unix(len, batch, secs);
	}
usage:
	fprintf(stderr, "usage: pipe-ref memcpy LEN SECS | pipe-ref unix LEN BATCH SECS\n");
	return 2;
}
