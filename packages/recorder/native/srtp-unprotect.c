// SRTP receive transform in native code, for the capture path (OpenSSL's libcrypto).
//
// RFC 3711 §3.3 (receiving an SRTP packet), §3.3.1 (ROC estimate, Appendix A), §3.3.2 (replay
// list), §4.1.1 (AES-CM), §4.2 (HMAC-SHA1); RFC 6188 (AES-256-CM); RFC 7714 §8 (AES-GCM, the RTP
// header as associated data, the 16-byte tag after the ciphertext, the MKI after the tag).
//
// The TypeScript SrtpContext (packages/recorder/src/rtp/srtp.ts) is the reference: this file does
// exactly what its unprotectRtp does, in the same order, with the same failure reasons (a unit
// test runs the same packets through both and compares them byte for byte). What differs is the
// cost: node:crypto sets up a cipher or an HMAC for every packet, whereas here every key is
// scheduled once per stream (an AES-ECB context for the AES-CM counter blocks, the HMAC's inner
// and outer SHA-1 states after the keyed pads, an AES-GCM context) and a packet costs the block
// cipher and hash work alone, with no allocation. Session keys are derived in TypeScript
// (srtp-kdf.ts) and handed over once. SRTCP (a packet every few seconds) stays in TypeScript.
//
// JavaScript API (packages/recorder/src/rtp/srtp-native.ts wraps it):
//   create(gcm, encryptionKey, authenticationKey, salt, tagLength, mkiLength, mki | null)
//                                -> context (an external; its memory goes with it)
//   unprotectRtp(context, packet) -> the decrypted packet's length (header + payload, written
//                                    over the packet's first bytes), or -reason (REASON_*)
//   index                         -> Float64Array(1): the packet index of the last success
// A failed packet's bytes are left as they were.
#define NAPI_VERSION 8
/* The HMAC keeps SHA-1's inner and outer states after the keyed pads and copies them per packet
 * (a struct copy). OpenSSL 3 deprecates the SHA1_* functions in favour of EVP digests, whose
 * context copy allocates on every packet; the SHA1_* functions remain in OpenSSL 3. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The failure reasons, as srtp.ts names them (negated in unprotectRtp's result). */
#define REASON_TOO_SHORT 1
#define REASON_BAD_HEADER 2
#define REASON_UNKNOWN_MKI 3
#define REASON_AUTH_FAILED 4
#define REASON_REPLAYED 5
#define REASON_TOO_OLD 6

/* RFC 3711 §3.3.2 "SHOULD be at least 64": srtp-replay.ts's SRTP_REPLAY_WINDOW. */
#define REPLAY_WINDOW 128
#define GCM_TAG 16
#define MAX_MKI 128
#define CM_CHUNK_BLOCKS 64 /* counter blocks encrypted per EVP call */

/* One SSRC's receive state (srtp.ts's SrtpStreamState and SrtpReplayWindow). Indexes are 48-bit
 * (ROC * 2^16 + SEQ), kept in int64 so that -1 means "none" as in the TypeScript. */
typedef struct {
  uint32_t ssrc;
  uint32_t roc;
  uint32_t highest_seq;
  int64_t replay_highest;
  int64_t slots[REPLAY_WINDOW];
} stream_t;

typedef struct {
  int gcm;
  size_t tag_length;
  size_t mki_length;
  int has_mki;
  uint8_t mki[MAX_MKI];
  uint8_t salt[14];
  EVP_CIPHER_CTX *cipher; /* AES-ECB (AES-CM counter blocks) or AES-GCM, keyed once */
  SHA_CTX inner, outer;   /* HMAC-SHA1 after the keyed ipad / opad blocks */
  stream_t *streams;
  size_t stream_count, stream_cap;
  size_t last; /* the stream of the previous packet: the usual case is one SSRC */
  uint8_t *scratch; /* GCM plaintext before the tag is checked */
  size_t scratch_cap;
} context_t;

