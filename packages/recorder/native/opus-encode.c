// In-process Opus encoding for finalize (finalize's target: ≥ 400× real time per core).
//
// Finalize used to pipe each recording's PCM through an ffmpeg child with libopus; the child's
// start-up and its pipeline were a fifth of finalize's CPU. This addon calls libopus (RFC 6716)
// directly; the Ogg encapsulation (RFC 7845) is TypeScript
// (packages/recorder/src/media/ogg-opus-writer.ts).
//
// JavaScript API (packages/recorder/src/media/codecs/opus-encoder.ts wraps it):
//   create(sampleRate, channels, bitrate, frameSize) -> encoder (an object; libopus's state is
//       freed by close() or, failing that, when the object is collected)
//       sampleRate 8000|12000|16000|24000|48000, channels 1|2, bitrate in bit/s, frameSize in
//       samples per channel (2.5 to 120 ms). The settings are those finalize used with ffmpeg:
//       OPUS_APPLICATION_RESTRICTED_LOWDELAY (CELT only), complexity 0, VBR, phase inversion off
//       (the channels are two parties, not a stereo image).
//   lookahead(encoder) -> OPUS_GET_LOOKAHEAD, samples at sampleRate (the Ogg pre-skip)
//   encode(encoder, planes, start, frames, out, lengths) -> packets written
//       planes: an array of one Int16Array per channel (the parties, not interleaved; samples
//       past a plane's end are silence). Encodes up to `frames` frames from sample `start`, each
//       packet written to `out` (a Uint8Array) one after the other and its byte length to
//       `lengths` (an Int32Array); stops early when `lengths` is full or `out` has less than
//       MAX_PACKET bytes left, so the caller loops.
//   encodeAsync(encoder, planes, start, frames, out, lengths) -> Promise of packets written
//       the same on the libuv thread pool, so a long recording does not hold up the event loop
//       (the capture receives RTP on it). One at a time per encoder (else ERR_ENCODER_BUSY); the
//       arrays must stay untouched until the promise settles.
//   close(encoder) -> frees libopus's state (after a running encodeAsync); later calls throw
//       ERR_ENCODER_CLOSED.
// Errors are JS Errors with a stable `code`: ERR_INVALID_ARG, ERR_ENCODER_CLOSED,
// ERR_ENCODER_BUSY, or ERR_OPUS_<libopus error> (ERR_OPUS_BAD_ARG, ERR_OPUS_INTERNAL_ERROR, ...).
//
// No global mutable state: every value lives in the encoder object or on the stack, so the
// addon may be loaded by several worker threads at once (NAPI_MODULE_INIT is context-aware).
#define NAPI_VERSION 8
#include <node_api.h>
#include <opus/opus.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 6716 §3.2.5: at most 48 frames in a packet, 1275 bytes each, plus a few bytes of TOC and
 * frame lengths; a 120 ms CELT packet is six 20 ms frames. libopus's own advice is 4000 bytes. */
#define MAX_PACKET 8000
#define MAX_FRAME_SAMPLES 5760 /* 120 ms at 48 kHz */
#define MAX_CHANNELS 2

typedef struct {
  OpusEncoder *enc;
  int32_t sample_rate;
  int32_t channels;
  int32_t frame_size;
  /* An encodeAsync is running on the thread pool: close() waits for it to complete. */
  bool busy;
  bool close_pending;
  /* The object was finalized (an environment torn down) while busy: the completion frees it. */
  bool orphaned;
  opus_int16 pcm[MAX_FRAME_SAMPLES * MAX_CHANNELS]; /* one interleaved frame */
} encoder_t;

/* One encode call's arguments, read on the JavaScript thread, used on either. */
typedef struct {
  const int16_t *planes[MAX_CHANNELS];
  size_t plane_lengths[MAX_CHANNELS];
  int64_t start;
  int64_t frames;
  uint8_t *out;
  size_t out_length;
  int32_t *lengths;
  size_t lengths_length;
  /* Results. */
  uint32_t packets;
  int error; /* OPUS_OK or the libopus error */
} job_t;

/* encodeAsync's state: the job plus references that keep the encoder and the arrays alive. */
typedef struct {
  job_t job;
  encoder_t *e;
  napi_ref refs[3 + MAX_CHANNELS]; /* encoder, out, lengths, planes */
  size_t ref_count;
  napi_deferred deferred;
  napi_async_work work;
} async_job_t;

