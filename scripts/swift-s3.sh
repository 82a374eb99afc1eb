#!/usr/bin/env bash
# A throw-away S3 server for the integration tests: OpenStack Swift from Debian (swift-proxy,
# swift-account, swift-container, swift-object) with the s3api middleware and tempauth, all on
# 127.0.0.1, on free ports, with its configuration, rings, storage and logs inside DIR.
#
#   scripts/swift-s3.sh start DIR   prints the S3 endpoint (http://127.0.0.1:PORT) when it answers
#   scripts/swift-s3.sh stop DIR    stops the servers started in DIR (DIR itself is left in place)
#   scripts/swift-s3.sh stop-proxy DIR   stops only the S3 front (an outage: connections refused)
#   scripts/swift-s3.sh start-proxy DIR  starts it again on the same port; returns when it answers
#
# S3 credentials: access key "test:tester", secret "testing", region us-east-1, path-style URLs.
# start exits non-zero (with the servers' logs on stderr) when Swift is missing or does not come up
# within SWIFT_S3_START_TIMEOUT seconds (default 45).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
templates="$here/swift"
# Debian's Swift runs on the system interpreter; a python3 earlier in PATH (pyenv, venv) lacks it.
python=/usr/bin/python3
services=(account container object proxy)

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

[ $# -eq 2 ] || usage
command=$1
dir=$2

stop_servers() {
  local pidfile pid
  for pidfile in "$dir"/run/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    # Only signal the process if it is still the Swift server this script started.
    if [ -n "$pid" ] && grep -qs "swift" "/proc/$pid/cmdline"; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

dump_logs() {
  local log
  for log in "$dir"/log/*.log; do
    [ -s "$log" ] || continue
    echo "---- $(basename "$log") (last 40 lines) ----" >&2
    tail -n 40 "$log" >&2
  done
}

free_ports() {
  # Binds all the sockets at once so the ports are distinct, then releases them for Swift.
  "$python" - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    socks.append(s)
print(' '.join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
}

render() {
  # render TEMPLATE OUTPUT: fills the @NAME@ placeholders of a template in scripts/swift/.
  sed -e "s|@DIR@|$dir|g" \
    -e "s|@USER@|$(id -un)|g" \
    -e "s|@HASH_SUFFIX@|$hash_suffix|g" \
    -e "s|@PROXY_PORT@|$proxy_port|g" \
    -e "s|@ACCOUNT_PORT@|$account_port|g" \
    -e "s|@CONTAINER_PORT@|$container_port|g" \
    -e "s|@OBJECT_PORT@|$object_port|g" \
    -e "s|@NO_MEMCACHE_PORT@|$no_memcache_port|g" \
    "$templates/$1" >"$2"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_servers() {
  local missing=()
  for bin in swift-proxy-server swift-account-server swift-container-server \
    swift-object-server; do
    command -v "$bin" >/dev/null || missing+=("$bin")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Swift is not installed (missing ${missing[*]}):" \
      "apt-get install swift-proxy swift-account swift-container swift-object" >&2
    exit 1
  fi
  if [ -e "$dir/run" ] && ls "$dir"/run/*.pid >/dev/null 2>&1; then
    echo "$dir already has running servers: stop them first" >&2
    exit 1
  fi

  mkdir -p "$dir/etc" "$dir/srv/d1" "$dir/run" "$dir/log"
  dir=$(cd "$dir" && pwd)
  # Swift keeps object metadata in extended attributes: fail early and clearly without them.
  if ! "$python" -c "import os,sys; p=sys.argv[1]; os.setxattr(p,'user.callvault',b'1'); os.removexattr(p,'user.callvault')" "$dir/srv/d1" 2>/dev/null; then
    echo "$dir does not support user extended attributes, which Swift needs" >&2
    exit 1
  fi

  read -r proxy_port account_port container_port object_port no_memcache_port <<<"$(free_ports 5)"
  hash_suffix=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  render swift.conf.in "$dir/etc/swift.conf"
  for svc in "${services[@]}"; do
    render "$svc-server.conf.in" "$dir/etc/$svc-server.conf"
  done

  # One replica, one device, one zone; 2^6 partitions is plenty. The rings are built in one Python
  # process because each swift-ring-builder call pays seconds of imports.
  "$python" - "$dir/etc" "$account_port" "$container_port" "$object_port" <<'PY' || {
import os, sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for name, port in zip(('account', 'container', 'object'), sys.argv[2:5]):
    builder = RingBuilder(6, 1, 1)
    builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port),
                     'device': 'd1', 'weight': 100, 'meta': ''})
    builder.rebalance()
    builder.save(os.path.join(etc, name + '.builder'))
    builder.get_ring().save(os.path.join(etc, name + '.ring.gz'))
PY
    echo "could not build the Swift rings" >&2
    exit 1
  }

  for svc in "${services[@]}"; do
    # -v also sends the server's log to its stdout, which lands in DIR/log for diagnosis.
    setsid "swift-$svc-server" "$dir/etc/$svc-server.conf" -v >"$dir/log/$svc.log" 2>&1 </dev/null &
    echo $! >"$dir/run/$svc.pid"
  done

  local timeout=${SWIFT_S3_START_TIMEOUT:-45}
  local deadline=$((SECONDS + timeout))
  local ready=0
  while [ $SECONDS -lt $deadline ]; do
    for svc in "${services[@]}"; do
      if ! kill -0 "$(cat "$dir/run/$svc.pid")" 2>/dev/null; then
        echo "swift-$svc-server exited during start" >&2
        dump_logs
        stop_servers
        exit 1
      fi
    done
    if port_open "$account_port" && port_open "$container_port" && port_open "$object_port" &&
      [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$proxy_port/healthcheck")" = 200 ]; then
      ready=1
      break
    fi
    sleep 0.2
  done
  if [ $ready -ne 1 ]; then
    echo "Swift did not answer within ${timeout}s" >&2
    dump_logs
    stop_servers
    exit 1
  fi
  echo "http://127.0.0.1:$proxy_port" >"$dir/endpoint"
  echo "http://127.0.0.1:$proxy_port"
}

stop_proxy() {
  local pidfile="$dir/run/proxy.pid" pid
  [ -e "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && grep -qs "swift" "/proc/$pid/cmdline"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

start_proxy() {
  local endpoint
  endpoint=$(cat "$dir/endpoint")
  if [ -e "$dir/run/proxy.pid" ] && kill -0 "$(cat "$dir/run/proxy.pid")" 2>/dev/null; then
    echo "$endpoint"
    return 0
  fi
  setsid swift-proxy-server "$dir/etc/proxy-server.conf" -v >>"$dir/log/proxy.log" 2>&1 </dev/null &
  echo $! >"$dir/run/proxy.pid"
  local deadline=$((SECONDS + ${SWIFT_S3_START_TIMEOUT:-45}))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$(cat "$dir/run/proxy.pid")" 2>/dev/null; then
      echo "swift-proxy-server exited during start" >&2
      dump_logs
      exit 1
    fi
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$endpoint/healthcheck")" = 200 ]; then
      echo "$endpoint"
      return 0
    fi
    sleep 0.2
  done
  echo "swift-proxy-server did not answer again" >&2
  dump_logs
  exit 1
}

case $command in
  start) start_servers ;;
  stop-proxy) stop_proxy ;;
  start-proxy) start_proxy ;;
  stop)
    [ -d "$dir" ] || exit 0
    stop_servers
    ;;
  *) usage ;;
esac
