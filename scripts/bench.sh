#!/usr/bin/env bash
# `make bench`: runs the benchmark driver over the standard sizes and prints one JSON object per
# line (also appended to build/bench-results.jsonl), then the Google Benchmark micro-benchmarks.
# BENCH_VGG=1 adds VGG-16 on CIFAR-10 to the models.
# Quote medians; on a shared machine compare figures as ratios within one run.
set -euo pipefail
bench=${1:-build/bin/zkinfer-bench}
bindir=$(dirname "$bench")
out=$(dirname "$bindir")/bench-results.jsonl
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee -a "$out"
run() { "$bench" "$@" | tee -a "$out"; }
run field
for d in 2 3 4; do run sumcheck --log-size 20 --degree "$d"; done
run sumcheck --log-size 24 --degree 2 --reps 3
run --threads 1 sumcheck --log-size 20 --degree 2
for n in 16 20 22 24; do run pcs --log-size "$n"; done
run lookup --log-lookups 20 --log-table 16
models=$(dirname "$bindir")/bench-models
# The CNNs of issue 6; VGG-16 (61 MB of ONNX, ~10 s and ~1.9 GB for its line) only with BENCH_VGG=1.
names=(mlp_10k mlp_1m mlp_4m lenet5 cifar_cnn)
[ "${BENCH_VGG:-0}" = 1 ] && names+=(vgg16_cifar)
missing=()
for m in "${names[@]}"; do [ -f "$models/$m.onnx" ] || missing+=("$m"); done
[ ${#missing[@]} = 0 ] || /usr/bin/python3 scripts/make_bench_models.py "$models" "${missing[@]}"
run model examples/credit/model.onnx --input examples/credit/input.json
for m in "${names[@]}"; do run model "$models/$m.onnx" --input "$models/$m.json"; done
"$bindir/zkinfer-micro-bench" --benchmark_min_time=0.2
