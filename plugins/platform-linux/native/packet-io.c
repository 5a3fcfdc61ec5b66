/*
 * nmk-packet-io: link-level packet channels (DHCPv4, ARP, ICMPv6 neighbour
 * discovery) for every link, in one small helper process. Node's dgram has
 * no packet sockets, no SO_BINDTODEVICE and no IP_PKTINFO; this helper holds
 * those sockets and passes packets to nmkd through a pipe. The client in
 * ../packet-io/ starts it (lazily, on the first open) and speaks the
 * protocol below.
 *
 *   nmk-packet-io            (no arguments)
 *
 * Protocol. Commands arrive on stdin, events leave on stdout, both as
 * frames: [u32 length][body of that many bytes]. Integers are little endian.
 * Every body starts with [u8 type][u32 channel id]; ids are chosen by nmkd.
 *
 *   commands (nmkd -> helper)
 *     1 OPEN   id, u8 protocol (1 dhcp4, 2 arp, 3 icmp6-nd), u32 ifindex
 *     2 CLOSE  id                      (an unknown id is ignored)
 *     3 SEND   id, u32 seq, u8 n, n bytes of destination, payload
 *              destination: dhcp4 and arp a link-layer address (n = 0:
 *              broadcast); icmp6-nd a 16-byte IPv6 address.
 *              payload: dhcp4 a whole IPv4 packet, arp the ARP message,
 *              icmp6-nd the ICMPv6 message (the kernel sums it).
 *   events (helper -> nmkd)
 *     1 OPENED id, u32 errno           (0: open; else the id is free again)
 *     2 PACKET id, u8 flags, u8 n, n bytes of source, payload
 *              source: dhcp4 and arp the sender's link-layer address
 *              (sll_addr), icmp6-nd its IPv6 address.
 *              flags: bit 0 "checksum not ready" (dhcp4): the packet comes
 *              from this host or a virtual link with checksum offload
 *              (veth, virtio) and its UDP checksum was never filled in
 *              (TP_STATUS_CSUMNOTREADY): do not verify it.
 *     3 ERROR  id, u32 errno           (reading the socket failed, e.g.
 *              ENETDOWN; the channel stays open)
 *     4 SENT   id, u32 seq, u32 errno  (one for every SEND, in order)
 *
 * What each protocol's socket is:
 *   dhcp4    AF_PACKET SOCK_DGRAM bound to (ETH_P_IP, ifindex), with a BPF
 *            filter that passes only unfragmented IPv4 UDP to port 68 meant
 *            for this host (so other traffic never wakes us); works before
 *            the link has an address.
 *   arp      AF_PACKET SOCK_DGRAM bound to (ETH_P_ARP, ifindex).
 *   icmp6-nd raw ICMPv6 socket bound to the link (SO_BINDTOIFINDEX), types
 *            133-137 only, sent with hop limit 255; received packets whose
 *            hop limit is not 255 are dropped (RFC 4861 6.1); ff02::1 joined.
 *
 * Errors of one channel are events, never fatal. The helper exits when
 * stdin closes (status 0), when nmkd dies (PR_SET_PDEATHSIG), or on a
 * malformed command frame (status 2, the reason on stderr): nmkd then starts
 * a new helper and reopens its channels.
 *
 * Why a helper process and not an addon: see rtnl-events.c. One poll loop,
 * a few sockets per link, static: well under 1 MB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif

#define IN_FD 0
#define OUT_FD 1

enum { CMD_OPEN = 1, CMD_CLOSE = 2, CMD_SEND = 3 };
enum { EV_OPENED = 1, EV_PACKET = 2, EV_ERROR = 3, EV_SENT = 4 };
enum { P_DHCP4 = 1, P_ARP = 2, P_ICMP6_ND = 3 };

/* An IPv4 packet is at most 64 KiB; so is an ICMPv6 message without jumbograms. */
#define PACKET_MAX 65536
/* A command frame: header, destination and one packet. */
#define FRAME_MAX (PACKET_MAX + 64)
/* Events gathered before one write; at least one PACKET event fits. */
#define OUT_BYTES (256 * 1024)
/* Packets read from one socket per wake-up, so one busy link cannot starve the others. */
#define BURST 32

struct channel {
	uint32_t id;
	int fd;
	uint8_t protocol;
	int ifindex;
};

static struct channel *chans;
static struct pollfd *pfds; /* pfds[0] is stdin, pfds[1 + i] is chans[i] */
static size_t nchans, capchans;

