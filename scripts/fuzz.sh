#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for FUZZ_SECONDS
# (default 60). Crashes are written to build-fuzz/crashes/.
#   fuzz_onnx_loader: ONNX bytes through loading, quantization and both engines; the corpus starts
#                     from the committed test models.
#   fuzz_verify:      bytes as a verifying key, as a proof verified under the credit model's
#                     key or a small CNN's (Conv, BatchNorm, ReLU, Flatten, Gemm), or as a proving
#                     key (length and checksum resealed); the corpus starts from valid keys and
#                     proofs made here.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${FUZZ_BUILD:-build-fuzz}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
JOBS=${JOBS:-2}
# -march=native is left out: the fuzz build has no use for it.
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZKINFER_FUZZ=ON \
  -DZKINFER_NATIVE=OFF >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target fuzz_onnx_loader fuzz_verify zkinfer
mkdir -p "$BUILD/crashes"

# A 256 KB ONNX file may make a tensor of up to 2^24 elements (128 MB of doubles: the loader's
# limit), so iterations allocate and free large blocks; ASan's default quarantine (256 MB) and
# allocator caches then let the loader target's RSS climb towards libFuzzer's 2 GB limit (1.5 GB
# in 61 s seen in CI). A smaller quarantine and memory released to the OS kept it at 0.4-0.9 GB.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64:allocator_release_to_os_interval_ms=1000}

run() {  # target corpus
  "$BUILD/bin/$1" "$2" -max_total_time="$SECONDS_PER_TARGET" -max_len=262144 -rss_limit_mb=2048 \
    -timeout=10 -artifact_prefix="$BUILD/crashes/$1-" -print_final_stats=1
}

corpus="$BUILD/corpus/onnx_loader"
mkdir -p "$corpus"
cp tests/models/*.onnx "$corpus/"
run fuzz_onnx_loader "$corpus"

keys="$BUILD/fuzz-keys"
corpus="$BUILD/corpus/verify"
mkdir -p "$corpus"
"$BUILD/bin/zkinfer" setup examples/credit/model.onnx -o "$keys" >/dev/null
"$BUILD/bin/zkinfer" prove "$keys/model.pk" --input examples/credit/input.json -o "$keys/proof.bin" >/dev/null
{ printf '\x00'; cat "$keys/proof.bin"; } > "$corpus/valid-proof"
{ printf '\x01'; cat "$keys/model.vk"; } > "$corpus/valid-vk"
cnn_keys="$BUILD/fuzz-keys-cnn"
"$BUILD/bin/zkinfer" setup tests/models/conv_bn.onnx -o "$cnn_keys" --calibration tests/models/conv_bn.json --no-zk >/dev/null
"$BUILD/bin/zkinfer" prove "$cnn_keys/model.pk" --input tests/models/conv_bn.json -o "$cnn_keys/proof.bin" >/dev/null
{ printf '\x02'; cat "$cnn_keys/proof.bin"; } > "$corpus/valid-cnn-proof"
{ printf '\x01'; cat "$cnn_keys/model.vk"; } > "$corpus/valid-cnn-vk"
{ printf '\x03'; cat "$keys/model.pk"; } > "$corpus/valid-pk"
ZKINFER_FUZZ_VK="$keys/model.vk" ZKINFER_FUZZ_VK2="$cnn_keys/model.vk" run fuzz_verify "$corpus"