typedef struct {
  double *index;
  napi_ref index_ref; /* keeps the index's ArrayBuffer (and so the memory above) alive */
} module_t;

static void context_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  context_t *c = data;
  EVP_CIPHER_CTX_free(c->cipher);
  OPENSSL_cleanse(&c->inner, sizeof c->inner);
  OPENSSL_cleanse(&c->outer, sizeof c->outer);
  OPENSSL_cleanse(c->salt, sizeof c->salt);
  free(c->streams);
  free(c->scratch);
  free(c);
}

static int bytes_arg(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &offset) != napi_ok ||
      type != napi_uint8_array) {
    return 0;
  }
  *data = raw;
  return 1;
}

static napi_value js_create(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool gcm = false;
  uint8_t *key, *auth, *salt, *mki = NULL;
  size_t key_length, auth_length, salt_length, mki_value_length = 0;
  int32_t tag_length, mki_length;
  napi_valuetype mki_type = napi_null;
  if (argc < 7 || napi_get_value_bool(env, argv[0], &gcm) != napi_ok ||
      !bytes_arg(env, argv[1], &key, &key_length) || !bytes_arg(env, argv[2], &auth, &auth_length) ||
      !bytes_arg(env, argv[3], &salt, &salt_length) ||
      napi_get_value_int32(env, argv[4], &tag_length) != napi_ok ||
      napi_get_value_int32(env, argv[5], &mki_length) != napi_ok ||
      napi_typeof(env, argv[6], &mki_type) != napi_ok ||
      (mki_type != napi_null && !bytes_arg(env, argv[6], &mki, &mki_value_length))) {
    napi_throw_type_error(env, "EINVAL",
                          "create(gcm, encryptionKey, authenticationKey, salt, tagLength, mkiLength, mki)");
    return NULL;
  }
  const int key_ok = key_length == 16 || key_length == 32;
  const int salt_ok = gcm ? salt_length == 12 : salt_length == 14;
  const int auth_ok = gcm ? 1 : auth_length == 20;
  const int tag_ok = gcm ? tag_length == GCM_TAG : tag_length >= 1 && tag_length <= 20;
  const int mki_ok = mki_length >= 0 && mki_length <= MAX_MKI &&
                     (mki == NULL || mki_value_length == (size_t)mki_length);
  if (!key_ok || !salt_ok || !auth_ok || !tag_ok || !mki_ok) {
    napi_throw_range_error(env, "EINVAL", "SRTP key, salt, tag or MKI of the wrong length");
    return NULL;
  }
  context_t *c = calloc(1, sizeof *c);
  if (c == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  c->gcm = gcm;
  c->tag_length = (size_t)tag_length;
  c->mki_length = (size_t)mki_length;
  if (mki != NULL) {
    c->has_mki = 1;
    memcpy(c->mki, mki, c->mki_length);
  }
  memcpy(c->salt, salt, salt_length);
  c->cipher = EVP_CIPHER_CTX_new();
  const EVP_CIPHER *algorithm =
      gcm ? (key_length == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm())
          : (key_length == 32 ? EVP_aes_256_ecb() : EVP_aes_128_ecb());
  int ok = c->cipher != NULL;
  if (ok && gcm) {
    ok = EVP_DecryptInit_ex(c->cipher, algorithm, NULL, key, NULL) == 1;
  } else if (ok) {
    ok = EVP_EncryptInit_ex(c->cipher, algorithm, NULL, key, NULL) == 1 &&
         EVP_CIPHER_CTX_set_padding(c->cipher, 0) == 1;
    /* RFC 2104: H(K ^ opad, H(K ^ ipad, text)), the 20-byte key zero-padded to the block. */
    uint8_t pad[64];
    memset(pad, 0x36, sizeof pad);
    for (size_t i = 0; i < auth_length; i++) pad[i] ^= auth[i];
    SHA1_Init(&c->inner);
    SHA1_Update(&c->inner, pad, sizeof pad);
    memset(pad, 0x5c, sizeof pad);
    for (size_t i = 0; i < auth_length; i++) pad[i] ^= auth[i];
    SHA1_Init(&c->outer);
    SHA1_Update(&c->outer, pad, sizeof pad);
    OPENSSL_cleanse(pad, sizeof pad);
  }
  if (!ok) {
    context_free(env, c, NULL);
    napi_throw_error(env, "EIO", "OpenSSL refused the SRTP key");
    return NULL;
  }
  napi_value external;
  if (napi_create_external(env, c, context_free, NULL, &external) != napi_ok) {
    context_free(env, c, NULL);
    return NULL;
  }
  return external;
}

static inline uint32_t read32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* srtp.ts measureRtpHeader: fixed header + CSRCs + extension, or -1. */
static long measure_rtp_header(const uint8_t *p, size_t length) {
  if (length < 12 || (p[0] >> 6) != 2) return -1;
  size_t header = 12 + (size_t)(p[0] & 0x0f) * 4;
  if (p[0] & 0x10) {
    if (length < header + 4) return -1;
    header += 4 + (((size_t)p[header + 2] << 8) | p[header + 3]) * 4;
  }
  return length < header ? -1 : (long)header;
}

/* srtp-replay.ts estimateSrtpRoc (RFC 3711 Appendix A), uint32 arithmetic as `>>> 0`. */
static uint32_t estimate_roc(uint32_t seq, uint32_t highest_seq, uint32_t roc) {
  if (highest_seq < 32768) return (int64_t)seq - highest_seq > 32768 ? roc - 1 : roc;
  return (int64_t)highest_seq - 32768 > seq ? roc + 1 : roc;
}

/* srtp-replay.ts SrtpReplayWindow.check: 0, or the reason. */
static int replay_check(const stream_t *s, int64_t index) {
  if (index > s->replay_highest) return 0;
  if (s->replay_highest - index >= REPLAY_WINDOW) return REASON_TOO_OLD;
  return s->slots[index % REPLAY_WINDOW] == index ? REASON_REPLAYED : 0;
}

static void replay_record(stream_t *s, int64_t index) {
  s->slots[index % REPLAY_WINDOW] = index;
  if (index > s->replay_highest) s->replay_highest = index;
}

static void stream_init(stream_t *s, uint32_t ssrc, uint32_t seq) {
  s->ssrc = ssrc;
  s->roc = 0;
  s->highest_seq = seq;
  s->replay_highest = -1;
  for (size_t i = 0; i < REPLAY_WINDOW; i++) s->slots[i] = -1;
}

static stream_t *find_stream(context_t *c, uint32_t ssrc) {
  if (c->last < c->stream_count && c->streams[c->last].ssrc == ssrc) return &c->streams[c->last];
  for (size_t i = 0; i < c->stream_count; i++) {
    if (c->streams[i].ssrc == ssrc) {
      c->last = i;
      return &c->streams[i];
    }
  }
  return NULL;
}

static stream_t *add_stream(context_t *c, const stream_t *fresh) {
  if (c->stream_count == c->stream_cap) {
    size_t cap = c->stream_cap ? c->stream_cap * 2 : 2;
    stream_t *grown = realloc(c->streams, cap * sizeof *grown);
    if (grown == NULL) return NULL;
    c->streams = grown;
    c->stream_cap = cap;
  }
  c->last = c->stream_count;
  c->streams[c->stream_count] = *fresh;
  return &c->streams[c->stream_count++];
}

/* RFC 3711 §4.2: HMAC-SHA1 over the authenticated portion then the ROC, truncated. */
static int cm_authentic(context_t *c, const uint8_t *packet, size_t authenticated, uint32_t roc,
                        const uint8_t *tag) {
  uint8_t roc_bytes[4] = {(uint8_t)(roc >> 24), (uint8_t)(roc >> 16), (uint8_t)(roc >> 8),
                          (uint8_t)roc};
  uint8_t digest[SHA_DIGEST_LENGTH];
  SHA_CTX h = c->inner;
  SHA1_Update(&h, packet, authenticated);
  SHA1_Update(&h, roc_bytes, sizeof roc_bytes);
  SHA1_Final(digest, &h);
  h = c->outer;
  SHA1_Update(&h, digest, sizeof digest);
  SHA1_Final(digest, &h);
  return CRYPTO_memcmp(digest, tag, c->tag_length) == 0;
}

/* RFC 3711 §4.1.1: data ^= AES(IV), AES(IV + 1), ...; IV = salt ^ SSRC << 64 ^ index << 16. */
static int cm_transform(context_t *c, uint8_t *data, size_t length, uint32_t ssrc,
                        uint64_t index) {
  uint8_t iv[16] = {0};
  memcpy(iv, c->salt, 14);
  iv[4] ^= (uint8_t)(ssrc >> 24);
  iv[5] ^= (uint8_t)(ssrc >> 16);
  iv[6] ^= (uint8_t)(ssrc >> 8);
  iv[7] ^= (uint8_t)ssrc;
  for (int i = 0; i < 6; i++) iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
  uint8_t blocks[CM_CHUNK_BLOCKS * 16], keystream[CM_CHUNK_BLOCKS * 16];
  size_t block = 0;
  for (size_t done = 0; done < length;) {
    size_t chunk = length - done < sizeof blocks ? length - done : sizeof blocks;
    size_t count = (chunk + 15) / 16;
    for (size_t b = 0; b < count; b++, block++) {
      memcpy(blocks + 16 * b, iv, 16);
      blocks[16 * b + 14] ^= (uint8_t)(block >> 8);
      blocks[16 * b + 15] ^= (uint8_t)block;
    }
    int out = 0;
    if (EVP_EncryptUpdate(c->cipher, keystream, &out, blocks, (int)(count * 16)) != 1) return 0;
    for (size_t i = 0; i < chunk; i++) data[done + i] ^= keystream[i];
    done += chunk;
  }
  return 1;
}

/* RFC 7714 §8: decrypt and verify; the plaintext replaces the ciphertext only when the tag holds. */
static int gcm_open(context_t *c, uint8_t *packet, size_t header, size_t payload_end,
                    uint32_t ssrc, uint32_t roc, uint32_t seq) {
  /* RFC 7714 §8.1: IV = (0x0000 || SSRC || ROC || SEQ) ^ salt. */
  uint8_t iv[12] = {0,
                    0,
                    (uint8_t)(ssrc >> 24),
                    (uint8_t)(ssrc >> 16),
                    (uint8_t)(ssrc >> 8),
                    (uint8_t)ssrc,
                    (uint8_t)(roc >> 24),
                    (uint8_t)(roc >> 16),
                    (uint8_t)(roc >> 8),
                    (uint8_t)roc,
                    (uint8_t)(seq >> 8),
                    (uint8_t)seq};
  for (int i = 0; i < 12; i++) iv[i] ^= c->salt[i];
  size_t length = payload_end - header;
  if (c->scratch_cap < length) {
    uint8_t *grown = realloc(c->scratch, length);
    if (grown == NULL) return 0;
    c->scratch = grown;
    c->scratch_cap = length;
  }
  int out = 0;
  if (EVP_DecryptInit_ex(c->cipher, NULL, NULL, NULL, iv) != 1 ||
      EVP_DecryptUpdate(c->cipher, NULL, &out, packet, (int)header) != 1 ||
      EVP_DecryptUpdate(c->cipher, c->scratch, &out, packet + header, (int)length) != 1 ||
      EVP_CIPHER_CTX_ctrl(c->cipher, EVP_CTRL_GCM_SET_TAG, GCM_TAG, packet + payload_end) != 1 ||
      EVP_DecryptFinal_ex(c->cipher, c->scratch + out, &out) != 1) {
    return 0;
  }
  memcpy(packet + header, c->scratch, length);
  return 1;
}

/* srtp.ts SrtpContext.unprotectRtp, step for step. */
static int32_t unprotect_rtp(context_t *c, uint8_t *packet, size_t length, double *index_out) {
  long measured = measure_rtp_header(packet, length);
  if (measured < 0) return -REASON_BAD_HEADER;
  size_t header = (size_t)measured;
  size_t tag_length = c->tag_length;
  size_t trailer = tag_length + c->mki_length;
  if (length < header + trailer) return -REASON_TOO_SHORT;
  size_t mki_offset = c->gcm ? length - c->mki_length : length - trailer;
  if (c->has_mki && memcmp(packet + mki_offset, c->mki, c->mki_length) != 0) {
    return -REASON_UNKNOWN_MKI;
  }
  uint32_t seq = ((uint32_t)packet[2] << 8) | packet[3];
  uint32_t ssrc = read32(packet + 8);
  stream_t *known = find_stream(c, ssrc);
  /* An unknown SSRC is tried on a fresh state, kept only if the packet authenticates: a forged
   * packet must not create a stream (srtp.ts deletes the state it made). */
  stream_t fresh;
  stream_t *state = known;
  if (state == NULL) {
    stream_init(&fresh, ssrc, seq);
    state = &fresh;
  }
  uint32_t roc = known ? estimate_roc(seq, state->highest_seq, state->roc) : state->roc;
  int64_t index = (int64_t)roc * 65536 + seq;
  int replay = replay_check(state, index);
  if (replay != 0) return -replay;

  size_t payload_end = length - trailer;
  int authentic;
  if (c->gcm) {
    authentic = gcm_open(c, packet, header, payload_end, ssrc, roc, seq);
  } else {
    authentic = cm_authentic(c, packet, payload_end, roc, packet + length - tag_length) &&
                cm_transform(c, packet + header, payload_end - header, ssrc, (uint64_t)index);
  }
  if (!authentic) return -REASON_AUTH_FAILED;

  if (known == NULL) {
    state = add_stream(c, &fresh);
    if (state == NULL) return -REASON_AUTH_FAILED; /* out of memory: the packet is not taken */
  }
  replay_record(state, index);
  int64_t highest_index = (int64_t)state->roc * 65536 + state->highest_seq;
  if (known == NULL || index > highest_index) {
    state->roc = roc;
    state->highest_seq = seq;
  }
  *index_out = (double)index;
  return (int32_t)payload_end;
}

static napi_value js_unprotect_rtp(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  module_t *m;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_get_instance_data(env, (void **)&m);
  void *raw = NULL;
  uint8_t *packet;
  size_t length;
  if (argc < 2 || napi_get_value_external(env, argv[0], &raw) != napi_ok || raw == NULL ||
      !bytes_arg(env, argv[1], &packet, &length)) {
    napi_throw_type_error(env, "EINVAL", "unprotectRtp(context, Uint8Array)");
    return NULL;
  }
  napi_value result;
  napi_create_int32(env, unprotect_rtp(raw, packet, length, m->index), &result);
  return result;
}

static void module_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

NAPI_MODULE_INIT() {
  module_t *m = calloc(1, sizeof *m);
  if (m == NULL) return NULL;
  napi_value index_buffer, index;
  void *index_data;
  napi_create_arraybuffer(env, sizeof(double), &index_data, &index_buffer);
  napi_create_typedarray(env, napi_float64_array, 1, index_buffer, 0, &index);
  m->index = index_data;
  napi_create_reference(env, index_buffer, 1, &m->index_ref);
  napi_set_instance_data(env, m, module_free, NULL);
  napi_property_descriptor props[] = {
      {"create", NULL, js_create, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unprotectRtp", NULL, js_unprotect_rtp, NULL, NULL, NULL, napi_enumerable, NULL},
      {"index", NULL, NULL, NULL, NULL, index, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
