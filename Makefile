# The one build and test entry point: the README, .ci/run and the Dockerfile all call these.
GO      ?= go
BIN     ?= bin
DEMO    ?= ptrace
GOFLAGS ?= -trimpath

.PHONY: build test test-short demo clean bench

# Static, cgo-free binaries: nothing to load at each start (2-2.5 ms less per `sandbug run`,
# BENCHMARKS.md), and they run on any Linux x86_64 whatever its C library.
build:
	CGO_ENABLED=0 $(GO) build $(GOFLAGS) -o $(BIN)/ ./cmd/sandbug ./cmd/sandbug-wrapper ./cmd/sandbug-keeper

# The README's test command. Needs gdb and gcc (see .ci/run); runs as root or not.
test:
	$(GO) vet ./...
	cd bench && $(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

test-short:
	$(GO) test -short ./...

# The README's main command: a teaching demo in the TUI.
demo: build
	$(BIN)/sandbug demo $(DEMO)

# Every scripts/bench-*.sh, then BENCHMARKS.md's Summary table filled from this run (logs in
# bench-logs/). QUICK=1 make bench: smaller runs, a few minutes.
bench:
	./scripts/bench.sh

clean:
	rm -rf $(BIN)
