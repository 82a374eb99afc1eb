#!/usr/bin/env bash
# Fills in the placeholders (names between at signs) of kamailio.cfg and dispatcher.list from the environment and
# writes the results to OUTDIR (e.g. /etc/kamailio). Every placeholder must be set: a missing one
# is an error, never an empty value in the configuration.
#
#   KAMAILIO_SIP_ADDR=10.0.0.1:5060 KAMAILIO_PROBE_INTERVAL=5 \
#   KAMAILIO_DISPATCHER_LIST=/etc/kamailio/dispatcher.list \
#   RECORDER_1_SIP_ADDR=10.0.0.2:5060 RECORDER_2_SIP_ADDR=10.0.0.3:5060 \
#     deploy/kamailio/render.sh /etc/kamailio
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out=$1
mkdir -p "$out"
for name in kamailio.cfg dispatcher.list; do
  text=$(cat "$here/$name")
  for placeholder in $(grep -o '@[A-Z0-9_]*@' "$here/$name" | sort -u); do
    variable=${placeholder//@/}
    value=${!variable:-}
    [ -n "$value" ] || { echo "$name: $variable is not set" >&2; exit 1; }
    text=${text//"$placeholder"/"$value"}
  done
  printf '%s\n' "$text" >"$out/$name"
done
