#!/usr/bin/env bash
# `make demo`: a lender proves a borrower's credit-risk score with the bundled MLP
# (examples/credit: trained by train.py on synthetic borrower data), and anyone verifies it with
# the verifying key alone. Steps: setup (commit to the weights), prove, verify, and a forged
# output that the verifier rejects.
set -euo pipefail
cli=${1:-build/bin/zkinfer}
dir=examples/credit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ms() { date +%s%N | cut -c1-13; }
step() { printf '\n== %s\n' "$*"; }

step "inspect the model"
"$cli" inspect "$dir/model.onnx"

step "setup: quantize to 8-bit fixed point (calibrated on 64 borrowers) and commit to the weights"
t0=$(ms)
"$cli" setup "$dir/model.onnx" -o "$work/keys" --calibration "$dir/calibration.json"
t1=$(ms)
echo "setup: $((t1 - t0)) ms; verifying key $(stat -c %s "$work/keys/model.vk") bytes"

step "prove: run the model on one borrower and prove the inference"
t0=$(ms)
"$cli" prove "$work/keys/model.pk" --input "$dir/input.json" -o "$work/proof.bin" --timings | tee "$work/prove.out"
t1=$(ms)
echo "prove (whole process): $((t1 - t0)) ms; proof $(stat -c %s "$work/proof.bin") bytes"
head -n 1 "$work/prove.out" | /usr/bin/python3 -c '
import json, sys
logits = json.load(sys.stdin)["output_data"][0]
tiers = ["LOW", "MEDIUM", "HIGH"]
print("risk tier:", tiers[max(range(3), key=lambda i: logits[i])], "- logits (LOW, MEDIUM, HIGH):", logits)
'

step "verify with the verifying key alone"
t0=$(ms)
"$cli" verify "$work/keys/model.vk" "$work/proof.bin" --input "$dir/input.json"
t1=$(ms)
echo "verify (whole process): $((t1 - t0)) ms"

step "a forged claim: the same proof with a different output is rejected"
echo '{"output_data": [[-5.0, 0.0, 5.0]]}' > "$work/forged.json"
if "$cli" verify "$work/keys/model.vk" "$work/proof.bin" --output "$work/forged.json"; then
  echo "ERROR: forged output accepted" >&2
  exit 1
fi
echo "rejected, as it must be"