static unsigned char in[2 * FRAME_MAX];
static size_t in_len;
static unsigned char out[OUT_BYTES];
static size_t out_len;
static unsigned char pkt[PACKET_MAX];

static void fail(int status, const char *what)
{
	fprintf(stderr, "nmk-packet-io: %s\n", what);
	exit(status);
}

/* Write everything gathered; blocks while nmkd does not read (the kernel
 * then queues, and at last drops, packets in our sockets). */
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
			exit(0); /* nobody reads us any more */
		}
	}
	out_len = 0;
}

static void room(size_t n)
{
	if (out_len + n > OUT_BYTES)
		flush_out();
}

static void put_u8(uint8_t v) { out[out_len++] = v; }

static void put_u32(uint32_t v)
{
	for (int i = 0; i < 4; i++)
		out[out_len++] = (v >> (8 * i)) & 0xff;
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* OPENED and ERROR: [len 9][type][id][errno]. */
static void event_errno(uint8_t type, uint32_t id, int err)
{
	room(13);
	put_u32(9);
	put_u8(type);
	put_u32(id);
	put_u32((uint32_t)err);
}

static void event_sent(uint32_t id, uint32_t seq, int err)
{
	room(17);
	put_u32(13);
	put_u8(EV_SENT);
	put_u32(id);
	put_u32(seq);
	put_u32((uint32_t)err);
}

#define PACKET_CSUM_NOT_READY 1

static void event_packet(uint32_t id, uint8_t flags, const void *src, uint8_t srclen, const void *data, size_t len)
{
	room(4 + 7 + srclen + len);
	put_u32((uint32_t)(7 + srclen + len));
	put_u8(EV_PACKET);
	put_u32(id);
	put_u8(flags);
	put_u8(srclen);
	memcpy(out + out_len, src, srclen);
	out_len += srclen;
	memcpy(out + out_len, data, len);
	out_len += len;
}

static struct channel *find(uint32_t id)
{
	for (size_t i = 0; i < nchans; i++)
		if (chans[i].id == id)
			return &chans[i];
	return NULL;
}

/*
 * dhcp4's filter. A SOCK_DGRAM packet socket sees the packet from its IPv4
 * header on. Passes: not our own outgoing packet nor one for another host
 * (promiscuous links), UDP, not a fragment (MF clear, offset 0: a DHCP
 * message we could not reassemble is useless), destination port 68.
 * Jump offsets count the instructions skipped; DROP and ACCEPT are the last two.
 */
#define DROP_FROM(i) (10 - (i) - 1)
static struct sock_filter dhcp4_filter[] = {
	/* 0 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
	/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, DROP_FROM(1), 0),
	/* 2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OTHERHOST, DROP_FROM(2), 0),
	/* 3 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9), /* protocol */
	/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, DROP_FROM(4)),
	/* 5 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6), /* flags and fragment offset */
	/* 6 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, DROP_FROM(6), 0),
	/* 7 */ BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), /* X = IPv4 header length */
	/* 8 */ BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2), /* UDP destination port */
	/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 68, 1, 0),
	/* 10 DROP */ BPF_STMT(BPF_RET | BPF_K, 0),
	/* 11 ACCEPT */ BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
};

static int fail_fd(int fd)
{
	int e = errno;
	close(fd);
	return -e;
}

/* Read and drop whatever is queued (what arrived before the socket was fully set up). */
static void drain(int fd)
{
	while (recv(fd, pkt, sizeof pkt, MSG_DONTWAIT) >= 0 || errno == EINTR)
		;
}

static int open_packet(int ifindex, uint16_t ethertype, const struct sock_fprog *filter)
{
	int on = 1;
	/* Protocol 0: the socket receives nothing until bind(), so no packet
	 * slips in before the filter is attached. */
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (filter && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, filter, sizeof *filter) < 0)
		return fail_fd(fd);
	/* tp_status with every packet: tells which checksums were never computed. */
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &on, sizeof on) < 0)
		return fail_fd(fd);
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_protocol = htons(ethertype), .sll_ifindex = ifindex };
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return fail_fd(fd);
	return fd;
}

static int bind_to_link(int fd, int ifindex)
{
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &ifindex, sizeof ifindex) == 0)
		return 0;
	if (errno != ENOPROTOOPT)
		return -1;
	/* Kernels before 5.0: by name (a rename in between is a lost race we accept). */
	char name[IF_NAMESIZE];
	if (!if_indextoname((unsigned)ifindex, name))
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, (socklen_t)strlen(name));
}

