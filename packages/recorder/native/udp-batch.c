// Batched UDP receive for the media capture path (less capture CPU per packet).
//
// Node's dgram calls into JavaScript once per datagram (an object for the sender, an event
// emit), which is most of what receiving RTP costs. This addon receives on non-blocking sockets
// watched by the process's own libuv loop (uv_poll_t), drains each readable socket with
// recvmmsg(2), packs the datagrams into one shared ArrayBuffer and calls JavaScript once per
// loop iteration (uv_check_t, after the poll phase) with the whole batch. No threads: the
// sockets are served on the loop that runs the JavaScript, like dgram's.
//
// JavaScript API (packages/recorder/src/media/capture/udp-receiver.ts wraps it):
//   setup(onBatch)            -> { data: ArrayBuffer, meta: ArrayBuffer, metaStride, maxDatagram }
//   bind(host, port, rcvbuf)  -> socket id (throws an Error with .code, e.g. EADDRINUSE)
//   localPort(id)             -> the bound port
//   drain(id)                 -> hands what the socket has queued to onBatch now (unless onBatch
//                                is running)
//   close(id)                 -> drain(id), then stops watching and closes the socket at once
// onBatch(count) reads `count` datagrams: meta (Int32, METASTRIDE per datagram) holds
// [socket id, offset in data, length, flags, source port, family (4|6), address bytes (16)],
// flags bit 0 = truncated (longer than MAX_DATAGRAM). The bytes are valid during the call only.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define BATCH 32             /* datagrams per recvmmsg call */
#define MAX_DATAGRAM 8192    /* larger datagrams are truncated and flagged */
#define DATA_BYTES (1 << 20) /* bytes of datagrams per JavaScript call */
#define MAX_PACKETS 4096     /* datagrams per JavaScript call */
#define META_STRIDE 10       /* int32 per datagram */
#define FLAG_TRUNCATED 1

typedef struct state state_t;

typedef struct {
  uv_poll_t poll;
  int fd;
  int32_t id;
  state_t *state;
} sock_t;

struct state {
  napi_env env;
  uv_loop_t *loop;
  uv_check_t check;
  int check_started;
  napi_ref on_batch;
  napi_ref data_ref;
  napi_ref meta_ref;
  napi_async_context async;
  uint8_t *data;
  int32_t *meta;
  size_t used;
  uint32_t count;
  int32_t next_id;
  /* The environment is being torn down (a worker thread ending): no more calls into JS. */
  int tearing_down;
  int pending_closes;
  /* onBatch is running: the batch it reads must not be refilled or flushed under it. */
  int flushing;
  napi_async_cleanup_hook_handle cleanup_hook;
  sock_t **sockets; /* by id; NULL once closed */
  size_t sockets_cap;
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_storage from[BATCH];
  uint8_t scratch[BATCH][MAX_DATAGRAM];
};

static void throw_errno(napi_env env, int err, const char *syscall) {
  char message[160];
  const char *code = NULL;
  switch (err) {
  case EADDRINUSE: code = "EADDRINUSE"; break;
  case EADDRNOTAVAIL: code = "EADDRNOTAVAIL"; break;
  case EACCES: code = "EACCES"; break;
  case EINVAL: code = "EINVAL"; break;
  case EMFILE: code = "EMFILE"; break;
  case ENFILE: code = "ENFILE"; break;
  default: code = "EIO"; break;
  }
  snprintf(message, sizeof message, "%s %s (%s)", syscall, code, strerror(err));
  napi_throw_error(env, code, message);
}

