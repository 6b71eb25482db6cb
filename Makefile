# Yuechuang 越创汇 — the two commands: `make run` and `make test`.
GO      ?= go
BIN     := bin/yuechuang
# The build's name, recorded in backups' manifests.
RELEASE ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
export CGO_ENABLED ?= 0

.PHONY: run test build web e2e vet contract bench bench-report loadtest wsload videoload searchbench scalebench evalmatch reindex backup restore healthcheck image-check clean

## run: build the platform and start it with demo data on http://localhost:8080
run: web build
	SEED_DEMO=true ./$(BIN)

## build: the one server binary (it embeds whatever frontend/dist holds)
build:
	$(GO) build -ldflags "-X main.release=$(RELEASE)" -o $(BIN) ./server

## web: build the web app into frontend/dist (needs Node.js and npm)
web:
	@if command -v npm >/dev/null 2>&1; then \
	  cd frontend && npm ci --no-audit --no-fund && npm run build; \
	else echo "npm not found: serving the API without the web app"; fi

## test: every test: Go against the real embedded database and search index,
## the web app's type check and unit tests, and the browser suite (e2e)
test: vet
	$(GO) test -count=1 ./...
	@command -v npm >/dev/null 2>&1 || { echo "make test: FAILED: the web app's tests need Node.js 20.19+ with npm (https://nodejs.org or your package manager)"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --silent && npm test
	scripts/e2e.sh
	@# The search relevance set's figures (the test above asserts the targets).
	@$(GO) test -count=1 -run 'TestRelevance' -v ./search/ | grep -E -- '^ +relevance_test.go:[0-9]+: +(relevance|class|[a-z-]+ +[0-9]+ )' | sed 's/^ *relevance_test.go:[0-9]*: //' || true
	@# Say what was not tested here: the Meilisearch contract run needs a server.
	@$(GO) test -count=1 -run 'TestContractMeilisearch' -v ./search/ | grep -E -- '--- SKIP|SKIPPED' || true

## contract: regenerate what is derived from the Go source (the error codes the
## web app words, the OpenAPI document, the TypeScript types); tests fail when stale
contract:
	$(GO) test -count=1 -run 'TestErrorTexts|TestOpenAPIGenerated' ./server/httpapi/ -update
	node frontend/scripts/apitypes.mjs

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## bench: Go benchmarks (figures and commands in docs/BENCHMARKS.md)
bench:
	$(GO) test -run '^$$' -bench 'Rank1M' -benchtime 20x ./matching/
	$(GO) test -run '^$$' -bench 'IndexMemory' -benchtime 1x ./matching/
	$(GO) test -run '^$$' -bench DealFlow -benchmem ./server/app/
	$(GO) test -run '^$$' -bench PublicList -benchtime 20x ./server/app/
	$(GO) test -run '^$$' -bench Lookups -benchtime 3x ./server/mongo/

## bench-report: docs/BENCHMARKS.md and the figures in docs/MATCHING.md, from the tools' latest
## outputs in docs/bench/*.md; RUN=all (or go, evalmatch, loadtest) runs those tools first
bench-report:
	$(GO) run ./scripts/benchreport $(if $(RUN),-run $(RUN))

## loadtest: the deal flow for many investors against a trivial Fiber handler, on loopback
loadtest:
	scripts/loadtest.sh -d 8s -out docs/bench/loadtest.md

## e2e: the browser suite alone (starts its own platform with demo data)
e2e:
	scripts/e2e.sh

## wsload: one live roadshow room with 10,000 viewers: memory per idle connection from a cold,
## GC'd baseline on a fresh server, then the chat load on another, the centrifuge peer under the
## same load, and 9,000 viewers on one instance beside three instances of 3,000 (NATS)
wsload:
	scripts/wsload.sh -memory -viewers 10000 -d 0
	scripts/wsload.sh -viewers 10000 -rate 20 -d 30s
	scripts/wsload.sh peer -viewers 10000 -rate 20 -d 30s
	scripts/wsload.sh -viewers 9000 -rate 20 -d 30s -bridge 0
	scripts/wsload.sh cluster -viewers 9000 -rate 20 -d 30s

## videoload: the stage's live video on one instance: a pion publisher at ~1 Mb/s and growing numbers
## of pion viewers on loopback; viewers served with <= 1 % loss and server CPU per viewer
videoload:
	scripts/prio.sh scripts/videoload.sh -steps 25,50,100,150,200 -d 15s

## searchbench: the embedded search engine with 100,000 profiles; writes docs/bench/searchbench.md
searchbench:
	@mkdir -p docs/bench
	$(GO) run ./scripts/searchbench -n 100000 | tee docs/bench/searchbench.md

## scalebench: a full-size city (6,000 startups, 50,000 accounts, 1M notifications) against the demo set and a small city of the same shape, through HTTP
scalebench: build
	$(GO) run ./scripts/scalebench -bin $(BIN)

## evalmatch: matching quality on the CrunchBase 2013 deal history
evalmatch:
	$(GO) run ./scripts/evalmatch -data ../shared/data/crunchbase2013 -out docs/bench/evalmatch.md

## reindex: rebuild the search index of ./data from the database
reindex: build
	./$(BIN) reindex

## backup: archive ./data (or DATA_DIR) while the server runs, into BACKUP_DIR or here
backup: build
	./$(BIN) backup $(if $(OUT),-o $(OUT))

## restore: FILE=archive restores into an empty ./data (or DATA_DIR)
restore: build
	@test -n "$(FILE)" || { echo "usage: make restore FILE=yuechuang-....tar.gz"; exit 1; }
	./$(BIN) restore $(FILE)

## healthcheck: exit 0 when the running server's /readyz answers 200 (LISTEN_ADDR)
healthcheck: build
	./$(BIN) healthcheck

## image-check: the Dockerfile's steps as plain commands on this host (no Docker engine needed)
image-check:
	scripts/image-check.sh

clean:
	rm -rf bin
