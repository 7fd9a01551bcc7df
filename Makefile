# zkinfer: `make` builds (Release, CLI at build/bin/zkinfer), `make test` runs every test,
# `make bench` the benchmarks, `make demo` the end-to-end demo, `make deps` installs packages.
BUILD       ?= build
ASAN_BUILD  ?= build-asan
JOBS        ?= $(shell nproc)
PYTHON      ?= /usr/bin/python3
CMAKE_FLAGS ?=
ifdef CI
  CMAKE_FLAGS += -DZKINFER_WERROR=ON
endif

.PHONY: all build deps test test-unit test-ref test-asan bench demo clean fuzz

all: build

deps:
	@scripts/deps.sh

# Installs missing packages only when something is missing (no apt-get run otherwise).
.deps-ok: scripts/deps.sh
	@scripts/deps.sh --check >/dev/null 2>&1 || scripts/deps.sh
	@touch $@

build: .deps-ok
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

test: build test-ref
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Known-answer vectors: the independent Python reference must reproduce the committed files.
test-ref: .deps-ok
	$(PYTHON) tests/ref/field_ref.py --check

# Debug build with AddressSanitizer + UndefinedBehaviorSanitizer running the unit tests.
test-asan: .deps-ok
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DZKINFER_SANITIZE=ON -DZKINFER_NATIVE=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ZKINFER_SANITIZED=1 ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

bench: build
	scripts/bench.sh $(BUILD)/bin/zkinfer-bench

demo: build
	scripts/demo.sh $(BUILD)/bin/zkinfer

# Short libFuzzer runs of every fuzz target (clang).
fuzz: .deps-ok
	scripts/fuzz.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) .deps-ok