/* Calls onBatch(count) with the datagrams gathered so far. */
static void flush(state_t *s) {
  if (s->count == 0 || s->tearing_down) return;
  uint32_t count = s->count;
  s->count = 0;
  s->used = 0;
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, argv[1], result;
  napi_get_reference_value(env, s->on_batch, &fn);
  napi_get_global(env, &recv); /* napi_make_callback needs an object as `this` */
  napi_create_uint32(env, count, &argv[0]);
  s->flushing = 1;
  napi_status status = napi_make_callback(env, s->async, recv, fn, 1, argv, &result);
  s->flushing = 0;
  if (status != napi_ok) {
    /* What the callback threw is the process's uncaught exception, as for a throwing dgram
     * 'message' listener. */
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void on_check(uv_check_t *handle) { flush((state_t *)handle->data); }

/* Reads the socket's queued datagrams into the batch until it is drained. With `may_flush`, a
 * full batch is handed to JavaScript and reading goes on; without, reading stops at a full batch
 * (the rest stays queued). */
static void read_socket(sock_t *sock, bool may_flush) {
  state_t *s = sock->state;
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      s->iov[i].iov_base = s->scratch[i];
      s->iov[i].iov_len = MAX_DATAGRAM;
      memset(&s->msgs[i].msg_hdr, 0, sizeof s->msgs[i].msg_hdr);
      s->msgs[i].msg_hdr.msg_iov = &s->iov[i];
      s->msgs[i].msg_hdr.msg_iovlen = 1;
      s->msgs[i].msg_hdr.msg_name = &s->from[i];
      s->msgs[i].msg_hdr.msg_namelen = sizeof s->from[i];
    }
    int n = recvmmsg(sock->fd, s->msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
      /* EAGAIN: drained. Others (an ICMP error queued on the socket) are not fatal: the next
       * read returns the next datagram, as with dgram, which ignores them too. */
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      return;
    }
    for (int i = 0; i < n; i++) {
      uint32_t len = s->msgs[i].msg_len;
      if (len > MAX_DATAGRAM) len = MAX_DATAGRAM;
      if (s->count == MAX_PACKETS || s->used + len > DATA_BYTES) {
        if (!may_flush) return;
        flush(s);
      }
      /* A socket closed by the callback just made: the rest of its datagrams are dropped. */
      if (s->sockets[sock->id] != sock) return;
      int32_t *m = s->meta + (size_t)s->count * META_STRIDE;
      memcpy(s->data + s->used, s->scratch[i], len);
      m[0] = sock->id;
      m[1] = (int32_t)s->used;
      m[2] = (int32_t)len;
      m[3] = (s->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? FLAG_TRUNCATED : 0;
      uint8_t *addr = (uint8_t *)&m[6];
      if (s->from[i].ss_family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&s->from[i];
        m[4] = ntohs(a->sin6_port);
        m[5] = 6;
        memcpy(addr, &a->sin6_addr, 16);
      } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&s->from[i];
        m[4] = ntohs(a->sin_port);
        m[5] = 4;
        memset(addr, 0, 16);
        memcpy(addr, &a->sin_addr, 4);
      }
      s->used += len;
      s->count++;
    }
    if (n < BATCH) return;
  }
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  sock_t *sock = (sock_t *)handle->data;
  if (status < 0 || sock->state->tearing_down) return;
  read_socket(sock, true);
}

static state_t *state_of(napi_env env) {
  state_t *s = NULL;
  napi_get_instance_data(env, (void **)&s);
  return s;
}

