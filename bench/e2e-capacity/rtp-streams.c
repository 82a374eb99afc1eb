/*
 * The end-to-end capacity benchmark's media generator: the two 20 ms PCMU streams (RFC 3551: PT 0,
 * 160-byte payload, timestamp +160, 50 packets a second) of every call the SIP side has up, to
 * the ports each call's answer named, sent with sendmmsg(2) from one socket on one 20 ms clock.
 * Calls come and go while it runs, told on stdin by the benchmark (bench/e2e-capacity/media.ts):
 *
 *   add ID HOST PORT1 PORT2   start the call's two streams (to HOST:PORT1 and HOST:PORT2) at the
 *                             next tick; ID is a small whole number (< 4,000,000) of the caller's
 *   del ID                    stop them; answers "del ID SENT" (the call's packets sent)
 *   stats                     answers "stats SENT RECEIVED ACTIVE MAXLAGMS LATETICKS"
 *   quit                      ends
 *
 * and prints "ready SINKPORT" once set up. SINKPORT is the UDP port on 127.0.0.1 it sends from
 * and where it counts what arrives (RECEIVED): the rtpengine peer forwards each stream there, as
 * to a callee. When a
 * tick is late the streams are sent at once (in a burst) and the lag counted, so a loss can be
 * told from a generator that could not keep up.
 *
 *   cc -O2 -o rtp-streams rtp-streams.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD 160
#define PACKET (12 + PAYLOAD)
#define BATCH 512
#define PACKET_NS 20000000LL
#define MAX_ID 4000000

struct call {
  int active;
  int slot; /* its place in the active list */
  uint16_t seq;
  uint32_t ts;
  uint32_t ssrc;
  long long sent;
  struct sockaddr_in to[2];
};

static struct call *calls;
static int *active; /* ids of the calls up, densely */
static int active_count;
static long long sent_total;
static long long received_total;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void command(char *line, int64_t max_lag, long late_ticks) {
  char host[64];
  int id, p1, p2;
  if (sscanf(line, "add %d %63s %d %d", &id, host, &p1, &p2) == 4) {
    if (id < 0 || id >= MAX_ID || calls[id].active) {
      fprintf(stderr, "rtp-streams: bad add %s", line);
      return;
    }
    struct call *c = &calls[id];
    memset(c, 0, sizeof *c);
    c->active = 1;
    c->ssrc = 0x10000000u + (uint32_t)id * 2;
    int ports[2] = {p1, p2};
    for (int s = 0; s < 2; s++) {
      c->to[s].sin_family = AF_INET;
      c->to[s].sin_port = htons((uint16_t)ports[s]);
      inet_pton(AF_INET, host, &c->to[s].sin_addr);
    }
    c->slot = active_count;
    active[active_count++] = id;
  } else if (sscanf(line, "del %d", &id) == 1) {
    if (id < 0 || id >= MAX_ID || !calls[id].active) {
      printf("del %d 0\n", id);
    } else {
      struct call *c = &calls[id];
      int last = active[--active_count];
      active[c->slot] = last;
      calls[last].slot = c->slot;
      c->active = 0;
      printf("del %d %lld\n", id, c->sent);
    }
    fflush(stdout);
  } else if (strncmp(line, "stats", 5) == 0) {
    printf("stats %lld %lld %d %lld %ld\n", sent_total, received_total, active_count,
           (long long)(max_lag / 1000000), late_ticks);
    fflush(stdout);
  } else if (strncmp(line, "quit", 4) == 0) {
    exit(0);
  }
}

