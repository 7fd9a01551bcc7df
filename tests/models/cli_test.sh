#!/usr/bin/env bash
# End-to-end checks of `zkinfer inspect` / `zkinfer run`: outputs and exit codes (0 ok, 2 bad input).
# Usage: tests/models/cli_test.sh path/to/zkinfer
set -uo pipefail
ZKINFER=$1
DIR=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

expect_exit() {  # expected_code description command...
  local expected=$1 what=$2
  shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"
  local code=$?
  if [ "$code" != "$expected" ]; then
    echo "FAIL: $what: exit $code, expected $expected"; cat "$TMP/err"; failures=$((failures + 1))
  elif [ "$expected" = 2 ] && [ ! -s "$TMP/err" ]; then
    echo "FAIL: $what: no error message on stderr"; failures=$((failures + 1))
  fi
}

expect_exit 0 "run" "$ZKINFER" run "$DIR/cancer_mlp.onnx" --input "$DIR/cancer_mlp.json"
grep -q '^{"output_data":\[\[' "$TMP/out" || { echo "FAIL: run output"; failures=$((failures + 1)); }
expect_exit 0 "run --compare --bits 12" "$ZKINFER" run "$DIR/ops_mix.onnx" --input "$DIR/ops_mix.json" --compare --bits 12
grep -q '"max_abs_error"' "$TMP/out" || { echo "FAIL: compare output"; failures=$((failures + 1)); }
expect_exit 0 "run --calibration" "$ZKINFER" run "$DIR/small_cnn_opset13.onnx" --input "$DIR/small_cnn_opset13.json" --calibration "$DIR/small_cnn_opset13.json"
expect_exit 0 "inspect" "$ZKINFER" inspect "$DIR/small_cnn_opset9.onnx"
grep -q "supported: yes" "$TMP/out" || { echo "FAIL: inspect output"; failures=$((failures + 1)); }

printf '\x08\x07\x12\x03abc' >"$TMP/garbage.onnx"
head -c 1000 "$DIR/digits_mlp.onnx" >"$TMP/truncated.onnx"
echo '{"input_data": [[1, 2, 3]]}' >"$TMP/short.json"
echo '{"input_data": [[1, 2' >"$TMP/broken.json"
expect_exit 2 "garbage model" "$ZKINFER" run "$TMP/garbage.onnx" --input "$DIR/cancer_mlp.json"
expect_exit 2 "truncated model" "$ZKINFER" inspect "$TMP/truncated.onnx"
expect_exit 2 "missing model" "$ZKINFER" run "$TMP/none.onnx" --input "$DIR/cancer_mlp.json"
expect_exit 2 "wrong input length" "$ZKINFER" run "$DIR/cancer_mlp.onnx" --input "$TMP/short.json"
expect_exit 2 "broken json" "$ZKINFER" run "$DIR/cancer_mlp.onnx" --input "$TMP/broken.json"
expect_exit 2 "bits out of range" "$ZKINFER" run "$DIR/cancer_mlp.onnx" --input "$DIR/cancer_mlp.json" --bits 40
expect_exit 2 "missing --input" "$ZKINFER" run "$DIR/cancer_mlp.onnx"

if [ "$failures" -ne 0 ]; then echo "$failures CLI check(s) failed"; exit 1; fi
echo "all CLI checks passed"