static napi_value js_setup(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  state_t *s = state_of(env);
  if (s->on_batch != NULL) {
    napi_throw_error(env, "EALREADY", "the UDP batch receiver is set up already");
    return NULL;
  }
  napi_valuetype type;
  if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, "EINVAL", "setup(onBatch) needs a function");
    return NULL;
  }
  napi_value data, meta, resource, name, result, stride, max;
  void *data_ptr, *meta_ptr;
  napi_create_arraybuffer(env, DATA_BYTES, &data_ptr, &data);
  napi_create_arraybuffer(env, (size_t)MAX_PACKETS * META_STRIDE * 4, &meta_ptr, &meta);
  s->data = data_ptr;
  s->meta = meta_ptr;
  napi_create_reference(env, argv[0], 1, &s->on_batch);
  napi_create_reference(env, data, 1, &s->data_ref);
  napi_create_reference(env, meta, 1, &s->meta_ref);
  napi_create_object(env, &resource);
  napi_create_string_utf8(env, "callvault:udp-batch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, resource, name, &s->async);
  uv_check_init(s->loop, &s->check);
  s->check.data = s;
  uv_check_start(&s->check, on_check);
  uv_unref((uv_handle_t *)&s->check);
  s->check_started = 1;
  napi_create_object(env, &result);
  napi_create_int32(env, META_STRIDE, &stride);
  napi_create_int32(env, MAX_DATAGRAM, &max);
  napi_set_named_property(env, result, "data", data);
  napi_set_named_property(env, result, "meta", meta);
  napi_set_named_property(env, result, "metaStride", stride);
  napi_set_named_property(env, result, "maxDatagram", max);
  return result;
}

static napi_value js_bind(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  state_t *s = state_of(env);
  if (s->on_batch == NULL) {
    napi_throw_error(env, "EINVAL", "setup(onBatch) first");
    return NULL;
  }
  char host[64];
  size_t host_len = 0;
  int32_t port = 0, rcvbuf = 0;
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], host, sizeof host, &host_len) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok ||
      napi_get_value_int32(env, argv[2], &rcvbuf) != napi_ok || port < 0 || port > 65535) {
    napi_throw_type_error(env, "EINVAL", "bind(host, port, receiveBufferSize)");
    return NULL;
  }
  struct sockaddr_storage addr;
  socklen_t addr_len;
  memset(&addr, 0, sizeof addr);
  int family;
  if (strchr(host, ':') != NULL) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&addr;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) {
      napi_throw_error(env, "EINVAL", "not an IPv6 address");
      return NULL;
    }
    family = AF_INET6;
    addr_len = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&addr;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
      napi_throw_error(env, "EINVAL", "not an IPv4 address");
      return NULL;
    }
    family = AF_INET;
    addr_len = sizeof *a;
  }
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw_errno(env, errno, "socket");
    return NULL;
  }
  if (family == AF_INET6) {
    int off = 0; /* dual stack, as dgram's udp6 */
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  }
  if (bind(fd, (struct sockaddr *)&addr, addr_len) != 0) {
    int err = errno;
    close(fd);
    throw_errno(env, err, "bind");
    return NULL;
  }
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sock_t *sock = calloc(1, sizeof *sock);
  if (sock == NULL || uv_poll_init(s->loop, &sock->poll, fd) != 0) {
    free(sock);
    close(fd);
    throw_errno(env, ENOMEM, "uv_poll_init");
    return NULL;
  }
  if ((size_t)s->next_id >= s->sockets_cap) {
    size_t cap = s->sockets_cap ? s->sockets_cap * 2 : 1024;
    sock_t **grown = realloc(s->sockets, cap * sizeof *grown);
    if (grown == NULL) {
      uv_close((uv_handle_t *)&sock->poll, (uv_close_cb)free);
      close(fd);
      throw_errno(env, ENOMEM, "realloc");
      return NULL;
    }
    memset(grown + s->sockets_cap, 0, (cap - s->sockets_cap) * sizeof *grown);
    s->sockets = grown;
    s->sockets_cap = cap;
  }
  sock->fd = fd;
  sock->id = s->next_id++;
  sock->state = s;
  sock->poll.data = sock;
  s->sockets[sock->id] = sock;
  uv_poll_start(&sock->poll, UV_READABLE, on_readable);
  napi_value id;
  napi_create_int32(env, sock->id, &id);
  return id;
}

static sock_t *sock_arg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t id = -1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  state_t *s = state_of(env);
  if (argc < 1 || napi_get_value_int32(env, argv[0], &id) != napi_ok || id < 0 ||
      (size_t)id >= s->sockets_cap) {
    return NULL;
  }
  return s->sockets[id];
}

