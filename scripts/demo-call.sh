#!/usr/bin/env bash
# `make demo-call`: places one SIPREC call from SIPp (Debian sip-tester) against a running
# `make run` and prints where to see the recording. The call is the e2e suite's: a 28 s
# conversation between Alice (sip:alice@example.com, recorded "Always" in the demo organisation)
# and Bob, two labelled RTP streams with RFC 7865 metadata (e2e/sip/fixtures).
#
# It first runs `callvault demo-seed` (idempotent) on the same data as the server, so the demo
# organisation, its recording trunk "local test trunk" (127.0.0.1/32) and Alice exist.
#
# Environment (defaults are `make run`'s): CALLVAULT_SIP_ADDR (127.0.0.1:5060), CALLVAULT_HTTP_ADDR
# (127.0.0.1:8080), CALLVAULT_DATA_DIR / CALLVAULT_DATABASE_URL as for `serve`; DEMO_CODEC
# (PCMU | G722 | opus, default PCMU), DEMO_TRANSPORT (udp | tcp, default udp), DEMO_MEDIA_PORT
# (SIPp's RTP port, default 16000), DEMO_SIP_PORT (SIPp's SIP port, default 5070).
# SIPp replays the pcap through a raw socket: it runs as root (with sudo when you are not root).
set -euo pipefail
cd "$(dirname "$0")/.."

sip_addr="${CALLVAULT_SIP_ADDR:-127.0.0.1:5060}"
http_addr="${CALLVAULT_HTTP_ADDR:-127.0.0.1:8080}"
codec="${DEMO_CODEC:-PCMU}"
transport="${DEMO_TRANSPORT:-udp}"
media_port="${DEMO_MEDIA_PORT:-16000}"
local_port="${DEMO_SIP_PORT:-5070}"
sip_port="${sip_addr##*:}"
# The demo trunk admits 127.0.0.1 only: SIPp sends from and to loopback.
target="127.0.0.1:${sip_port}"
base_url="http://${http_addr/0.0.0.0/127.0.0.1}"

case "$codec" in
  PCMU) scenario=siprec_uac.xml ;;
  G722) scenario=siprec_uac_g722.xml ;;
  opus) scenario=siprec_uac_opus.xml ;;
  *) echo "DEMO_CODEC must be PCMU, G722 or opus" >&2; exit 2 ;;
esac
case "$transport" in
  udp) transport_args=() ;;
  tcp) transport_args=(-t t1) ;;
  *) echo "DEMO_TRANSPORT must be udp or tcp" >&2; exit 2 ;;
esac

command -v sipp >/dev/null || {
  echo "sipp is not installed: scripts/ensure-debian-packages.sh sip-tester (or make deps-test)" >&2
  exit 1
}
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "SIPp must run as root (raw socket for RTP)" >&2; exit 1; }
  sudo=(sudo)
fi
curl -fsS "${base_url}/api/health" >/dev/null 2>&1 || {
  echo "Callvault is not answering at ${base_url}: start it with 'make run' in another terminal" >&2
  exit 1
}

seed_file="$(mktemp)"
sipp_log="$(mktemp)"
trap 'rm -f "$seed_file" "$sipp_log"' EXIT
node bin/callvault demo-seed --json >"$seed_file"
token="$(node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(s.admin.token)' "$seed_file")"

call_id="demo-call-$(date +%s)-$$@127.0.0.1"
echo "Placing a SIPREC call ($codec over $transport, 28 s) from SIPp to sip:srs@${target} ..."
(
  cd e2e/sip/fixtures
  "${sudo[@]}" sipp "$target" -sf "$scenario" -inf siprec_ids.csv -s srs \
    -i 127.0.0.1 -p "$local_port" -mi 127.0.0.1 -mp "$media_port" "${transport_args[@]}" \
    -cid_str "$call_id" -m 1 -d 29000 -timeout 60s -timeout_error -nostdin >"$sipp_log" 2>&1
) || {
  tail -n 40 "$sipp_log" >&2
  echo "the SIPp call failed; see above and the server's log" >&2
  exit 1
}
echo "Call ended (Call-ID $call_id); waiting for the recording ..."

node - "$base_url" "$token" "$call_id" <<'EOF'
const [base, token, callId] = process.argv.slice(2);
const get = async (p) => {
  const res = await fetch(base + p, { headers: { authorization: `Bearer ${token}` } });
  return res.ok ? res.json() : null;
};
const seen = new Map();
const until = Date.now() + 30_000;
(async () => {
  while (Date.now() < until) {
    const list = await get('/api/recordings?max=50');
    for (const item of list?.items ?? []) {
      if (!seen.has(item.id)) {
        const meta = await get(`/v1/convergedRecordings/${item.id}/metadata`);
        seen.set(item.id, meta?.serviceData?.callId ?? null);
      }
      if (seen.get(item.id) === callId) {
        console.log(`Recorded: ${item.id} (${item.durationSeconds} s, ${item.channels} channels, owner ${item.ownerEmail})`);
        console.log(`See it in the console: ${base}/recordings`);
        console.log('  sign in as admin@example.com / callvault-demo-admin (or co@example.com / callvault-demo-co);');
        console.log('  Alice sees it in her User Hub: alice@example.com / callvault-demo-user');
        console.log(`API: curl -H "Authorization: Bearer <token>" ${base}/v1/convergedRecordings/${item.id}`);
        console.log('  (tokens: bin/callvault demo-seed --json)');
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error('No recording for the call after 30 s: see the server log (is Alice still recorded?)');
  process.exit(1);
})();
EOF
