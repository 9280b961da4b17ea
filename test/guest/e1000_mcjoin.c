// SPDX-License-Identifier: BSD-2-Clause
/*
 * e1000_mcjoin - hold extra link-layer addresses on an interface for the
 * filter scenarios: "mc:MAC" joins a multicast group, "uc:MAC" adds a
 * secondary unicast address (PACKET_ADD_MEMBERSHIP).  The memberships last
 * until the program is killed (the socket closes).
 *
 *   e1000_mcjoin IF [mc:|uc:]MAC... &
 *
 * Exit: 1 the kernel refused, 2 usage.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (unsigned char)b[i];
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int ifindex;
	int fd, i;

	if (argc < 3) {
		fputs("usage: e1000_mcjoin IF mc:MAC|uc:MAC...\n", stderr);
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "e1000_mcjoin: no interface %s\n", argv[1]);
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0) {
		perror("e1000_mcjoin: socket");
		return 1;
	}
	for (i = 2; i < argc; i++) {
		struct packet_mreq mr;
		const char *a = argv[i];

		memset(&mr, 0, sizeof(mr));
		mr.mr_ifindex = (int)ifindex;
		mr.mr_type = PACKET_MR_MULTICAST;
		if (!strncmp(a, "uc:", 3)) {
			mr.mr_type = PACKET_MR_UNICAST;
			a += 3;
		} else if (!strncmp(a, "mc:", 3)) {
			a += 3;
		}
		mr.mr_alen = 6;
		if (parse_mac(a, mr.mr_address)) {
			fprintf(stderr, "e1000_mcjoin: bad MAC '%s'\n", argv[i]);
			return 2;
		}
		if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
			perror("e1000_mcjoin: PACKET_ADD_MEMBERSHIP");
			return 1;
		}
	}
	printf("joined\n");
	fflush(stdout);
	for (;;)
		pause();
}
