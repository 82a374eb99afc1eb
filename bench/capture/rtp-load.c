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
 * With SUITE (AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32 or AEAD_AES_128_GCM; needs the
 * binary built with -DRTP_LOAD_SRTP -lcrypto) every stream is SRTP-protected (see below) under
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
#include <openssl/evp.h>
#include <openssl/sha.h>

/*
 * SRTP protection for the load (RFC 3711 AES-CM + HMAC-SHA1, RFC 7714 AES-GCM), done with
 * OpenSSL's libcrypto and every context keyed once per stream. libsrtp2 2.5 (Debian) with
 * OpenSSL 3 sets up its cipher and HMAC for every packet and managed only a few thousand packets a
 * second on the benchmark machine, far from the 100,000 a second of 1,000 calls; the recorder's
 * SRTP is checked against libsrtp itself in packages/recorder (srtp-libsrtp.int.test.ts) and e2e.
 * The key derivation is RFC 3711 §4.3.1 (key_derivation_rate 0); the index is the sequence
 * number (a step is far shorter than 2^16 packets: the ROC stays 0).
 */
struct srtp_stream {
  int gcm;
  int tag_len;
  EVP_CIPHER_CTX *cipher;
  unsigned char salt[14];
  SHA_CTX inner, outer; /* HMAC-SHA1 with the session auth key: the keyed pad states */
};

static void srtp_kdf(const unsigned char *master_key, const unsigned char *master_salt,
                     int salt_len, int label, unsigned char *out, int len) {
  unsigned char iv[16] = {0}, zeros[64] = {0};
  memcpy(iv, master_salt, (size_t)salt_len);
  iv[7] ^= (unsigned char)label;
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  int outl = 0;
  EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, master_key, iv);
  EVP_EncryptUpdate(ctx, out, &outl, zeros, len);
  EVP_CIPHER_CTX_free(ctx);
}

static int srtp_stream_init(struct srtp_stream *st, const char *suite, int s) {
  unsigned char material[64];
  for (int j = 0; j < 64; j++) material[j] = (unsigned char)(s * 31 + j * 7 + 1);
  const unsigned char *master_key = material, *master_salt = material + 16;
  if (strcmp(suite, "AES_CM_128_HMAC_SHA1_80") == 0 || strcmp(suite, "AES_CM_128_HMAC_SHA1_32") == 0) {
    st->gcm = 0;
    st->tag_len = strcmp(suite, "AES_CM_128_HMAC_SHA1_80") == 0 ? 10 : 4;
    unsigned char key[16], auth[20], pad[64];
    srtp_kdf(master_key, master_salt, 14, 0, key, 16);
    srtp_kdf(master_key, master_salt, 14, 1, auth, 20);
    srtp_kdf(master_key, master_salt, 14, 2, st->salt, 14);
    st->cipher = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(st->cipher, EVP_aes_128_ctr(), NULL, key, NULL);
    memset(pad, 0x36, 64);
    for (int i = 0; i < 20; i++) pad[i] ^= auth[i];
    SHA1_Init(&st->inner);
    SHA1_Update(&st->inner, pad, 64);
    memset(pad, 0x5c, 64);
    for (int i = 0; i < 20; i++) pad[i] ^= auth[i];
    SHA1_Init(&st->outer);
    SHA1_Update(&st->outer, pad, 64);
    return 0;
  }
  if (strcmp(suite, "AEAD_AES_128_GCM") == 0) {
    st->gcm = 1;
    st->tag_len = 16;
    unsigned char key[16];
    /* RFC 7714 erratum 4938: the 12-byte master salt enters the KDF padded to 14 bytes. */
    unsigned char salt14[14] = {0};
    memcpy(salt14, master_salt, 12);
    srtp_kdf(master_key, salt14, 14, 0, key, 16);
    srtp_kdf(master_key, salt14, 14, 2, st->salt, 12);
    st->cipher = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(st->cipher, EVP_aes_128_gcm(), NULL, key, NULL);
    return 0;
  }
  return -1;
}

/* Protects the RTP packet (12-byte header) in place; returns its new length. */
static int srtp_stream_protect(struct srtp_stream *st, unsigned char *p, int len) {
  uint32_t ssrc = ((uint32_t)p[8] << 24) | ((uint32_t)p[9] << 16) | ((uint32_t)p[10] << 8) | p[11];
  int outl = 0;
  if (st->gcm) {
    /* RFC 7714 §8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt; the header is the AAD. */
    unsigned char iv[12] = {0};
    iv[2] = (unsigned char)(ssrc >> 24), iv[3] = (unsigned char)(ssrc >> 16);
    iv[4] = (unsigned char)(ssrc >> 8), iv[5] = (unsigned char)ssrc;
    iv[10] = p[2], iv[11] = p[3];
    for (int i = 0; i < 12; i++) iv[i] ^= st->salt[i];
    EVP_EncryptInit_ex(st->cipher, NULL, NULL, NULL, iv);
    EVP_EncryptUpdate(st->cipher, NULL, &outl, p, 12);
    EVP_EncryptUpdate(st->cipher, p + 12, &outl, p + 12, len - 12);
    EVP_EncryptFinal_ex(st->cipher, p + len, &outl);
    EVP_CIPHER_CTX_ctrl(st->cipher, EVP_CTRL_GCM_GET_TAG, 16, p + len);
    return len + 16;
  }
  /* RFC 3711 §4.1.1: IV = (salt << 16) XOR (SSRC << 64) XOR (index << 16), index = SEQ. */
  unsigned char iv[16] = {0};
  memcpy(iv, st->salt, 14);
  iv[4] ^= (unsigned char)(ssrc >> 24), iv[5] ^= (unsigned char)(ssrc >> 16);
  iv[6] ^= (unsigned char)(ssrc >> 8), iv[7] ^= (unsigned char)ssrc;
  iv[12] ^= p[2], iv[13] ^= p[3];
  EVP_EncryptInit_ex(st->cipher, NULL, NULL, NULL, iv);
  EVP_EncryptUpdate(st->cipher, p + 12, &outl, p + 12, len - 12);
  /* RFC 3711 §4.2: HMAC-SHA1 over the packet and the ROC (0), truncated. */
  unsigned char roc[4] = {0}, inner_digest[20], digest[20];
  SHA_CTX ctx = st->inner;
  SHA1_Update(&ctx, p, (size_t)len);
  SHA1_Update(&ctx, roc, 4);
  SHA1_Final(inner_digest, &ctx);
  ctx = st->outer;
  SHA1_Update(&ctx, inner_digest, 20);
  SHA1_Final(digest, &ctx);
  memcpy(p + len, digest, (size_t)st->tag_len);
  return len + st->tag_len;
}
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
    fprintf(stderr, "rtp-load was built without libcrypto: no SRTP\n");
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
  struct srtp_stream *sessions = NULL;
  if (suite) {
    sessions = calloc(streams, sizeof *sessions);
    if (!sessions) return 1;
    for (int s = 0; s < streams; s++) {
      if (srtp_stream_init(&sessions[s], suite, s) != 0) {
        fprintf(stderr, "unknown suite %s\n", suite);
        return 2;
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
        if (sessions) wire_len[s] = srtp_stream_protect(&sessions[s], w, PACKET);
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
