/*
 * The capture benchmark's load generator in C (bench/capture.bench.ts compiles it with the
 * system's cc when there is one; otherwise rtp-load.ts does the same in Node). Same contract as
 * rtp-load.ts: STREAMS RTP streams of 20 ms PCMU (RFC 3551: PT 0, 160-byte payload, timestamp
 * +160, 50 packets a second) to 127.0.0.1 ports BASE, BASE + 2, ...; every 20 ms tick sends one
 * packet on every stream, with sendmmsg(2) in batches, so the generator costs about a microsecond
 * a packet and the receiver, not the generator, is what the benchmark measures. All streams leave
 * from one socket (one source address and port, latched by each stream on its first packet).
 * When it falls behind, the next tick is sent at once and the lag is reported.
 *
 *   rtp-load STREAMS BASE SECONDS [SUITE]
 * prints "ready" once set up, waits for a line on stdin, sends, then prints
 * "done SENT SECONDS MAXLAGMS".
 *
 * With SUITE (an SDES crypto suite: AES_CM_128_HMAC_SHA1_80, AEAD_AES_128_GCM, ...; needs the
 * binary built with -DRTP_LOAD_SRTP -lsrtp2) every stream is protected by Debian's libsrtp2 under
 * its own master key: byte j of stream s's key || salt is (s * 31 + j * 7 + 1) mod 256, which
 * bench/capture/recorder.ts signals to the capture sink as the stream's SDES key.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef RTP_LOAD_SRTP
#include <srtp2/srtp.h>
#endif

#define PAYLOAD 160
#define PACKET (12 + PAYLOAD)
#define MAX_PACKET (PACKET + 64) /* room for the SRTP tag (and MKI) */
#define BATCH 512
#define PACKET_NS 20000000LL

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: rtp-load STREAMS BASE SECONDS [SUITE]\n");
    return 2;
  }
  const char *suite = argc == 5 ? argv[4] : NULL;
#ifndef RTP_LOAD_SRTP
  if (suite) {
    fprintf(stderr, "rtp-load was built without libsrtp2: no SRTP\n");
    return 2;
  }
#endif
  int streams = atoi(argv[1]);
  int base = atoi(argv[2]);
  double seconds = atof(argv[3]);
  if (streams <= 0 || base <= 0 || base + 2 * streams > 65535 || seconds <= 0) return 2;

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return perror("socket"), 1;
  int sndbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);

  struct sockaddr_in *to = calloc(streams, sizeof *to);
  uint8_t *packets = calloc(streams, PACKET);
  uint8_t *wire = calloc(streams, MAX_PACKET); /* what is sent: the packet, protected or not */
  int *wire_len = calloc(streams, sizeof *wire_len);
  if (!wire || !wire_len) return 1;
#ifdef RTP_LOAD_SRTP
  srtp_t *sessions = NULL;
  if (suite) {
    if (srtp_init() != srtp_err_status_ok) return 1;
    sessions = calloc(streams, sizeof *sessions);
    if (!sessions) return 1;
    for (int s = 0; s < streams; s++) {
      srtp_policy_t policy;
      memset(&policy, 0, sizeof policy);
      if (strcmp(suite, "AES_CM_128_HMAC_SHA1_80") == 0) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      } else if (strcmp(suite, "AES_CM_128_HMAC_SHA1_32") == 0) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
      } else if (strcmp(suite, "AES_256_CM_HMAC_SHA1_80") == 0) {
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&policy.rtp);
      } else if (strcmp(suite, "AEAD_AES_128_GCM") == 0) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      } else if (strcmp(suite, "AEAD_AES_256_GCM") == 0) {
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
      } else {
        fprintf(stderr, "unknown suite %s\n", suite);
        return 2;
      }
      policy.rtcp = policy.rtp;
      unsigned char key[64];
      for (int j = 0; j < 64; j++) key[j] = (unsigned char)(s * 31 + j * 7 + 1);
      policy.key = key;
      policy.ssrc.type = ssrc_any_outbound;
      policy.window_size = 128;
      if (srtp_create(&sessions[s], &policy) != srtp_err_status_ok) {
        fprintf(stderr, "srtp_create failed\n");
        return 1;
      }
    }
  }
#endif
  struct mmsghdr *msgs = calloc(BATCH, sizeof *msgs);
  struct iovec *iov = calloc(BATCH, sizeof *iov);
  if (!to || !packets || !msgs || !iov) return 1;
  for (int s = 0; s < streams; s++) {
    to[s].sin_family = AF_INET;
    to[s].sin_port = htons((uint16_t)(base + 2 * s));
    to[s].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    uint8_t *p = packets + (size_t)s * PACKET;
    p[0] = 0x80; /* V=2 */
    p[1] = 0;    /* PT 0 (PCMU) */
    uint32_t ssrc = htonl(0x10000u + (uint32_t)s);
    memcpy(p + 8, &ssrc, 4);
    /* A mu-law payload that is not silence (0xff is zero): a soft square wave. */
    for (int i = 0; i < PAYLOAD; i++) p[12 + i] = (i % 16) < 8 ? 0x9f : 0x1f;
  }

  printf("ready\n");
  fflush(stdout);
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 1;

  long ticks = (long)(seconds * 50.0 + 0.5);
  long long sent = 0;
  int64_t max_lag = 0;
  int64_t start = now_ns();
  for (long tick = 0; tick < ticks; tick++) {
    int64_t due = start + tick * PACKET_NS;
    int64_t lag = now_ns() - due;
    if (lag < 0) {
      struct timespec t = {.tv_sec = due / 1000000000LL, .tv_nsec = due % 1000000000LL};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
    } else if (lag > max_lag) {
      max_lag = lag;
    }
    uint16_t seq = htons((uint16_t)tick);
    uint32_t ts = htonl((uint32_t)(tick * 160));
    for (int first = 0; first < streams; first += BATCH) {
      int n = streams - first < BATCH ? streams - first : BATCH;
      for (int i = 0; i < n; i++) {
        int s = first + i;
        uint8_t *p = packets + (size_t)s * PACKET;
        memcpy(p + 2, &seq, 2);
        memcpy(p + 4, &ts, 4);
        uint8_t *w = wire + (size_t)s * MAX_PACKET;
        memcpy(w, p, PACKET);
        wire_len[s] = PACKET;
#ifdef RTP_LOAD_SRTP
        if (sessions && srtp_protect(sessions[s], w, &wire_len[s]) != srtp_err_status_ok) {
          fprintf(stderr, "srtp_protect failed\n");
          return 1;
        }
#endif
        iov[i].iov_base = w;
        iov[i].iov_len = (size_t)wire_len[s];
        memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
        msgs[i].msg_hdr.msg_name = &to[s];
        msgs[i].msg_hdr.msg_namelen = sizeof to[s];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int done = 0;
      while (done < n) {
        int r = sendmmsg(fd, msgs + done, (unsigned)(n - done), 0);
        if (r < 0) {
          perror("sendmmsg");
          return 1;
        }
        done += r;
      }
      sent += n;
    }
  }
  usleep(50000);
  double took = (double)(now_ns() - start) / 1e9;
  printf("done %lld %.3f %lld\n", sent, took, (long long)(max_lag / 1000000));
  fflush(stdout);
  close(fd);
  return 0;
}
