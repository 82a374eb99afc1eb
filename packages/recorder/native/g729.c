// ITU-T G.729 Annex A with Annex B (VAD/DTX/CNG) through Debian's libbcg729, for rendering
// captured G.729 RTP (RFC 3551 §4.5.6) in process.
//
// JavaScript API (packages/recorder/src/media/codecs/g729-decoder.ts wraps it):
//   createDecoder() -> decoder (an object; bcg729's state is freed when it is collected)
//   decode(decoder, payload) -> Int16Array
//       payload: a Uint8Array holding an RTP payload: any number of 10-byte speech frames,
//       optionally followed by one 2-byte Annex B SID frame (RFC 3551 §4.5.6). Each speech frame
//       decodes to 80 samples at 8 kHz; the SID frame updates the comfort-noise parameters and
//       decodes to 80 samples of comfort noise (G.729 Annex B §4). Bytes after the last whole
//       frame that are not a SID frame are ignored.
//   createEncoder(vad) -> encoder (an object; freed when collected). vad true enables Annex B
//       VAD/DTX. Used by the tests to produce reference G.729 streams.
//   encode(encoder, pcm) -> Array of Uint8Array, one per 80-sample frame of `pcm` (an Int16Array
//       whose length is a multiple of 80): 10 bytes for speech, 2 for a SID frame, 0 for a frame
//       DTX leaves untransmitted.
// Errors are JS Errors with a stable `code`: ERR_INVALID_ARG, ERR_G729_NO_MEMORY.
//
// No global mutable state (NAPI_MODULE_INIT is context-aware): worker threads may load it.
#define NAPI_VERSION 8
#include <bcg729/decoder.h>
#include <bcg729/encoder.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define FRAME_SAMPLES 80
#define SPEECH_FRAME_BYTES 10
#define SID_FRAME_BYTES 2

static napi_value throw_error(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}

static void finalize_decoder(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  closeBcg729DecoderChannel((bcg729DecoderChannelContextStruct *)data);
}

static void finalize_encoder(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  closeBcg729EncoderChannel((bcg729EncoderChannelContextStruct *)data);
}

static napi_value create_decoder(napi_env env, napi_callback_info info) {
  (void)info;
  bcg729DecoderChannelContextStruct *ctx = initBcg729DecoderChannel();
  if (ctx == NULL) return throw_error(env, "ERR_G729_NO_MEMORY", "bcg729 decoder allocation failed");
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok ||
      napi_wrap(env, obj, ctx, finalize_decoder, NULL, NULL) != napi_ok) {
    closeBcg729DecoderChannel(ctx);
    return throw_error(env, "ERR_G729_NO_MEMORY", "cannot wrap the decoder");
  }
  return obj;
}

static napi_value create_encoder(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool vad = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_bool(env, argv[0], &vad) != napi_ok) {
    return throw_error(env, "ERR_INVALID_ARG", "createEncoder(vad: boolean)");
  }
  bcg729EncoderChannelContextStruct *ctx = initBcg729EncoderChannel(vad ? 1 : 0);
  if (ctx == NULL) return throw_error(env, "ERR_G729_NO_MEMORY", "bcg729 encoder allocation failed");
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok ||
      napi_wrap(env, obj, ctx, finalize_encoder, NULL, NULL) != napi_ok) {
    closeBcg729EncoderChannel(ctx);
    return throw_error(env, "ERR_G729_NO_MEMORY", "cannot wrap the encoder");
  }
  return obj;
}

/* Reads argv[0] (a wrapped object) and argv[1] (a typed array of `want` type). */
static bool read_args(napi_env env, napi_callback_info info, void **ctx, napi_typedarray_type want,
                      size_t *length, void **data) {
  size_t argc = 2;
  napi_value argv[2];
  napi_typedarray_type type;
  bool is_typedarray = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) return false;
  if (napi_unwrap(env, argv[0], ctx) != napi_ok || *ctx == NULL) return false;
  if (napi_is_typedarray(env, argv[1], &is_typedarray) != napi_ok || !is_typedarray) return false;
  if (napi_get_typedarray_info(env, argv[1], &type, length, data, NULL, NULL) != napi_ok) {
    return false;
  }
  return type == want;
}

static napi_value decode(napi_env env, napi_callback_info info) {
  void *ctx;
  size_t length;
  void *data;
  if (!read_args(env, info, &ctx, napi_uint8_array, &length, &data)) {
    return throw_error(env, "ERR_INVALID_ARG", "decode(decoder, payload: Uint8Array)");
  }
  const uint8_t *payload = data;
  size_t speech = length / SPEECH_FRAME_BYTES;
  bool sid = length % SPEECH_FRAME_BYTES == SID_FRAME_BYTES;
  size_t frames = speech + (sid ? 1 : 0);
  napi_value buffer, out;
  void *samples;
  if (napi_create_arraybuffer(env, frames * FRAME_SAMPLES * sizeof(int16_t), &samples, &buffer) !=
          napi_ok ||
      napi_create_typedarray(env, napi_int16_array, frames * FRAME_SAMPLES, buffer, 0, &out) !=
          napi_ok) {
    return throw_error(env, "ERR_G729_NO_MEMORY", "cannot allocate the decoded samples");
  }
  int16_t *pcm = samples;
  for (size_t i = 0; i < speech; i++) {
    bcg729Decoder(ctx, payload + i * SPEECH_FRAME_BYTES, SPEECH_FRAME_BYTES, 0, 0, 0,
                  pcm + i * FRAME_SAMPLES);
  }
  if (sid) {
    bcg729Decoder(ctx, payload + speech * SPEECH_FRAME_BYTES, SID_FRAME_BYTES, 0, 1, 0,
                  pcm + speech * FRAME_SAMPLES);
  }
  return out;
}

static napi_value encode(napi_env env, napi_callback_info info) {
  void *ctx;
  size_t length;
  void *data;
  if (!read_args(env, info, &ctx, napi_int16_array, &length, &data) || length % FRAME_SAMPLES) {
    return throw_error(env, "ERR_INVALID_ARG",
                       "encode(encoder, pcm: Int16Array of a multiple of 80 samples)");
  }
  const int16_t *pcm = data;
  size_t frames = length / FRAME_SAMPLES;
  napi_value list;
  if (napi_create_array_with_length(env, frames, &list) != napi_ok) {
    return throw_error(env, "ERR_G729_NO_MEMORY", "cannot allocate the frame list");
  }
  for (size_t i = 0; i < frames; i++) {
    uint8_t bits[SPEECH_FRAME_BYTES];
    uint8_t bits_length = 0;
    bcg729Encoder(ctx, pcm + i * FRAME_SAMPLES, bits, &bits_length);
    napi_value buffer, frame;
    void *bytes;
    if (napi_create_arraybuffer(env, bits_length, &bytes, &buffer) != napi_ok ||
        napi_create_typedarray(env, napi_uint8_array, bits_length, buffer, 0, &frame) != napi_ok ||
        napi_set_element(env, list, (uint32_t)i, frame) != napi_ok) {
      return throw_error(env, "ERR_G729_NO_MEMORY", "cannot allocate a frame");
    }
    if (bits_length > 0) memcpy(bytes, bits, bits_length);
  }
  return list;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
      {"createDecoder", NULL, create_decoder, NULL, NULL, NULL, napi_default, NULL},
      {"decode", NULL, decode, NULL, NULL, NULL, napi_default, NULL},
      {"createEncoder", NULL, create_encoder, NULL, NULL, NULL, napi_default, NULL},
      {"encode", NULL, encode, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]),
                             properties) != napi_ok) {
    return NULL;
  }
  return exports;
}