static void throw_code(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
}

static void throw_opus(napi_env env, int err, const char *what) {
  const char *name;
  switch (err) {
  case OPUS_BAD_ARG: name = "ERR_OPUS_BAD_ARG"; break;
  case OPUS_BUFFER_TOO_SMALL: name = "ERR_OPUS_BUFFER_TOO_SMALL"; break;
  case OPUS_INTERNAL_ERROR: name = "ERR_OPUS_INTERNAL_ERROR"; break;
  case OPUS_INVALID_PACKET: name = "ERR_OPUS_INVALID_PACKET"; break;
  case OPUS_UNIMPLEMENTED: name = "ERR_OPUS_UNIMPLEMENTED"; break;
  case OPUS_INVALID_STATE: name = "ERR_OPUS_INVALID_STATE"; break;
  case OPUS_ALLOC_FAIL: name = "ERR_OPUS_ALLOC_FAIL"; break;
  default: name = "ERR_OPUS_UNKNOWN"; break;
  }
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, opus_strerror(err));
  throw_code(env, name, message);
}

/* A failed napi call leaves an exception pending or not; make sure JavaScript sees one. */
#define NAPI_CALL(env, call)                                                                      \
  do {                                                                                            \
    if ((call) != napi_ok) {                                                                      \
      bool pending_ = false;                                                                      \
      napi_is_exception_pending((env), &pending_);                                                \
      if (!pending_) throw_code((env), "ERR_INVALID_ARG", "invalid argument: " #call);            \
      return NULL;                                                                                \
    }                                                                                             \
  } while (0)

static void finalize_encoder(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  encoder_t *e = data;
  if (e->busy) {
    e->orphaned = true;
    return;
  }
  if (e->enc) opus_encoder_destroy(e->enc);
  free(e);
}

static bool get_int32(napi_env env, napi_value v, int32_t *out, const char *name) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number ||
      napi_get_value_int32(env, v, out) != napi_ok) {
    char message[96];
    snprintf(message, sizeof message, "%s must be a number", name);
    throw_code(env, "ERR_INVALID_ARG", message);
    return false;
  }
  return true;
}

/* The encoder behind argument 0, or NULL with an exception thrown. */
static encoder_t *get_encoder(napi_env env, napi_value v) {
  void *data = NULL;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_object ||
      napi_unwrap(env, v, &data) != napi_ok || data == NULL) {
    throw_code(env, "ERR_INVALID_ARG", "not an Opus encoder");
    return NULL;
  }
  encoder_t *e = data;
  if (!e->enc) {
    throw_code(env, "ERR_ENCODER_CLOSED", "the Opus encoder is closed");
    return NULL;
  }
  return e;
}

