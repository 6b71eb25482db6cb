# Yuechuang 越创汇 — the two commands: `make run` and `make test`.
GO      ?= go
BIN     := bin/yuechuang
export CGO_ENABLED ?= 0

.PHONY: run test build vet bench clean

## run: build the platform and start it with demo data on http://localhost:8080
run: build
	./$(BIN)

## build: the one server binary
build:
	$(GO) build -o $(BIN) ./server

## test: every test, against the real embedded database
test: vet
	$(GO) test -count=1 ./...

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## bench: storage benchmarks (figures in docs/BENCHMARKS.md)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 20x ./server/mongo/

clean:
	rm -rf bin
