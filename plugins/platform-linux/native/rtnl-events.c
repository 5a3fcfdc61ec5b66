/*
 * nmk-rtnl-events: the Linux platform's event socket, as a tiny helper
 * process (about 1 MB) instead of a second Node.js process (about 45 MB).
 *
 *   nmk-rtnl-events RCVBUF QUEUE GROUP...
 *
 * Opens an rtnetlink socket, joins the multicast GROUPs, asks for RCVBUF
 * bytes of receive buffer (SO_RCVBUFFORCE, or SO_RCVBUF without the
 * capability) and QUEUE bytes of send buffer on fd 3, and writes every datagram it reads to fd 3 as a frame:
 * [u32 length, little endian][the datagram]. Two lengths are signals:
 * 0xfffffffe READY (the groups are joined: every later change reaches us)
 * and 0xffffffff OVERFLOW (notifications were lost; everything after it is
 * newer than the loss). netlink-events.ts reads the frames.
 *
 * Why a helper process and not an addon in nmkd: this is one blocking loop
 * with no callbacks, no N-API and no libuv, built with nothing but a C
 * compiler, and a bug in it cannot take nmkd down (nmkd sees the pipe close,
 * starts a new helper and resynchronises).
 *
 * Back-pressure is the kernel's: while nmkd does not read, fd 3's buffer
 * fills (QUEUE), then the write to it blocks, so we stop reading and the notifications wait in the socket's
 * receive buffer. When that is full the kernel drops what comes next and
 * the next recv() fails with ENOBUFS. Then everything still queued is read
 * and dropped (it is older than the loss or unordered with it; the resync's
 * dump covers it), OVERFLOW goes out, and forwarding resumes.
 *
 * The helper ends when fd 3 closes (nmkd stopped or died) or nmkd dies
 * (PR_SET_PDEATHSIG). Exit status 1 means it could not subscribe (the reason
 * is on stderr), 2 a read error it cannot recover from.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define OUT_FD 3
#define FRAME_READY 0xfffffffeu
#define FRAME_OVERFLOW 0xffffffffu
/* Room for one datagram: rtnetlink notifications are one message each, a
 * few kilobytes at most (a link with many VFs: tens). A longer one is
 * truncated by the kernel and counted as a loss, which a dump repairs. */
#define DATAGRAM_MAX (64 * 1024)
/* Frames gathered before one write: a storm goes out in few syscalls. */
#define OUT_BYTES (256 * 1024)

static unsigned char out[OUT_BYTES];
static size_t out_len;
static unsigned char scratch[DATAGRAM_MAX];

static void die(int status, const char *what)
{
	fprintf(stderr, "nmk-rtnl-events: %s: %s\n", what, strerror(errno));
	exit(status);
}

/* Write everything gathered; blocks while nmkd does not read (that is the
 * back-pressure). Exits quietly once nmkd's end is closed. */
static void flush_out(void)
{
	size_t done = 0;
	while (done < out_len) {
		ssize_t n = write(OUT_FD, out + done, out_len - done);
		if (n > 0) {
			done += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = OUT_FD, .events = POLLOUT };
			poll(&p, 1, -1);
		} else {
			exit(0); /* EPIPE, ECONNRESET...: nobody reads us any more */
		}
	}
	out_len = 0;
}

static void put_u32(uint32_t v)
{
	if (out_len + 4 > OUT_BYTES)
		flush_out();
	out[out_len++] = v & 0xff;
	out[out_len++] = (v >> 8) & 0xff;
	out[out_len++] = (v >> 16) & 0xff;
	out[out_len++] = (v >> 24) & 0xff;
}

/* Read and drop whatever is queued, until the socket is empty. */
static void drain(int sock)
{
	for (;;) {
		ssize_t n = recv(sock, scratch, sizeof scratch, MSG_DONTWAIT);
		if (n >= 0 || errno == EINTR || errno == ENOBUFS)
			continue;
		if (errno == EAGAIN)
			return;
		die(2, "recv");
	}
}

/* Forward everything queued on the socket, then return (socket empty). */
static void forward(int sock)
{
	for (;;) {
		if (out_len + 4 + DATAGRAM_MAX > OUT_BYTES)
			flush_out();
		unsigned char *slot = out + out_len + 4;
		ssize_t n = recv(sock, slot, DATAGRAM_MAX, MSG_DONTWAIT | MSG_TRUNC);
		if (n >= 0 && n <= DATAGRAM_MAX) {
			put_u32((uint32_t)n); /* the length goes in front of the bytes just read */
			out_len += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			flush_out();
			return;
		}
		if (n > DATAGRAM_MAX || errno == ENOBUFS) {
			/* Frames already gathered are older than the loss: they go first. */
			drain(sock);
			put_u32(FRAME_OVERFLOW);
			continue;
		}
		die(2, "recv");
	}
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: nmk-rtnl-events RCVBUF QUEUE GROUP...\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		return 0; /* the parent is already gone */
	/* nmkd's end may hand us a non-blocking descriptor: we want to block. */
	int fl = fcntl(OUT_FD, F_GETFL);
	if (fl < 0)
		die(1, "fd 3 (the pipe to nmkd)");
	fcntl(OUT_FD, F_SETFL, fl & ~O_NONBLOCK);
	/* A deep pipe to nmkd: there a route notification takes its ~100 bytes,
	 * in the netlink socket ~800 (skb overhead), so queueing here rides out
	 * longer stalls before the kernel has to drop. Best effort: fd 3 is a
	 * socket (nmkd's end of a socketpair) or a pipe. */
	int sndbuf = atoi(argv[2]);
	if (setsockopt(OUT_FD, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) < 0 &&
	    setsockopt(OUT_FD, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) < 0)
		fcntl(OUT_FD, F_SETPIPE_SZ, sndbuf);

	int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0)
		die(1, "socket(AF_NETLINK)");
	int rcvbuf = atoi(argv[1]);
	if (setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0 &&
	    setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) < 0)
		die(1, "setsockopt(SO_RCVBUF)");
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	if (bind(sock, (struct sockaddr *)&sa, sizeof sa) < 0)
		die(1, "bind");
	for (int i = 3; i < argc; i++) {
		int group = atoi(argv[i]);
		if (setsockopt(sock, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0)
			die(1, "setsockopt(NETLINK_ADD_MEMBERSHIP)");
	}
	put_u32(FRAME_READY);
	flush_out();

	struct pollfd fds[2] = {
		{ .fd = sock, .events = POLLIN },
		/* nmkd never writes: any event here is its end closing. */
		{ .fd = OUT_FD, .events = POLLIN },
	};
	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die(2, "poll");
		}
		if (fds[1].revents) {
			char c;
			ssize_t n = recv(OUT_FD, &c, 1, MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR && errno != ENOTSOCK) || (fds[1].revents & (POLLHUP | POLLERR)))
				return 0;
		}
		/* POLLERR here is the kernel's ENOBUFS: forward() reads it from recv(). */
		if (fds[0].revents)
			forward(sock);
	}
}