static int open_icmp6(int ifindex)
{
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	struct icmp6_filter filter;
	ICMP6_FILTER_SETBLOCKALL(&filter);
	for (int type = ND_ROUTER_SOLICIT; type <= ND_REDIRECT; type++) /* 133..137 */
		ICMP6_FILTER_SETPASS(type, &filter);
	int on = 1, off = 0, hops = 255;
	struct ipv6_mreq all_nodes = { .ipv6mr_interface = (unsigned)ifindex };
	all_nodes.ipv6mr_multiaddr.s6_addr[0] = 0xff;
	all_nodes.ipv6mr_multiaddr.s6_addr[1] = 0x02;
	all_nodes.ipv6mr_multiaddr.s6_addr[15] = 0x01;
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) < 0 ||
	    bind_to_link(fd, ifindex) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex) < 0 ||
	    /* Not our own multicasts back (our DAD probe would look like a conflict). */
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof off) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &all_nodes, sizeof all_nodes) < 0)
		return fail_fd(fd);
	/* Until the filter and the binding were set, any link's ICMPv6 could arrive. */
	drain(fd);
	return fd;
}

static const struct sock_fprog dhcp4_prog = { .len = sizeof dhcp4_filter / sizeof dhcp4_filter[0], .filter = dhcp4_filter };

static void cmd_open(uint32_t id, uint8_t protocol, int ifindex)
{
	if (find(id)) {
		event_errno(EV_OPENED, id, EEXIST);
		return;
	}
	int fd;
	if (ifindex <= 0)
		fd = -ENODEV;
	else if (protocol == P_DHCP4)
		fd = open_packet(ifindex, ETH_P_IP, &dhcp4_prog);
	else if (protocol == P_ARP)
		fd = open_packet(ifindex, ETH_P_ARP, NULL);
	else if (protocol == P_ICMP6_ND)
		fd = open_icmp6(ifindex);
	else
		fd = -EPROTONOSUPPORT;
	if (fd < 0) {
		event_errno(EV_OPENED, id, -fd);
		return;
	}
	if (nchans == capchans) {
		size_t cap = capchans ? capchans * 2 : 16;
		struct channel *c = realloc(chans, cap * sizeof *c);
		struct pollfd *p = c ? realloc(pfds, (cap + 1) * sizeof *p) : NULL;
		if (c)
			chans = c;
		if (!p) {
			close(fd);
			event_errno(EV_OPENED, id, ENOMEM);
			return;
		}
		pfds = p;
		capchans = cap;
	}
	chans[nchans] = (struct channel){ .id = id, .fd = fd, .protocol = protocol, .ifindex = ifindex };
	pfds[1 + nchans] = (struct pollfd){ .fd = fd, .events = POLLIN };
	nchans++;
	event_errno(EV_OPENED, id, 0);
}

static void cmd_close(uint32_t id)
{
	struct channel *c = find(id);
	if (!c)
		return;
	size_t i = (size_t)(c - chans);
	close(c->fd);
	/* The last one takes its place, in both tables. */
	nchans--;
	chans[i] = chans[nchans];
	pfds[1 + i] = pfds[1 + nchans];
}

static void cmd_send(uint32_t id, uint32_t seq, const unsigned char *dest, uint8_t destlen, const unsigned char *data, size_t len)
{
	struct channel *c = find(id);
	if (!c) {
		event_sent(id, seq, EBADF);
		return;
	}
	ssize_t n;
	if (c->protocol == P_ICMP6_ND) {
		struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)c->ifindex };
		if (destlen != 16) {
			event_sent(id, seq, EDESTADDRREQ);
			return;
		}
		memcpy(&sa.sin6_addr, dest, 16);
		n = sendto(c->fd, data, len, 0, (struct sockaddr *)&sa, sizeof sa);
	} else {
		struct sockaddr_ll sa = {
			.sll_family = AF_PACKET,
			.sll_protocol = htons(c->protocol == P_DHCP4 ? ETH_P_IP : ETH_P_ARP),
			.sll_ifindex = c->ifindex,
		};
		if (destlen > sizeof sa.sll_addr) {
			event_sent(id, seq, EINVAL);
			return;
		}
		if (destlen == 0) {
			sa.sll_halen = ETH_ALEN;
			memset(sa.sll_addr, 0xff, ETH_ALEN);
		} else {
			sa.sll_halen = destlen;
			memcpy(sa.sll_addr, dest, destlen);
		}
		n = sendto(c->fd, data, len, 0, (struct sockaddr *)&sa, sizeof sa);
	}
	event_sent(id, seq, n < 0 ? errno : 0);
}

