# Omega Realm — the two commands (`make run`, `make test`) and their friends.
# Every target installs what is missing first (scripts/install-deps), so a fresh
# Debian 12 machine needs nothing but git.

SHELL := /bin/bash
FUZZ_SECONDS ?= 20

.PHONY: all deps build run test test-release test-asan fuzz bench client format clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release

run: build
	@scripts/run-local

test: deps
	cmake --preset release >/dev/null
	cmake --build --preset release
	ctest --preset release
	cmake --preset asan >/dev/null
	cmake --build --preset asan
	ctest --preset asan
	scripts/fuzz $(FUZZ_SECONDS)

test-release: build
	ctest --preset release

test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	ctest --preset asan

fuzz: deps
	scripts/fuzz $(FUZZ_SECONDS)

bench: build
	scripts/bench all

client: build
	scripts/run-client

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