static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) {
    throw_code(env, "ERR_INVALID_ARG", "create(sampleRate, channels, bitrate, frameSize)");
    return NULL;
  }
  int32_t rate, channels, bitrate, frame_size;
  if (!get_int32(env, argv[0], &rate, "sampleRate") ||
      !get_int32(env, argv[1], &channels, "channels") ||
      !get_int32(env, argv[2], &bitrate, "bitrate") ||
      !get_int32(env, argv[3], &frame_size, "frameSize"))
    return NULL;
  if (rate != 8000 && rate != 12000 && rate != 16000 && rate != 24000 && rate != 48000) {
    throw_code(env, "ERR_INVALID_ARG", "sampleRate must be 8000, 12000, 16000, 24000 or 48000");
    return NULL;
  }
  if (channels < 1 || channels > MAX_CHANNELS) {
    throw_code(env, "ERR_INVALID_ARG", "channels must be 1 or 2");
    return NULL;
  }
  if (bitrate < 500 || bitrate > 512000) {
    throw_code(env, "ERR_INVALID_ARG", "bitrate must be 500 to 512000 bit/s");
    return NULL;
  }
  /* Opus frame durations: 2.5, 5, 10, 20, 40, 60, 80, 100, 120 ms. */
  int32_t per_400 = rate / 400;
  if (frame_size <= 0 || frame_size % per_400 != 0) {
    throw_code(env, "ERR_INVALID_ARG", "frameSize is not an Opus frame duration");
    return NULL;
  }
  int32_t units = frame_size / per_400; /* in 2.5 ms */
  if (!(units == 1 || units == 2 || units == 4 || (units % 8 == 0 && units <= 48))) {
    throw_code(env, "ERR_INVALID_ARG", "frameSize is not an Opus frame duration");
    return NULL;
  }

  encoder_t *e = calloc(1, sizeof *e);
  if (!e) {
    throw_code(env, "ERR_OPUS_ALLOC_FAIL", "out of memory");
    return NULL;
  }
  e->sample_rate = rate;
  e->channels = channels;
  e->frame_size = frame_size;
  int err = OPUS_OK;
  e->enc = opus_encoder_create(rate, channels, OPUS_APPLICATION_RESTRICTED_LOWDELAY, &err);
  if (err != OPUS_OK || !e->enc) {
    free(e);
    throw_opus(env, err, "opus_encoder_create");
    return NULL;
  }
  if ((err = opus_encoder_ctl(e->enc, OPUS_SET_BITRATE(bitrate))) != OPUS_OK ||
      (err = opus_encoder_ctl(e->enc, OPUS_SET_COMPLEXITY(0))) != OPUS_OK ||
      (err = opus_encoder_ctl(e->enc, OPUS_SET_VBR(1))) != OPUS_OK ||
      (err = opus_encoder_ctl(e->enc, OPUS_SET_PHASE_INVERSION_DISABLED(1))) != OPUS_OK) {
    opus_encoder_destroy(e->enc);
    free(e);
    throw_opus(env, err, "opus_encoder_ctl");
    return NULL;
  }

  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok ||
      napi_wrap(env, obj, e, finalize_encoder, NULL, NULL) != napi_ok) {
    opus_encoder_destroy(e->enc);
    free(e);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) throw_code(env, "ERR_OPUS_ALLOC_FAIL", "cannot create the encoder object");
    return NULL;
  }
  return obj;
}

static napi_value lookahead(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) {
    throw_code(env, "ERR_INVALID_ARG", "lookahead(encoder)");
    return NULL;
  }
  encoder_t *e = get_encoder(env, argv[0]);
  if (!e) return NULL;
  opus_int32 samples = 0;
  int err = opus_encoder_ctl(e->enc, OPUS_GET_LOOKAHEAD(&samples));
  if (err != OPUS_OK) {
    throw_opus(env, err, "OPUS_GET_LOOKAHEAD");
    return NULL;
  }
  napi_value result;
  NAPI_CALL(env, napi_create_int32(env, samples, &result));
  return result;
}

/* The Int16Array data of a plane, or false with an exception thrown. */
static bool get_plane(napi_env env, napi_value v, const int16_t **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *ptr = NULL;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, v, &type, length, &ptr, NULL, NULL) != napi_ok ||
      type != napi_int16_array) {
    throw_code(env, "ERR_INVALID_ARG", "each plane must be an Int16Array");
    return false;
  }
  *data = ptr;
  return true;
}

/* Reads encode's arguments (argv[1..5]) into `job`, or throws and returns false. */
static bool read_job(napi_env env, encoder_t *e, napi_value *argv, job_t *job) {
  bool is_array = false;
  uint32_t plane_count = 0;
  if (napi_is_array(env, argv[1], &is_array) != napi_ok) return false;
  if (is_array && napi_get_array_length(env, argv[1], &plane_count) != napi_ok) return false;
  if (!is_array || plane_count != (uint32_t)e->channels) {
    throw_code(env, "ERR_INVALID_ARG", "planes must be an array of one Int16Array per channel");
    return false;
  }
  for (uint32_t c = 0; c < plane_count; c++) {
    napi_value plane;
    if (napi_get_element(env, argv[1], c, &plane) != napi_ok) return false;
    if (!get_plane(env, plane, &job->planes[c], &job->plane_lengths[c])) return false;
  }
  if (napi_get_value_int64(env, argv[2], &job->start) != napi_ok ||
      napi_get_value_int64(env, argv[3], &job->frames) != napi_ok || job->start < 0 ||
      job->frames < 0) {
    throw_code(env, "ERR_INVALID_ARG", "start and frames must be numbers >= 0");
    return false;
  }
  bool is_typed = false;
  napi_typedarray_type type;
  void *out_ptr = NULL, *lengths_ptr = NULL;
  if (napi_is_typedarray(env, argv[4], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[4], &type, &job->out_length, &out_ptr, NULL, NULL) !=
          napi_ok ||
      type != napi_uint8_array) {
    throw_code(env, "ERR_INVALID_ARG", "out must be a Uint8Array");
    return false;
  }
  if (job->out_length < MAX_PACKET) {
    throw_code(env, "ERR_INVALID_ARG", "out must hold at least 8000 bytes (one packet)");
    return false;
  }
  if (napi_is_typedarray(env, argv[5], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[5], &type, &job->lengths_length, &lengths_ptr, NULL,
                               NULL) != napi_ok ||
      type != napi_int32_array) {
    throw_code(env, "ERR_INVALID_ARG", "lengths must be an Int32Array");
    return false;
  }
  job->out = out_ptr;
  job->lengths = lengths_ptr;
  return true;
}

