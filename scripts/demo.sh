#!/usr/bin/env bash
# `make demo`: what works end to end today. Until the MLP proving issue lands (setup / prove /
# verify of a whole model), it shows the pieces that exist: running a bundled ONNX model in
# exact integer arithmetic, and proving + verifying the protocol building blocks.
set -euo pipefail
cli=${1:-build/bin/zkinfer}
bindir=$(dirname "$cli")
model=examples/credit/model.onnx
input=examples/credit/input.json

echo "== zkinfer demo =="
if [ -f "$model" ] && "$cli" run --help >/dev/null 2>&1; then
  echo "-- running $model on $input (8-bit fixed point, compared with float):"
  "$cli" run "$model" --input "$input" --calibration examples/credit/calibration.json --compare
fi
echo "-- sum-check: prove and verify a degree-2 sum over 2^20 values (median of 7):"
"$bindir/zkinfer-bench" sumcheck --log-size 20 --degree 2
echo "-- polynomial commitment: commit, open and verify 2^16 values:"
"$bindir/zkinfer-bench" pcs --log-size 16
echo "Proving whole models (zkinfer setup / prove / verify) arrives with the MLP issue."
