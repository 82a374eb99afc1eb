# Callvault: `make run` and `make test` do all set-up on a fresh Debian 12 machine with Node 20.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

# Debian packages the test suites use: Chromium for the browser suite, PostgreSQL's client tools
# to check the server, and the audio tools that generate and check test audio.
DEBIAN_TEST_PACKAGES := chromium postgresql postgresql-client ffmpeg sox swift-proxy swift-account swift-container swift-object pocketsphinx pocketsphinx-en-us pocketsphinx-testdata sctk sip-tester libsrtp2-dev libbcg729-dev \
                        kamailio systemd
# libsrtp2-dev: the independent SRTP implementation the recorder's SRTP is checked against (a small
# C tool built by the tests protects packets with it).
# libbcg729-dev: the G.729 addon's library (make deps installs it when it builds the addon); the
# tests also use its encoder to produce reference G.729 streams.
# kamailio: the SIPREC entry point of the cluster suite (its dispatcher in front of two recorders);
# systemd: systemd-analyze, which checks the units of deploy/systemd.
# postgresql: initdb and pg_ctl for e2e/faults' private cluster, which the scenario stops and restarts.
# ffmpeg at run time: WAV downloads of recordings and `callvault import` (ffprobe); pocketsphinx
# with its en-us model: the default transcription engine.
DEBIAN_RUN_PACKAGES := ffmpeg pocketsphinx pocketsphinx-en-us
VITEST := npx vitest run

.PHONY: help deps deps-test run build check test format lint typecheck unit integration integration-sqlite screenshots \
        integration-postgres e2e e2e-api e2e-sip e2e-browser e2e-faults e2e-cluster openapi openapi-check fuzz bench demo-call clean

help:
	@echo "make run     install what is missing, build, start Callvault on embedded defaults"
	@echo "make test    install what is missing, run every suite (lint, types, unit, integration, e2e, browser)"
	@echo "make check   format, lint, type-check and unit tests"
	@echo "make fuzz    long property-based fuzzing of the protocol parsers"
	@echo "make demo-call  place a SIPREC call from SIPp against a running make run (see README)"
	@echo "make screenshots  the README's console screenshots in English and Swedish (docs/screenshots/)"