/* One command frame body; a malformed one means nmkd and we disagree: exit. */
static void command(const unsigned char *b, size_t len)
{
	if (len < 5)
		fail(2, "command frame shorter than its header");
	uint32_t id = get_u32(b + 1);
	switch (b[0]) {
	case CMD_OPEN:
		if (len != 10)
			fail(2, "OPEN frame of the wrong length");
		cmd_open(id, b[5], (int)get_u32(b + 6));
		break;
	case CMD_CLOSE:
		cmd_close(id);
		break;
	case CMD_SEND:
		if (len < 10 || len < 10 + (size_t)b[9])
			fail(2, "SEND frame shorter than its destination");
		cmd_send(id, get_u32(b + 5), b + 10, b[9], b + 10 + b[9], len - 10 - b[9]);
		break;
	default:
		fail(2, "unknown command");
	}
}

/* Read what nmkd wrote and run every whole command in it. */
static void read_commands(void)
{
	ssize_t n = read(IN_FD, in + in_len, sizeof in - in_len);
	if (n == 0)
		exit(0); /* nmkd closed our input: done */
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		exit(0);
	}
	in_len += (size_t)n;
	size_t off = 0;
	while (in_len - off >= 4) {
		uint32_t len = get_u32(in + off);
		if (len > FRAME_MAX)
			fail(2, "command frame longer than any packet");
		if (in_len - off - 4 < len)
			break;
		command(in + off + 4, len);
		off += 4 + len;
	}
	memmove(in, in + off, in_len - off);
	in_len -= off;
}

static void receive(struct channel *c)
{
	for (int i = 0; i < BURST; i++) {
		union {
			struct sockaddr_ll ll;
			struct sockaddr_in6 in6;
		} from;
		union {
			char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
			struct cmsghdr align;
		} control;
		struct iovec iov = { .iov_base = pkt, .iov_len = sizeof pkt };
		struct msghdr msg = {
			.msg_name = &from, .msg_namelen = sizeof from,
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = &control, .msg_controllen = sizeof control,
		};
		ssize_t n = recvmsg(c->fd, &msg, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				event_errno(EV_ERROR, c->id, errno); /* reading cleared it: poll goes quiet */
			return;
		}
		if (msg.msg_flags & MSG_TRUNC)
			continue; /* cannot happen below 64 KiB; never forward half a packet */
		if (c->protocol == P_ICMP6_ND) {
			int hops = -1;
			for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
				if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT)
					memcpy(&hops, CMSG_DATA(cm), sizeof hops);
			if (hops != 255)
				continue; /* not from this link (RFC 4861 6.1.1, 6.1.2) */
			event_packet(c->id, 0, &from.in6.sin6_addr, 16, pkt, (size_t)n);
		} else {
			if (from.ll.sll_pkttype == PACKET_OUTGOING)
				continue; /* our own */
			uint8_t flags = 0;
			for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
				struct tpacket_auxdata aux;
				if (cm->cmsg_level != SOL_PACKET || cm->cmsg_type != PACKET_AUXDATA)
					continue;
				memcpy(&aux, CMSG_DATA(cm), sizeof aux);
				if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
					flags |= PACKET_CSUM_NOT_READY;
			}
			uint8_t halen = from.ll.sll_halen > sizeof from.ll.sll_addr ? sizeof from.ll.sll_addr : from.ll.sll_halen;
			event_packet(c->id, flags, from.ll.sll_addr, halen, pkt, (size_t)n);
		}
	}
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		return 0; /* the parent is already gone */
	/* nmkd's end may be non-blocking; ours blocks (writes are our back-pressure). */
	int fl = fcntl(OUT_FD, F_GETFL);
	if (fl < 0 || fcntl(IN_FD, F_GETFL) < 0)
		fail(1, "stdin and stdout must be the pipes to nmkd");
	fcntl(OUT_FD, F_SETFL, fl & ~O_NONBLOCK);
	pfds = malloc(sizeof *pfds);
	if (!pfds)
		fail(1, "out of memory");
	pfds[0] = (struct pollfd){ .fd = IN_FD, .events = POLLIN };
	for (;;) {
		if (poll(pfds, 1 + nchans, -1) < 0) {
			if (errno == EINTR)
				continue;
			fail(2, "poll failed");
		}
		/* Sockets first: a CLOSE below may move channels around in the tables. */
		for (size_t i = 0; i < nchans; i++)
			if (pfds[1 + i].revents)
				receive(&chans[i]);
		if (pfds[0].revents & (POLLIN | POLLHUP | POLLERR))
			read_commands();
		flush_out();
	}
}
