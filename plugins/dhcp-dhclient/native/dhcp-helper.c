/*
 * nmk-dhcp-helper: the script ISC dhclient runs (dhclient -sf) for the
 * dhclient plugin, as NetworkManager's nm-dhcp-helper is for NetworkManager.
 *
 * dhclient runs its script with a scrubbed environment holding the event
 * (reason, interface, pid, new_ip_address, new_routers, requested_...) plus
 * what nmkd passed with -e, among it NMK_DHCP_SOCKET: the unix stream socket
 * nmkd's plugin listens on. The helper connects there and writes one frame:
 *
 *   [u32 length, little endian][NAME=VALUE\0 NAME=VALUE\0 ...]
 *
 * (its whole environment but the shell's own variables), then waits for a
 * one-byte answer and exits with that byte as its status: 0 accepts the
 * event; non-zero refuses it (on BOUND/RENEW dhclient then declines the
 * lease). When nmkd cannot be reached or does not answer, the helper exits
 * with dhclient's "refused" status for the family (1 for IPv4, 3 for IPv6, as
 * nm-dhcp-helper does), so dhclient never binds a lease nmkd did not see.
 *
 * Why a C program and not a Node script: dhclient runs it on every event of
 * every link; it must start in about a millisecond and need nothing but libc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SOCKET_VAR "NMK_DHCP_SOCKET"
/* Larger than any environment dhclient builds (a few kilobytes); nmkd refuses more. */
#define PAYLOAD_MAX (1024 * 1024)
/* As long as NetworkManager waits for its daemon's answer. */
#define ANSWER_TIMEOUT_MS 60000
/* A full listen backlog answers EAGAIN: retry for this long, as nm-dhcp-helper does. */
#define CONNECT_RETRY_MS 5000

static unsigned char payload[PAYLOAD_MAX];

/* The shell's and dhclient's own bookkeeping, not DHCP data (nm-dhcp-helper skips these prefixes too). */
static const char *const skip_prefixes[] = {"PATH", "SHLVL", "_", "PWD", "dhc_dbus", NULL};

static int refused_status(void)
{
    const char *reason = getenv("reason");
    /* dhclient -6 events end in 6 (BOUND6, PREINIT6...). */
    size_t n = reason ? strlen(reason) : 0;
    return n > 0 && reason[n - 1] == '6' ? 3 : 1;
}

static int skipped(const char *entry)
{
    for (const char *const *p = skip_prefixes; *p; p++)
        if (strncmp(entry, *p, strlen(*p)) == 0)
            return 1;
    return strncmp(entry, SOCKET_VAR "=", sizeof(SOCKET_VAR)) == 0;
}

static size_t build_payload(void)
{
    size_t len = 0;
    for (char **e = environ; *e; e++) {
        const char *eq = strchr(*e, '=');
        size_t n = strlen(*e) + 1;
        if (!eq || eq == *e || skipped(*e))
            continue;
        if (len + n > PAYLOAD_MAX) {
            fprintf(stderr, "nmk-dhcp-helper: environment larger than %d bytes; the rest is dropped\n", PAYLOAD_MAX);
            break;
        }
        memcpy(payload + len, *e, n);
        len += n;
    }
    return len;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_daemon(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "nmk-dhcp-helper: socket path %s is too long\n", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    long long deadline = now_ms() + CONNECT_RETRY_MS;
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            perror("nmk-dhcp-helper: socket");
            return -1;
        }
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
            return fd;
        int err = errno;
        close(fd);
        if ((err != EAGAIN && err != EINTR) || now_ms() >= deadline) {
            fprintf(stderr, "nmk-dhcp-helper: cannot connect to nmkd at %s: %s\n", path, strerror(err));
            return -1;
        }
        usleep(20000);
    }
}

static int write_all(int fd, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The daemon's answer byte, or -1 when none came in time. */
static int read_answer(int fd)
{
    long long deadline = now_ms() + ANSWER_TIMEOUT_MS;
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        unsigned char answer;
        ssize_t n = read(fd, &answer, 1);
        if (n < 0 && errno == EINTR)
            continue;
        return n == 1 ? answer : -1;
    }
}

int main(void)
{
    const char *path = getenv(SOCKET_VAR);
    if (!path || !*path) {
        fprintf(stderr, "nmk-dhcp-helper: %s is not set; this program is run by dhclient for nmkd\n", SOCKET_VAR);
        return refused_status();
    }
    size_t len = build_payload();
    int fd = connect_daemon(path);
    if (fd < 0)
        return refused_status();
    unsigned char header[4] = {len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, (len >> 24) & 0xff};
    if (write_all(fd, header, sizeof(header)) < 0 || write_all(fd, payload, len) < 0) {
        perror("nmk-dhcp-helper: write");
        close(fd);
        return refused_status();
    }
    int answer = read_answer(fd);
    close(fd);
    if (answer < 0) {
        fprintf(stderr, "nmk-dhcp-helper: nmkd did not answer the %s event\n", getenv("reason") ? getenv("reason") : "(no reason)");
        return refused_status();
    }
    return answer;
}