# `npm install` (not `npm ci`): npm 11's ci refuses lockfiles without the other platforms' optional
# packages, which this registry's lockfiles lack; install honours the lockfile just the same.
node_modules/.package-lock.json: package.json package-lock.json packages/*/package.json e2e/package.json bench/package.json
	npm install --no-audit --no-fund
	@touch $@

# The recorder's Node-API addons (packages/recorder/native/), compiled against the running Node's
# headers; each is optional at run time (see packages/recorder/src/native-addon.ts):
#   udp-batch    the capture path's batched UDP receiver (without it: Node's dgram)
#   opus-encode  finalize's in-process Opus encoder, linked with Debian's libopus-dev (without it:
#                an ffmpeg child)
#   g729         G.729 Annex A/B decoding for rendering, linked with Debian's libbcg729-dev
#                (without it: G.729 is not answered in SDP)
#   srtp-unprotect  the capture path's SRTP decryption with OpenSSL's libcrypto (Debian's
#                libssl-dev for the headers; without it: the TypeScript SRTP transform)
UDP_ADDON := packages/recorder/native/build/udp-batch.node
OPUS_ADDON := packages/recorder/native/build/opus-encode.node
G729_ADDON := packages/recorder/native/build/g729.node
SRTP_ADDON := packages/recorder/native/build/srtp-unprotect.node
NODE_INCLUDE = $(shell node -p "require('path').join(require('path').dirname(process.execPath), '..', 'include', 'node')")

# $(call compile-addon,LIBS)
define compile-addon
	@command -v cc >/dev/null || scripts/ensure-debian-packages.sh gcc libc6-dev
	@test -f $(NODE_INCLUDE)/node_api.h || { echo "Node's headers ($(NODE_INCLUDE)/node_api.h) are missing" >&2; exit 1; }
	mkdir -p $(@D)
	cc -O2 -Wall -Wextra -Werror -shared -fPIC -I$(NODE_INCLUDE) -o $@ $< $(1)
endef

$(UDP_ADDON): packages/recorder/native/udp-batch.c
	$(call compile-addon,)

$(OPUS_ADDON): packages/recorder/native/opus-encode.c
	@test -f /usr/include/opus/opus.h || scripts/ensure-debian-packages.sh libopus-dev
	$(call compile-addon,-lopus)

$(G729_ADDON): packages/recorder/native/g729.c
	@test -f /usr/include/bcg729/decoder.h || scripts/ensure-debian-packages.sh libbcg729-dev
	$(call compile-addon,-lbcg729)

$(SRTP_ADDON): packages/recorder/native/srtp-unprotect.c
	@test -f /usr/include/openssl/evp.h || scripts/ensure-debian-packages.sh libssl-dev
	$(call compile-addon,-lcrypto)

deps: node_modules/.package-lock.json $(UDP_ADDON) $(OPUS_ADDON) $(G729_ADDON) $(SRTP_ADDON)
	@[ -z "$(DEBIAN_RUN_PACKAGES)" ] || scripts/ensure-debian-packages.sh $(DEBIAN_RUN_PACKAGES)

deps-test: deps
	scripts/ensure-debian-packages.sh $(DEBIAN_TEST_PACKAGES)

build: deps
	tsc -b
	npm run build -w @callvault/web

run: build
	node bin/callvault serve

# One SIPREC call from SIPp (the e2e conversation, Alice and Bob) against a running `make run`:
# seeds the demo organisation (idempotent), places the call, prints where the recording is.
demo-call:
	@command -v sipp >/dev/null || scripts/ensure-debian-packages.sh sip-tester
	scripts/demo-call.sh

format:
	prettier --write .

lint: deps
	eslint --max-warnings 0 .

typecheck: deps
	tsc -b
	tsc -p packages/web --noEmit
	tsc -p e2e --noEmit
	tsc -p bench --noEmit

unit: deps
	$(VITEST) --config vitest.unit.config.ts

check: deps
	prettier --check .
	$(MAKE) lint typecheck unit

integration: integration-sqlite integration-postgres

integration-sqlite: deps
	CALLVAULT_TEST_DB=sqlite $(VITEST) --config vitest.int.config.ts

integration-postgres: deps
	@if scripts/ensure-postgres.sh; then \
	  CALLVAULT_TEST_DB=postgres $(VITEST) --config vitest.int.config.ts; \
	elif [ "$$CI" = "true" ]; then echo "CI: PostgreSQL is required" >&2; exit 1; \
	else echo "PostgreSQL not available: PostgreSQL suites NOT run (they are required in CI)"; fi

e2e: e2e-api e2e-sip e2e-browser e2e-faults e2e-cluster

e2e-api: build
	CALLVAULT_TEST_DB=sqlite $(VITEST) --config e2e/vitest.config.ts api
	@if scripts/ensure-postgres.sh; then \
	  CALLVAULT_TEST_DB=postgres $(VITEST) --config e2e/vitest.config.ts api; \
	elif [ "$$CI" = "true" ]; then echo "CI: PostgreSQL is required" >&2; exit 1; \
	else echo "PostgreSQL not available: PostgreSQL e2e NOT run (required in CI)"; fi

# SIPREC with SIPp (Debian sip-tester) against the built server, UDP and TCP. SIPp runs as root
# (pcap playback uses a raw socket); in CI a missing sipp fails the suite.
e2e-sip: build
	@command -v sipp >/dev/null || [ "$$CI" != "true" ] || { echo "CI: sipp (Debian sip-tester) is required" >&2; exit 1; }
	CALLVAULT_TEST_DB=sqlite $(VITEST) --config e2e/vitest.config.ts sip

# Fault scenarios (e2e/faults/): full disks (small tmpfs mounts: root), kill -9, SIGTERM and the
# other helpers' database/storage outages, each with a live SIPp SIPREC call. On SQLite without
# the PostgreSQL-only scenarios (*.postgres.test.ts), then on PostgreSQL with all of them. In CI a
# missing sipp, root or PostgreSQL fails the suite.
e2e-faults: build
	@command -v sipp >/dev/null || [ "$$CI" != "true" ] || { echo "CI: sipp (Debian sip-tester) is required" >&2; exit 1; }
	CALLVAULT_TEST_DB=sqlite $(VITEST) --config e2e/vitest.config.ts faults --exclude '**/*.postgres.test.ts'
	@if scripts/ensure-postgres.sh; then \
	  CALLVAULT_TEST_DB=postgres $(VITEST) --config e2e/vitest.config.ts faults; \
	elif [ "$$CI" = "true" ]; then echo "CI: PostgreSQL is required" >&2; exit 1; \
	else echo "PostgreSQL not available: PostgreSQL fault scenarios NOT run (required in CI)"; fi