/* Encodes the job's frames; no Node-API calls, so it runs on any thread. */
static void run_job(encoder_t *e, job_t *job) {
  const int32_t n = e->channels;
  const int32_t fs = e->frame_size;
  size_t used = 0;
  uint32_t packets = 0;
  job->error = OPUS_OK;
  while ((int64_t)packets < job->frames && packets < job->lengths_length &&
         job->out_length - used >= MAX_PACKET) {
    /* Interleave one frame; samples past a plane's end are silence. */
    int64_t first = job->start + (int64_t)packets * fs;
    for (int32_t c = 0; c < n; c++) {
      const int16_t *src = job->planes[c];
      int64_t len = (int64_t)job->plane_lengths[c];
      opus_int16 *dst = e->pcm + c;
      int64_t i = first, stop = first + fs;
      int64_t have = len < stop ? len : stop;
      for (; i < have; i++, dst += n) *dst = src[i];
      for (; i < stop; i++, dst += n) *dst = 0;
    }
    opus_int32 bytes = opus_encode(e->enc, e->pcm, fs, job->out + used, MAX_PACKET);
    if (bytes < 0) {
      job->error = bytes;
      break;
    }
    job->lengths[packets] = bytes;
    used += (size_t)bytes;
    packets++;
  }
  job->packets = packets;
}

static encoder_t *get_idle_encoder(napi_env env, napi_value v) {
  encoder_t *e = get_encoder(env, v);
  if (e && e->busy) {
    throw_code(env, "ERR_ENCODER_BUSY", "the Opus encoder is running an encodeAsync");
    return NULL;
  }
  return e;
}

static napi_value encode(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) {
    throw_code(env, "ERR_INVALID_ARG", "encode(encoder, planes, start, frames, out, lengths)");
    return NULL;
  }
  encoder_t *e = get_idle_encoder(env, argv[0]);
  if (!e) return NULL;
  job_t job = {0};
  if (!read_job(env, e, argv, &job)) return NULL;
  run_job(e, &job);
  if (job.error != OPUS_OK) {
    throw_opus(env, job.error, "opus_encode");
    return NULL;
  }
  napi_value result;
  NAPI_CALL(env, napi_create_uint32(env, job.packets, &result));
  return result;
}

static void async_execute(napi_env env, void *data) {
  (void)env;
  async_job_t *a = data;
  run_job(a->e, &a->job);
}

static void async_complete(napi_env env, napi_status status, void *data) {
  async_job_t *a = data;
  encoder_t *e = a->e;
  e->busy = false;
  if (e->close_pending && e->enc) {
    opus_encoder_destroy(e->enc);
    e->enc = NULL;
  }
  napi_value value;
  if (status != napi_ok) {
    napi_value message, code;
    napi_create_string_utf8(env, "encodeAsync was cancelled", NAPI_AUTO_LENGTH, &message);
    napi_create_string_utf8(env, "ERR_ENCODER_CLOSED", NAPI_AUTO_LENGTH, &code);
    napi_create_error(env, code, message, &value);
    napi_reject_deferred(env, a->deferred, value);
  } else if (a->job.error != OPUS_OK) {
    char text[160];
    snprintf(text, sizeof text, "opus_encode: %s", opus_strerror(a->job.error));
    napi_value message, code;
    const char *name = a->job.error == OPUS_BAD_ARG ? "ERR_OPUS_BAD_ARG"
                       : a->job.error == OPUS_BUFFER_TOO_SMALL ? "ERR_OPUS_BUFFER_TOO_SMALL"
                       : a->job.error == OPUS_INTERNAL_ERROR ? "ERR_OPUS_INTERNAL_ERROR"
                       : a->job.error == OPUS_ALLOC_FAIL ? "ERR_OPUS_ALLOC_FAIL"
                                                         : "ERR_OPUS_UNKNOWN";
    napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
    napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
    napi_create_error(env, code, message, &value);
    napi_reject_deferred(env, a->deferred, value);
  } else {
    napi_create_uint32(env, a->job.packets, &value);
    napi_resolve_deferred(env, a->deferred, value);
  }
  for (size_t i = 0; i < a->ref_count; i++) napi_delete_reference(env, a->refs[i]);
  napi_delete_async_work(env, a->work);
  free(a);
  if (e->orphaned) {
    if (e->enc) opus_encoder_destroy(e->enc);
    free(e);
  }
}

