#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for FUZZ_SECONDS (default 60).
# The corpus starts from the committed test models; crashes are written to build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${FUZZ_BUILD:-build-fuzz}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
JOBS=${JOBS:-2}
# -march=native and OpenMP are left out: clang's libomp may be absent, and the fuzz build has no
# use for either.
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZKINFER_FUZZ=ON \
  -DZKINFER_NATIVE=OFF >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target fuzz_onnx_loader
corpus="$BUILD/corpus/onnx_loader"
mkdir -p "$corpus" "$BUILD/crashes"
cp tests/models/*.onnx "$corpus/"
"$BUILD/bin/fuzz_onnx_loader" "$corpus" -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 \
  -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$BUILD/crashes/" -print_final_stats=1
