#!/usr/bin/env bash
# Regenerates the default announcement prompts (8 kHz mono 16-bit PCM WAV) with Debian's espeak-ng
# and sox. Deterministic: sox -D (no dither) and fixed voices/speeds. Run from this folder.
set -euo pipefail
say() { # lang voice file text
  mkdir -p "$1"
  espeak-ng -v "$2" -s 150 -w "/tmp/prompt-$$.wav" "$4"
  sox -D "/tmp/prompt-$$.wav" -r 8000 -c 1 -b 16 "$1/$3.wav" norm -3
  rm -f "/tmp/prompt-$$.wav"
}
say en_us en-us compliance "This call may be recorded for quality and compliance purposes."
say en_us en-us recording-started "Recording started."
say en_us en-us recording-stopped "Recording stopped."
say en_us en-us recording-paused "Recording paused."
say en_us en-us recording-resumed "Recording resumed."
say sv_se sv compliance "Det här samtalet kan komma att spelas in."
say sv_se sv recording-started "Inspelningen har startat."
say sv_se sv recording-stopped "Inspelningen har stoppats."
say sv_se sv recording-paused "Inspelningen är pausad."
say sv_se sv recording-resumed "Inspelningen fortsätter."
# The repeating recording tone: 200 ms of 1400 Hz, the same for every language.
for lang in en_us sv_se; do
  sox -D -n -r 8000 -c 1 -b 16 "$lang/tone.wav" synth 0.2 sine 1400 vol 0.5
done
