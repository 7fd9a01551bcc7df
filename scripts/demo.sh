#!/usr/bin/env bash
# `make demo`: the lender's story. A lender scores a borrower with the bundled credit-risk MLP
# (examples/credit: trained by train.py on synthetic borrower data, classes LOW, MEDIUM, HIGH) and
# proves to a third party that the borrower is LOW risk with a score above a threshold, without
# revealing the borrower's data, the model's weights or the scores. Steps: setup with a private
# input, private weights and a private output; prove two claims; verify with the verifying key
# alone; a false claim is refused by prove; a tampered proof is rejected by verify.
set -euo pipefail
cli=${1:-build/bin/zkinfer}
dir=examples/credit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ms() { date +%s%N | cut -c1-13; }
step() { printf '\n== %s\n' "$*"; }

step "inspect the model"
"$cli" inspect "$dir/model.onnx"

step "the lender runs the model on the borrower (privately: this stays with the lender)"
"$cli" run "$dir/model.onnx" --input "$dir/input.json" --calibration "$dir/calibration.json" | /usr/bin/python3 -c '
import json, sys
logits = json.load(sys.stdin)["output_data"][0]
print("risk tier:", ["LOW", "MEDIUM", "HIGH"][max(range(3), key=lambda i: logits[i])], "- scores (LOW, MEDIUM, HIGH):", logits)
'

step "setup: quantize to 8-bit fixed point, commit to the weights; input, weights and output private"
t0=$(ms)
"$cli" setup "$dir/model.onnx" -o "$work/keys" --calibration "$dir/calibration.json" \
  --input private --weights private --output private --zk-proofs 100 | tee "$work/setup.json"
t1=$(ms)
echo "setup: $((t1 - t0)) ms; verifying key $(stat -c %s "$work/keys/model.vk") bytes"
proofs=$(grep -o '"zero_knowledge_proofs":[0-9]*' "$work/setup.json" | cut -d: -f2)
echo "the weight commitment stays zero-knowledge for $proofs proofs (asked: 100); setup again before they run out"

claims=(--claim "argmax == 0" --claim "y[0] >= 5")
step "prove: the risk tier is LOW (argmax == 0) and the LOW score is at least 5"
t0=$(ms)
"$cli" prove "$work/keys/model.pk" --input "$dir/input.json" -o "$work/proof.bin" "${claims[@]}" --timings
t1=$(ms)
echo "prove (whole process): $((t1 - t0)) ms; proof $(stat -c %s "$work/proof.bin") bytes"

step "verify with the verifying key alone: it learns the claims, not the data, weights or scores"
t0=$(ms)
"$cli" verify "$work/keys/model.vk" "$work/proof.bin"
t1=$(ms)
echo "verify (whole process): $((t1 - t0)) ms"

step "a false claim: prove refuses to prove that the borrower is HIGH risk (argmax == 2)"
if "$cli" prove "$work/keys/model.pk" --input "$dir/input.json" -o "$work/false.bin" --claim "argmax == 2"; then
  echo "ERROR: a false claim was proven" >&2
  exit 1
fi
echo "refused, as it must be"

step "a tampered proof: the claim's threshold changed from 5 to 6 in the proof bytes is rejected"
cp "$work/proof.bin" "$work/tampered.bin"
at=$(grep -obUa "y\[0\] >= 5" "$work/proof.bin" | head -n 1 | cut -d: -f1)
printf '6' | dd of="$work/tampered.bin" bs=1 seek=$((at + 8)) conv=notrunc status=none
if "$cli" verify "$work/keys/model.vk" "$work/tampered.bin"; then
  echo "ERROR: tampered proof accepted" >&2
  exit 1
fi
echo "rejected, as it must be"