int main(void) {
  calls = calloc(MAX_ID, sizeof *calls);
  active = calloc(MAX_ID, sizeof *active);
  struct mmsghdr *msgs = calloc(BATCH, sizeof *msgs);
  struct iovec *iov = calloc(BATCH, sizeof *iov);
  uint8_t *wire = calloc(BATCH, PACKET);
  if (!calls || !active || !msgs || !iov || !wire) return 1;

  /* One socket sends every stream and counts what comes back: a relay that latches the source
   * it receives from (rtpengine does, RFC 4961 symmetric RTP) forwards the other direction to
   * the same address its SDP names. */
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return perror("socket"), 1;
  int sink = fd;
  int buf = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(sink, (struct sockaddr *)&local, sizeof local) != 0) return perror("bind"), 1;
  socklen_t len = sizeof local;
  getsockname(sink, (struct sockaddr *)&local, &len);
  printf("ready %d\n", ntohs(local.sin_port));
  fflush(stdout);

  /* A mu-law payload that is not silence (0xff is zero): a soft square wave. */
  uint8_t payload[PAYLOAD];
  for (int i = 0; i < PAYLOAD; i++) payload[i] = (i % 16) < 8 ? 0x9f : 0x1f;

  char input[1 << 16];
  size_t input_len = 0;
  struct mmsghdr rmsgs[64];
  struct iovec riov[64];
  static uint8_t rbuf[64][2048];
  for (int i = 0; i < 64; i++) {
    riov[i].iov_base = rbuf[i];
    riov[i].iov_len = sizeof rbuf[i];
    memset(&rmsgs[i].msg_hdr, 0, sizeof rmsgs[i].msg_hdr);
    rmsgs[i].msg_hdr.msg_iov = &riov[i];
    rmsgs[i].msg_hdr.msg_iovlen = 1;
  }

  int64_t max_lag = 0;
  long late_ticks = 0;
  int64_t start = now_ns();
  for (long tick = 0;; tick++) {
    int64_t due = start + tick * PACKET_NS;
    /* Until the tick is due: commands from stdin, datagrams at the sink. */
    for (;;) {
      int64_t wait = due - now_ns();
      struct pollfd fds[2] = {{.fd = 0, .events = POLLIN}, {.fd = sink, .events = POLLIN}};
      struct timespec t = {.tv_sec = wait > 0 ? wait / 1000000000LL : 0,
                           .tv_nsec = wait > 0 ? wait % 1000000000LL : 0};
      int ready = ppoll(fds, 2, &t, NULL);
      if (ready < 0 && errno != EINTR) return perror("ppoll"), 1;
      if (ready > 0 && (fds[1].revents & POLLIN)) {
        int r;
        while ((r = recvmmsg(sink, rmsgs, 64, MSG_DONTWAIT, NULL)) > 0) received_total += r;
      }
      if (ready > 0 && (fds[0].revents & (POLLIN | POLLHUP))) {
        ssize_t r = read(0, input + input_len, sizeof input - input_len - 1);
        if (r <= 0) return 0; /* the benchmark went away */
        input_len += (size_t)r;
        input[input_len] = 0;
        char *line = input, *nl;
        while ((nl = strchr(line, '\n')) != NULL) {
          *nl = 0;
          command(line, max_lag, late_ticks);
          line = nl + 1;
        }
        input_len = strlen(line);
        memmove(input, line, input_len);
      }
      if (wait <= 0) break;
    }
    int64_t lag = now_ns() - due;
    if (lag > 10000000) { /* more than half a packet time late */
      late_ticks++;
      if (lag > max_lag) max_lag = lag;
    }
    /* One packet on each stream of every call up. */
    int total = active_count * 2;
    for (int first = 0; first < total; first += BATCH) {
      int n = total - first < BATCH ? total - first : BATCH;
      for (int i = 0; i < n; i++) {
        int k = first + i;
        struct call *c = &calls[active[k / 2]];
        int s = k % 2;
        uint8_t *p = wire + (size_t)i * PACKET;
        p[0] = 0x80;
        p[1] = 0;
        uint16_t seq = htons(c->seq);
        uint32_t ts = htonl(c->ts);
        uint32_t ssrc = htonl(c->ssrc + (uint32_t)s);
        memcpy(p + 2, &seq, 2);
        memcpy(p + 4, &ts, 4);
        memcpy(p + 8, &ssrc, 4);
        memcpy(p + 12, payload, PAYLOAD);
        if (s == 1) {
          c->seq++;
          c->ts += 160;
        }
        iov[i].iov_base = p;
        iov[i].iov_len = PACKET;
        memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
        msgs[i].msg_hdr.msg_name = &c->to[s];
        msgs[i].msg_hdr.msg_namelen = sizeof c->to[s];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        c->sent++;
      }
      int done = 0;
      while (done < n) {
        int r = sendmmsg(fd, msgs + done, (unsigned)(n - done), 0);
        if (r < 0) {
          if (errno == EINTR) continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK) {
            struct pollfd out = {.fd = fd, .events = POLLOUT};
            poll(&out, 1, 100);
            continue;
          }
          /* ECONNREFUSED from an earlier ICMP: that datagram is gone; go on with the rest. */
          if (errno == ECONNREFUSED) continue;
          perror("sendmmsg");
          return 1;
        }
        done += r;
      }
      sent_total += n;
    }
  }
}