# Callvault as a cluster (e2e/cluster/, docs/cluster.md): Kamailio's dispatcher (deploy/kamailio/)
# in front of two recorder processes on 127.0.0.2 and 127.0.0.3, one API and one worker process on
# one PostgreSQL database with pg-boss and a Swift S3 bucket, started from deploy/'s environment
# files and units; plus deploy/'s files checked (systemd-analyze verify, kamailio -c). In CI a
# missing sipp, Kamailio, Swift or PostgreSQL fails the suite.
e2e-cluster: build
	@command -v sipp >/dev/null || [ "$$CI" != "true" ] || { echo "CI: sipp (Debian sip-tester) is required" >&2; exit 1; }
	@if scripts/ensure-postgres.sh; then \
	  $(VITEST) --config e2e/vitest.config.ts cluster; \
	elif [ "$$CI" = "true" ]; then echo "CI: PostgreSQL is required" >&2; exit 1; \
	else echo "PostgreSQL not available: the cluster suite NOT run (required in CI)"; fi

e2e-browser: build
	@test -x /usr/bin/chromium || { echo "Chromium (/usr/bin/chromium) is required for the browser suite" >&2; exit 1; }
	$(VITEST) --config e2e/vitest.config.ts browser

openapi: build
	node bin/callvault openapi --out docs/openapi.json

# The README's screenshots of the main console pages, in English and Swedish (docs/screenshots/).
screenshots: deps-test build
	tsx e2e/browser/screenshots.ts

# The committed OpenAPI file must match what the code produces.
openapi-check: build
	node bin/callvault openapi --out .tmp-openapi.json
	@diff -q docs/openapi.json .tmp-openapi.json >/dev/null || { rm -f .tmp-openapi.json; echo "docs/openapi.json is stale: run make openapi and commit it" >&2; exit 1; }
	@rm -f .tmp-openapi.json

test: deps-test
	prettier --check .
	$(MAKE) lint typecheck build openapi-check unit integration e2e

fuzz: deps
	FUZZ_RUNS=200000 $(VITEST) --config vitest.unit.config.ts fuzz

# The benchmarks' SIPp load, the soak's and the cluster benchmark's PostgreSQL and Swift, the
# cluster benchmark's Kamailio (bench/cluster.bench.ts: the dispatcher against one recorder), and
# rtpengine, the peer of the end-to-end capacity benchmark (bench/e2e-capacity.bench.ts: the same
# calls relayed and recorded to pcap by rtpengine in userspace, over its ng control protocol).
DEBIAN_BENCH_PACKAGES := sip-tester kamailio postgresql swift-proxy swift-account swift-container swift-object rtpengine-daemon

bench: build
	@ls bench/*.bench.ts >/dev/null 2>&1 || { echo "no benchmarks yet"; exit 0; }
	scripts/ensure-debian-packages.sh $(DEBIAN_BENCH_PACKAGES)
	scripts/ensure-postgres.sh
	for b in bench/*.bench.ts; do tsx $$b || exit 1; done

clean:
	rm -rf packages/*/dist packages/*/*.tsbuildinfo node_modules/.cache packages/recorder/native/build