/* Like encode, on the libuv thread pool: returns a Promise of the packet count. The arrays must
 * not be written, transferred or detached until it settles. */
static napi_value encode_async(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) {
    throw_code(env, "ERR_INVALID_ARG",
               "encodeAsync(encoder, planes, start, frames, out, lengths)");
    return NULL;
  }
  encoder_t *e = get_idle_encoder(env, argv[0]);
  if (!e) return NULL;
  async_job_t *a = calloc(1, sizeof *a);
  if (!a) {
    throw_code(env, "ERR_OPUS_ALLOC_FAIL", "out of memory");
    return NULL;
  }
  a->e = e;
  if (!read_job(env, e, argv, &a->job)) {
    free(a);
    return NULL;
  }
  /* Keep the encoder object and every array alive until the work completes. */
  napi_value keep[3 + MAX_CHANNELS];
  size_t keep_count = 0;
  keep[keep_count++] = argv[0];
  keep[keep_count++] = argv[4];
  keep[keep_count++] = argv[5];
  for (int32_t c = 0; c < e->channels; c++) {
    if (napi_get_element(env, argv[1], (uint32_t)c, &keep[keep_count]) != napi_ok) break;
    keep_count++;
  }
  napi_value promise, name;
  bool ok = true;
  for (size_t i = 0; ok && i < keep_count; i++) {
    ok = napi_create_reference(env, keep[i], 1, &a->refs[i]) == napi_ok;
    if (ok) a->ref_count++;
  }
  ok = ok && napi_create_promise(env, &a->deferred, &promise) == napi_ok &&
       napi_create_string_utf8(env, "opus-encode", NAPI_AUTO_LENGTH, &name) == napi_ok &&
       napi_create_async_work(env, NULL, name, async_execute, async_complete, a, &a->work) ==
           napi_ok &&
       napi_queue_async_work(env, a->work) == napi_ok;
  if (!ok) {
    /* A promise already created is left pending; the caller gets the exception instead. */
    for (size_t i = 0; i < a->ref_count; i++) napi_delete_reference(env, a->refs[i]);
    free(a);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) throw_code(env, "ERR_OPUS_ALLOC_FAIL", "cannot queue the encode");
    return NULL;
  }
  e->busy = true;
  return promise;
}

static napi_value close_encoder(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) {
    throw_code(env, "ERR_INVALID_ARG", "close(encoder)");
    return NULL;
  }
  void *data = NULL;
  if (napi_unwrap(env, argv[0], &data) != napi_ok || data == NULL) {
    throw_code(env, "ERR_INVALID_ARG", "not an Opus encoder");
    return NULL;
  }
  encoder_t *e = data;
  /* While an encodeAsync runs, the state is freed when it completes. */
  if (e->busy) {
    e->close_pending = true;
    return NULL;
  }
  /* Closing twice is harmless; the wrapper itself is freed by the finalizer. */
  if (e->enc) {
    opus_encoder_destroy(e->enc);
    e->enc = NULL;
  }
  return NULL;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor props[] = {
      {"create", NULL, create, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lookahead", NULL, lookahead, NULL, NULL, NULL, napi_enumerable, NULL},
      {"encode", NULL, encode, NULL, NULL, NULL, napi_enumerable, NULL},
      {"encodeAsync", NULL, encode_async, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, close_encoder, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok)
    return NULL;
  return exports;
}