static napi_value js_local_port(napi_env env, napi_callback_info info) {
  sock_t *sock = sock_arg(env, info);
  napi_value port;
  struct sockaddr_storage addr;
  socklen_t len = sizeof addr;
  if (sock == NULL || getsockname(sock->fd, (struct sockaddr *)&addr, &len) != 0) {
    napi_throw_error(env, "EBADF", "no such socket");
    return NULL;
  }
  int p = addr.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&addr)->sin6_port)
                                     : ntohs(((struct sockaddr_in *)&addr)->sin_port);
  napi_create_int32(env, p, &port);
  return port;
}

static void free_handle(uv_handle_t *handle) { free(handle->data); }

/* Reads what the socket has queued and hands it to JavaScript now, with the rest of the batch:
 * a call's last packets, still unread when its BYE was handled, are not lost with the socket.
 * Not while onBatch runs (a handler draining or closing a socket): its batch must not change
 * under it. */
static void drain(sock_t *sock) {
  state_t *s = sock->state;
  if (s->flushing || s->tearing_down) return;
  read_socket(sock, false);
  flush(s);
}

static napi_value js_drain(napi_env env, napi_callback_info info) {
  sock_t *sock = sock_arg(env, info);
  if (sock != NULL) drain(sock);
  return NULL;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  sock_t *sock = sock_arg(env, info);
  if (sock != NULL) {
    state_t *s = sock->state;
    drain(sock);
    /* uv_close stops the watcher and forgets the fd at once, so the fd may be closed now and
     * the port is free when close() returns; the handle's memory goes in its close callback. */
    s->sockets[sock->id] = NULL;
    uv_close((uv_handle_t *)&sock->poll, free_handle);
    close(sock->fd);
  }
  return NULL;
}

static void teardown_release(state_t *s) {
  if (--s->pending_closes > 0) return;
  napi_remove_async_cleanup_hook(s->cleanup_hook);
  free(s->sockets);
  free(s);
}

static void teardown_sock_closed(uv_handle_t *handle) {
  sock_t *sock = handle->data;
  state_t *s = sock->state;
  free(sock);
  teardown_release(s);
}

static void teardown_check_closed(uv_handle_t *handle) { teardown_release(handle->data); }

/* The environment is going away (a worker thread ending, or the process): every handle of ours
 * is closed on the loop before Node closes it, as napi_add_async_cleanup_hook asks. */
static void async_cleanup(napi_async_cleanup_hook_handle hook, void *arg) {
  state_t *s = arg;
  s->tearing_down = 1;
  s->cleanup_hook = hook;
  s->pending_closes = 1; /* held until every close is started */
  for (size_t i = 0; i < s->sockets_cap; i++) {
    sock_t *sock = s->sockets[i];
    if (sock == NULL) continue;
    s->sockets[i] = NULL;
    s->pending_closes++;
    uv_close((uv_handle_t *)&sock->poll, teardown_sock_closed);
    close(sock->fd);
  }
  if (s->check_started) {
    s->pending_closes++;
    uv_close((uv_handle_t *)&s->check, teardown_check_closed);
  }
  teardown_release(s);
}

NAPI_MODULE_INIT() {
  state_t *s = calloc(1, sizeof *s);
  if (s == NULL) return NULL;
  s->env = env;
  napi_get_uv_event_loop(env, &s->loop);
  napi_set_instance_data(env, s, NULL, NULL);
  napi_add_async_cleanup_hook(env, async_cleanup, s, NULL);
  napi_property_descriptor props[] = {
      {"setup", NULL, js_setup, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bind", NULL, js_bind, NULL, NULL, NULL, napi_enumerable, NULL},
      {"localPort", NULL, js_local_port, NULL, NULL, NULL, napi_enumerable, NULL},
      {"drain", NULL, js_drain, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
