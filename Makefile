SHELL := bash
.SHELLFLAGS := -euo pipefail -c

VERSION = $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  = $(shell git rev-parse HEAD 2>/dev/null)
DATE    = $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS  = -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

# Pinned tools are built into a cache outside the repo (go.mod is not touched).
TOOLS_BIN := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/opsdeck-tools/bin
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(TOOLS_BIN)/staticcheck

# Packages whose tests use teatest goldens (see `golden`).
GOLDEN_PKGS := ./tui/

.PHONY: build run test testbed bench lint release-check package-check docs golden clean

build:
	go build -trimpath -ldflags '$(LDFLAGS)' -o bin/opsdeck ./cmd/opsdeck

run:
	go run ./cmd/opsdeck $(ARGS)

# ---- testbed hook ----------------------------------------------------------
# Starts (or repairs) the local test bed of the integration tests on loopback:
# dockerd + fleet containers, Prometheus, Alertmanager, PostgreSQL +
# postgres_exporter, blackbox_exporter, sshd. See scripts/testbed.
testbed:
	scripts/testbed up

# The whole suite: what CI runs (lint first: gofmt, vet, staticcheck, no
# tracked binaries). release-check validates .goreleaser.yaml with the pinned
# goreleaser (built once into the tool cache: minutes on a fresh machine,
# seconds after); package-check builds a linux/amd64 snapshot of it and
# installs, tries and removes the .deb (about 30 s once the build cache is
# warm).
# Integration tests (build tag "integration") talk to the test bed that
# `testbed` starts on loopback; under CI=true a missing component fails them.
test: lint testbed
	go vet -tags integration ./...
	scripts/tree-guard go test -race -count=1 -tags integration ./...
	scripts/release-check
	scripts/tree-guard scripts/package-check

# Go benchmarks, then process-level measurements of the real binary
# (scripts/bench): idle CPU/RSS/terminal bytes on the simulator and on the
# test bed with BENCH_CONTAINERS scale containers (also with all of them
# scraped by Prometheus), Docker requests, time to
# first frame, keypress latency, a ctop-like reference load, RSS over a
# 1,000 lines/s log follow (the issue asks 10 min: BENCH_LOGFOLLOW=10m).
# Writes BENCHMARKS.md. Quick run:
# make bench BENCH_DURATION=10s BENCH_CONTAINERS= BENCH_LOGFOLLOW=0
BENCH_DURATION ?= 60s
BENCH_CONTAINERS ?= 200,20
BENCH_LOGFOLLOW ?= 2m
bench: build
	go test -run '^$$' -bench . -benchmem ./... | tee bench.txt
	go run ./scripts/bench -bin bin/opsdeck -gobench bench.txt -duration $(BENCH_DURATION) -containers '$(BENCH_CONTAINERS)' -logfollow $(BENCH_LOGFOLLOW)

# gofmt, vet and staticcheck; vet and staticcheck with the integration tag,
# a superset of the files (no file is built only without it), so the
# integration tests and the test kit they share are checked too. no-binaries
# refuses a tracked executable or a file over 2 MiB.
lint:
	go run ./scripts/no-binaries
	@bad="$$(gofmt -l .)"; if [[ -n "$$bad" ]]; then echo "gofmt -l: not formatted:"; echo "$$bad"; exit 1; fi
	go vet -tags integration ./...
	@[[ "$$(go version -m $(STATICCHECK) 2>/dev/null | awk '$$1 == "mod" { print $$3 }')" == $(STATICCHECK_VERSION) ]] || \
		(cd / && GOWORK=off GOBIN=$(TOOLS_BIN) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION))
	$(STATICCHECK) -tags integration ./...

release-check:
	scripts/release-check

package-check: release-check
	scripts/package-check

# Regenerate what the docs take from the code: docs/schema/*.json and the
# generated tables of docs/*.md (tests fail while they are out of date).
docs:
	go run ./scripts/gendocs

# Regenerate goldens. -update is a flag of the teatest/golden test binaries
# only, so pass it one package at a time: a package whose tests don't define
# it fails with "flag provided but not defined: -update".
golden:
	for p in $(GOLDEN_PKGS); do go test "$$p" -update; done

clean:
	rm -rf bin/ dist/ completions/ manpages/ bench.txt
