#!/usr/bin/env bash
# End-to-end checks of `zkinfer setup / prove / verify` (and `inspect` of keys): outputs and exit codes
# (0 valid, 1 invalid proof, 2 usage error or malformed / unreadable input).
# Usage: tests/cli/proof_cli_test.sh path/to/zkinfer
set -uo pipefail
ZKINFER=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CREDIT=$ROOT/examples/credit
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
checks=0

expect_exit() {  # expected_code description command...
  local expected=$1 what=$2
  shift 2
  checks=$((checks + 1))
  "$@" >"$TMP/out" 2>"$TMP/err"
  local code=$?
  if [ "$code" != "$expected" ]; then
    echo "FAIL: $what: exit $code, expected $expected"; cat "$TMP/err"; failures=$((failures + 1))
  elif [ "$expected" != 0 ] && [ ! -s "$TMP/err" ]; then
    echo "FAIL: $what: no reason on stderr"; failures=$((failures + 1))
  fi
}
expect_output() {  # description pattern
  checks=$((checks + 1))
  grep -q "$2" "$TMP/out" || { echo "FAIL: $1: output lacks $2"; cat "$TMP/out"; failures=$((failures + 1)); }
}

expect_exit 0 "setup" "$ZKINFER" setup "$CREDIT/model.onnx" -o "$TMP/keys" --calibration "$CREDIT/calibration.json" --input public
[ -s "$TMP/keys/model.pk" ] && [ -s "$TMP/keys/model.vk" ] || { echo "FAIL: setup wrote no keys"; failures=$((failures + 1)); }
vk_bytes=$(stat -c %s "$TMP/keys/model.vk")
[ "$vk_bytes" -lt 8192 ] || { echo "FAIL: verifying key is $vk_bytes bytes"; failures=$((failures + 1)); }

# The model id: setup prints it, `inspect` of the verifying key and of the proving key print it
# first (the Keccak-256 digest of model.vk, 0x and 64 hex digits).
model_id=$(grep -o '"model_id":"0x[0-9a-f]\{64\}"' "$TMP/out" | cut -d'"' -f4)
[ -n "$model_id" ] || { echo "FAIL: setup printed no model id"; cat "$TMP/out"; failures=$((failures + 1)); }
expect_exit 0 "inspect (verifying key)" "$ZKINFER" inspect "$TMP/keys/model.vk"
expect_output "inspect (verifying key)" "^model id: $model_id\$"
expect_output "inspect (verifying key)" '^weight commitments: '
expect_output "inspect (verifying key)" '^zero-knowledge proofs: yes$'
expect_exit 0 "inspect (proving key)" "$ZKINFER" inspect "$TMP/keys/model.pk"
expect_output "inspect (proving key)" "^model id: $model_id\$"
expect_exit 0 "inspect (ONNX model)" "$ZKINFER" inspect "$CREDIT/model.onnx"
expect_output "inspect (ONNX model)" '^supported: yes'

expect_exit 0 "prove" "$ZKINFER" prove "$TMP/keys/model.pk" --input "$CREDIT/input.json" -o "$TMP/proof.bin"
expect_output "prove" '^{"claims":\[\],"output_data":\[\['
cp "$TMP/out" "$TMP/proved.json"

expect_exit 0 "verify" "$ZKINFER" verify "$TMP/keys/model.vk" "$TMP/proof.bin"
cmp -s "$TMP/out" "$TMP/proved.json" || { echo "FAIL: verify printed another output than prove"; failures=$((failures + 1)); }
expect_exit 0 "verify --input (same input)" "$ZKINFER" verify "$TMP/keys/model.vk" "$TMP/proof.bin" --input "$CREDIT/input.json"
expect_exit 0 "verify --output (same output)" "$ZKINFER" verify "$TMP/keys/model.vk" "$TMP/proof.bin" --output "$TMP/proved.json"

# Pinned public values that differ from the proof's are invalid.
echo '{"input_data": [[0, 0, 0, 0, 0, 0, 0, 0]]}' > "$TMP/other_input.json"
expect_exit 1 "verify --input (another input)" "$ZKINFER" verify "$TMP/keys/model.vk" "$TMP/proof.bin" --input "$TMP/other_input.json"
echo '{"output_data": [[-5.0, 0.0, 5.0]]}' > "$TMP/forged.json"
expect_exit 1 "verify --output (forged output)" "$ZKINFER" verify "$TMP/keys/model.vk" "$TMP/proof.bin" --output "$TMP/forged.json"

# Malformed proofs are invalid proofs.
size=$(stat -c %s "$TMP/proof.bin")
head -c $((size / 2)) "$TMP/proof.bin" > "$TMP/truncated.bin"
expect_exit 1 "verify (truncated proof)" "$ZKINFER" verify "$TMP/keys/model.vk" "$TMP/truncated.bin"
head -c 4096 /dev/urandom > "$TMP/random.bin"
expect_exit 1 "verify (random bytes)" "$ZKINFER" verify "$TMP/keys/model.vk" "$TMP/random.bin"
: > "$TMP/empty.bin"
expect_exit 1 "verify (empty proof)" "$ZKINFER" verify "$TMP/keys/model.vk" "$TMP/empty.bin"
cp "$TMP/proof.bin" "$TMP/flipped.bin"
printf '\x5a' | dd of="$TMP/flipped.bin" bs=1 seek=$((size - 100)) conv=notrunc status=none
expect_exit 1 "verify (one byte changed)" "$ZKINFER" verify "$TMP/keys/model.vk" "$TMP/flipped.bin"

# A proof for one model does not verify under another model's key (same architecture, other
# weights: the credit model quantized at 10 bits has other integer weights and scales).
expect_exit 0 "setup (other model)" "$ZKINFER" setup "$CREDIT/model.onnx" -o "$TMP/other_keys" --bits 10
expect_exit 1 "verify (another model's key)" "$ZKINFER" verify "$TMP/other_keys/model.vk" "$TMP/proof.bin"
expect_exit 0 "inspect (other model's verifying key)" "$ZKINFER" inspect "$TMP/other_keys/model.vk"
if grep -q "$model_id" "$TMP/out"; then echo "FAIL: another model has the same model id"; failures=$((failures + 1)); fi

expect_exit 0 "setup (a different network)" "$ZKINFER" setup "$ROOT/tests/models/cancer_mlp.onnx" -o "$TMP/cancer_keys"
expect_exit 1 "verify (a different network's key)" "$ZKINFER" verify "$TMP/cancer_keys/model.vk" "$TMP/proof.bin"

# Visibility: a private input and output (the default input), claims about the outputs.
expect_exit 0 "setup (private input and output)" "$ZKINFER" setup "$CREDIT/model.onnx" -o "$TMP/private" --calibration "$CREDIT/calibration.json" --output private
expect_output "setup (private input and output)" '"visibility":{"input":"private","output":"private","weights":"private"}'
expect_exit 0 "inspect (private)" "$ZKINFER" inspect "$TMP/private/model.vk"
expect_output "inspect (private)" '^visibility: input private, output private, weights private$'
expect_exit 0 "prove (claims)" "$ZKINFER" prove "$TMP/private/model.pk" --input "$CREDIT/input.json" -o "$TMP/claims.bin" --claim "argmax == 0" --claim "y[0]>=5" --claim "-20 <= y[2] < 0"
expect_output "prove (claims)" '^{"claims":\["argmax == 0","y\[0\] >= 5","-20 <= y\[2\] < 0"\]}$'
expect_exit 0 "verify (claims)" "$ZKINFER" verify "$TMP/private/model.vk" "$TMP/claims.bin"
expect_output "verify (claims)" '^{"claims":\["argmax == 0","y\[0\] >= 5","-20 <= y\[2\] < 0"\]}$'
expect_exit 1 "prove (a false claim)" "$ZKINFER" prove "$TMP/private/model.pk" --input "$CREDIT/input.json" -o "$TMP/false.bin" --claim "argmax == 2"
grep -q "claim does not hold: 'argmax == 2'" "$TMP/err" || { echo "FAIL: false claim: reason"; cat "$TMP/err"; failures=$((failures + 1)); }
[ ! -e "$TMP/false.bin" ] || { echo "FAIL: a proof of a false claim was written"; failures=$((failures + 1)); }
for claim in "argmax = 2" "y[0] >= " "y[3] >= 0" "1 > y[0] > 0" "argmax == 0x1"; do
  expect_exit 2 "prove (malformed claim '$claim')" "$ZKINFER" prove "$TMP/private/model.pk" --input "$CREDIT/input.json" -o "$TMP/p.bin" --claim "$claim"
done
expect_exit 2 "verify --input (private input)" "$ZKINFER" verify "$TMP/private/model.vk" "$TMP/claims.bin" --input "$CREDIT/input.json"
expect_exit 2 "verify --output (private output)" "$ZKINFER" verify "$TMP/private/model.vk" "$TMP/claims.bin" --output "$TMP/proved.json"
cp "$TMP/claims.bin" "$TMP/claims_flipped.bin"
claim_at=$(grep -obUa "y\[0\] >= 5" "$TMP/claims.bin" | head -n 1 | cut -d: -f1)
printf '6' | dd of="$TMP/claims_flipped.bin" bs=1 seek=$((claim_at + 8)) conv=notrunc status=none
expect_exit 1 "verify (claim text changed)" "$ZKINFER" verify "$TMP/private/model.vk" "$TMP/claims_flipped.bin"
grep -q "claims: the forms do not match the claims" "$TMP/err" || { echo "FAIL: changed claim: reason"; cat "$TMP/err"; failures=$((failures + 1)); }
expect_exit 2 "setup (unknown visibility)" "$ZKINFER" setup "$CREDIT/model.onnx" -o "$TMP/x" --input secret

# The proofs a zero-knowledge key stays hiding for: printed by setup and inspect, raised on request.
expect_exit 0 "setup (--zk-proofs 300)" "$ZKINFER" setup "$CREDIT/model.onnx" -o "$TMP/many" --calibration "$CREDIT/calibration.json" --zk-proofs 300
supported=$(grep -o '"zero_knowledge_proofs":[0-9]*' "$TMP/out" | cut -d: -f2)
[ -n "$supported" ] && [ "$supported" -ge 300 ] || { echo "FAIL: setup --zk-proofs 300 supports '$supported'"; cat "$TMP/out"; failures=$((failures + 1)); }
expect_exit 0 "inspect (--zk-proofs 300)" "$ZKINFER" inspect "$TMP/many/model.vk"
expect_output "inspect (--zk-proofs 300)" "zero-knowledge proofs supported: $supported"
expect_exit 2 "setup (--zk-proofs 0)" "$ZKINFER" setup "$CREDIT/model.onnx" -o "$TMP/none" --zk-proofs 0

# The key's ledger of zero-knowledge proofs (DIR/model.pk.proofs): the credit model's default key
# supports 3; a fourth proof is refused (exit 1) unless --uncounted; a refused claim takes no
# slot; concurrent provers count every proof; a key set up again in place counts from 0; an
# unreadable ledger is a usage error. Plain keys and public weights keep no ledger.
expect_exit 0 "setup (budget)" "$ZKINFER" setup "$CREDIT/model.onnx" -o "$TMP/budget" --calibration "$CREDIT/calibration.json"
budget=$(grep -o '"zero_knowledge_proofs":[0-9]*' "$TMP/out" | cut -d: -f2)
expect_exit 0 "inspect (budget, no proof yet)" "$ZKINFER" inspect "$TMP/budget/model.pk"
expect_output "inspect (budget, no proof yet)" "^zero-knowledge proofs made: 0 ("
[ "$budget" = 3 ] || { echo "FAIL: the credit model's default key supports '$budget' proofs, expected 3"; failures=$((failures + 1)); }
ledger="$TMP/budget/model.pk.proofs"
expect_exit 0 "prove (budget: proof 1)" "$ZKINFER" prove "$TMP/budget/model.pk" --input "$CREDIT/input.json" -o "$TMP/b1.bin"
grep -q '"proofs":1}' "$ledger" || { echo "FAIL: ledger after one proof:"; cat "$ledger"; failures=$((failures + 1)); }
expect_exit 1 "prove (budget: a false claim)" "$ZKINFER" prove "$TMP/budget/model.pk" --input "$CREDIT/input.json" -o "$TMP/b.bin" --claim "argmax == 2"
grep -q '"proofs":1}' "$ledger" || { echo "FAIL: a refused claim took a slot:"; cat "$ledger"; failures=$((failures + 1)); }
codes=()
for i in 1 2 3; do
  "$ZKINFER" prove "$TMP/budget/model.pk" --input "$CREDIT/input.json" -o "$TMP/c$i.bin" >/dev/null 2>"$TMP/c$i.err" &
  pids[$i]=$!
done
for i in 1 2 3; do wait "${pids[$i]}"; codes+=($?); done
sorted=$(printf '%s\n' "${codes[@]}" | sort | tr '\n' ' ')
checks=$((checks + 1))
[ "$sorted" = "0 0 1 " ] || { echo "FAIL: three concurrent proofs with 2 left exited $sorted, expected 0 0 1"; failures=$((failures + 1)); }
grep -q '"proofs":3}' "$ledger" || { echo "FAIL: ledger after the budget:"; cat "$ledger"; failures=$((failures + 1)); }
expect_exit 0 "inspect (budget spent)" "$ZKINFER" inspect "$TMP/budget/model.pk"
expect_output "inspect (budget spent)" "^zero-knowledge proofs made: 3 ("
expect_exit 1 "prove (budget spent)" "$ZKINFER" prove "$TMP/budget/model.pk" --input "$CREDIT/input.json" -o "$TMP/b.bin"
grep -q "zero-knowledge proof budget spent: 3 proofs recorded" "$TMP/err" || { echo "FAIL: budget spent: reason"; cat "$TMP/err"; failures=$((failures + 1)); }
expect_exit 0 "prove (budget spent, --uncounted)" "$ZKINFER" prove "$TMP/budget/model.pk" --input "$CREDIT/input.json" -o "$TMP/b.bin" --uncounted
expect_exit 0 "verify (proof beyond the budget)" "$ZKINFER" verify "$TMP/budget/model.vk" "$TMP/b.bin"
expect_exit 0 "setup (budget, again in place)" "$ZKINFER" setup "$CREDIT/model.onnx" -o "$TMP/budget" --calibration "$CREDIT/calibration.json"
expect_exit 0 "prove (budget: fresh key, old ledger)" "$ZKINFER" prove "$TMP/budget/model.pk" --input "$CREDIT/input.json" -o "$TMP/b.bin"
grep -q '"proofs":1}' "$ledger" || { echo "FAIL: ledger of a fresh key:"; cat "$ledger"; failures=$((failures + 1)); }
chmod a-w "$TMP/budget"
if [ ! -w "$TMP/budget" ]; then  # (root ignores the mode)
  mv "$ledger" "$ledger.kept" 2>/dev/null
  expect_exit 2 "prove (ledger not writable)" "$ZKINFER" prove "$TMP/budget/model.pk" --input "$CREDIT/input.json" -o "$TMP/b.bin"
  grep -q "prove --uncounted" "$TMP/err" || { echo "FAIL: ledger not writable: reason"; cat "$TMP/err"; failures=$((failures + 1)); }
fi
chmod u+w "$TMP/budget"
for damaged in 'not a ledger' '{"model_id":"0x' '{"model_id":"0x1","proofs":-1}' "$(head -c 5000 /dev/zero | tr '\0' ' ')"; do
  printf '%s' "$damaged" > "$ledger"
  expect_exit 2 "prove (damaged ledger '${damaged:0:20}')" "$ZKINFER" prove "$TMP/budget/model.pk" --input "$CREDIT/input.json" -o "$TMP/b.bin"
  grep -q "not a proof ledger" "$TMP/err" || { echo "FAIL: damaged ledger: reason"; cat "$TMP/err"; failures=$((failures + 1)); }
done

# Public weights in zero knowledge: the verifying key holds them, the proof hides the rest.
expect_exit 0 "setup (public weights, zero-knowledge)" "$ZKINFER" setup "$CREDIT/model.onnx" -o "$TMP/public_weights" --calibration "$CREDIT/calibration.json" --weights public
expect_output "setup (public weights, zero-knowledge)" '"zero_knowledge":true,"zero_knowledge_proofs":"unbounded"'
expect_exit 0 "prove (public weights, zero-knowledge)" "$ZKINFER" prove "$TMP/public_weights/model.pk" --input "$CREDIT/input.json" -o "$TMP/public_weights.bin" --claim "argmax == 0"
checks=$((checks + 1))
[ ! -e "$TMP/public_weights/model.pk.proofs" ] || { echo "FAIL: a key with public weights has a ledger"; failures=$((failures + 1)); }
expect_exit 0 "verify (public weights, zero-knowledge)" "$ZKINFER" verify "$TMP/public_weights/model.vk" "$TMP/public_weights.bin"
expect_output "verify (public weights, zero-knowledge)" '"claims":\["argmax == 0"\]'

# A hashed input: the proof carries a commitment a second party holding the input recomputes
# (zero knowledge: a hiding one, randomized from the key and the input).
expect_exit 0 "setup (hashed input, zero-knowledge)" "$ZKINFER" setup "$CREDIT/model.onnx" -o "$TMP/zk_hashed" --calibration "$CREDIT/calibration.json" --input hashed
expect_exit 0 "commit-input (zero-knowledge)" "$ZKINFER" commit-input "$TMP/zk_hashed/model.vk" --input "$CREDIT/input.json"
zk_root=$(grep -o '"input_commitment":"0x[0-9a-f]\{64\}"' "$TMP/out" | cut -d'"' -f4)
expect_exit 0 "prove (hashed, zero-knowledge)" "$ZKINFER" prove "$TMP/zk_hashed/model.pk" --input "$CREDIT/input.json" -o "$TMP/zk_hashed.bin" --claim "argmax == 0"
expect_exit 0 "verify (hashed, zero-knowledge)" "$ZKINFER" verify "$TMP/zk_hashed/model.vk" "$TMP/zk_hashed.bin" --input "$CREDIT/input.json"
expect_output "verify (hashed, zero-knowledge)" "\"input_commitment\":\"$zk_root\""
expect_exit 1 "verify --input (hashed, zero-knowledge, another input)" "$ZKINFER" verify "$TMP/zk_hashed/model.vk" "$TMP/zk_hashed.bin" --input "$TMP/other_input.json"
expect_exit 0 "setup (hashed input, public weights)" "$ZKINFER" setup "$CREDIT/model.onnx" -o "$TMP/hashed" --calibration "$CREDIT/calibration.json" --input hashed --weights public --no-zk
expect_exit 0 "commit-input" "$ZKINFER" commit-input "$TMP/hashed/model.vk" --input "$CREDIT/input.json"
root=$(grep -o '"input_commitment":"0x[0-9a-f]\{64\}"' "$TMP/out" | cut -d'"' -f4)
[ -n "$root" ] || { echo "FAIL: commit-input printed no commitment"; cat "$TMP/out"; failures=$((failures + 1)); }
expect_exit 0 "prove (hashed)" "$ZKINFER" prove "$TMP/hashed/model.pk" --input "$CREDIT/input.json" -o "$TMP/hashed.bin" --claim "argmax == 0"
checks=$((checks + 1))
[ ! -e "$TMP/hashed/model.pk.proofs" ] || { echo "FAIL: a plain key has a ledger"; failures=$((failures + 1)); }
expect_exit 0 "verify (hashed)" "$ZKINFER" verify "$TMP/hashed/model.vk" "$TMP/hashed.bin"
expect_output "verify (hashed)" "\"input_commitment\":\"$root\""
expect_output "verify (hashed)" '"output_data":\[\['
expect_exit 0 "verify --input (hashed, same input)" "$ZKINFER" verify "$TMP/hashed/model.vk" "$TMP/hashed.bin" --input "$CREDIT/input.json"
expect_exit 1 "verify --input (hashed, another input)" "$ZKINFER" verify "$TMP/hashed/model.vk" "$TMP/hashed.bin" --input "$TMP/other_input.json"
expect_exit 2 "commit-input (input not hashed)" "$ZKINFER" commit-input "$TMP/private/model.vk" --input "$CREDIT/input.json"

# Usage errors and unreadable or malformed files.
expect_exit 2 "verify (missing proof file)" "$ZKINFER" verify "$TMP/keys/model.vk" "$TMP/none.bin"
expect_exit 2 "verify (missing key)" "$ZKINFER" verify "$TMP/none.vk" "$TMP/proof.bin"
expect_exit 2 "verify (garbage key)" "$ZKINFER" verify "$TMP/random.bin" "$TMP/proof.bin"
expect_exit 2 "verify (no arguments)" "$ZKINFER" verify
expect_exit 2 "prove (garbage key)" "$ZKINFER" prove "$TMP/random.bin" --input "$CREDIT/input.json" -o "$TMP/p.bin"
echo '{"input_data": [[1, 2, 3]]}' > "$TMP/short_input.json"
expect_exit 2 "prove (input of the wrong length)" "$ZKINFER" prove "$TMP/keys/model.pk" --input "$TMP/short_input.json" -o "$TMP/p.bin"
# Zero-knowledge proofs are the default: a CNN of convolutions proves in zero knowledge, and one
# with a max pool and a softmax (below).
expect_exit 0 "setup (CNN, zero-knowledge)" "$ZKINFER" setup "$ROOT/tests/models/conv_bn.onnx" -o "$TMP/zkcnn" --calibration "$ROOT/tests/models/conv_bn.json"
expect_exit 0 "prove (CNN, zero-knowledge)" "$ZKINFER" prove "$TMP/zkcnn/model.pk" --input "$ROOT/tests/models/conv_bn.json" -o "$TMP/zkcnn.bin"
expect_exit 0 "verify (CNN, zero-knowledge)" "$ZKINFER" verify "$TMP/zkcnn/model.vk" "$TMP/zkcnn.bin"
# An EZKL example (name, label) through setup (zero knowledge by default), inspect, prove and verify.
zk_example_round_trip() {
  local dir=$ROOT/../shared/ezkl-examples/$1
  [ -f "$dir/network.onnx" ] || return 0
  expect_exit 0 "setup ($2, zero-knowledge)" "$ZKINFER" setup "$dir/network.onnx" -o "$TMP/zk_$1" --calibration "$dir/input.json"
  expect_exit 0 "inspect ($2, zero-knowledge)" "$ZKINFER" inspect "$TMP/zk_$1/model.vk"
  expect_output "inspect ($2, zero-knowledge)" '^zero-knowledge proofs: yes'
  expect_exit 0 "prove ($2, zero-knowledge)" "$ZKINFER" prove "$TMP/zk_$1/model.pk" --input "$dir/input.json" -o "$TMP/zk_$1.bin"
  expect_exit 0 "verify ($2, zero-knowledge)" "$ZKINFER" verify "$TMP/zk_$1/model.vk" "$TMP/zk_$1.bin"
}
zk_example_round_trip 1l_max_pool "max pool"
zk_example_round_trip 1l_softmax softmax
expect_exit 0 "setup (CNN, plain)" "$ZKINFER" setup "$ROOT/tests/models/conv_bn.onnx" -o "$TMP/cnn" --calibration "$ROOT/tests/models/conv_bn.json" --no-zk
expect_exit 0 "inspect (CNN, plain)" "$ZKINFER" inspect "$TMP/cnn/model.vk"
expect_output "inspect (CNN, plain)" '^zero-knowledge proofs: no'
expect_exit 2 "setup (a layer the prover does not cover)" "$ZKINFER" setup "$ROOT/tests/models/softmax_flat.onnx" -o "$TMP/flat"
grep -q "layer 'softmax' (Softmax from Softmax): not provable yet: its rows do not run along one axis" "$TMP/err" ||
  { echo "FAIL: setup of a flattened softmax names no unprovable layer"; cat "$TMP/err"; failures=$((failures + 1)); }

# Damaged proving keys: clear errors (exit 2), never a crash.
pk_size=$(stat -c %s "$TMP/keys/model.pk")
head -c $((pk_size - 1000)) "$TMP/keys/model.pk" > "$TMP/truncated.pk"
expect_exit 2 "prove (truncated key)" "$ZKINFER" prove "$TMP/truncated.pk" --input "$CREDIT/input.json" -o "$TMP/p.bin"
grep -q "truncated" "$TMP/err" || { echo "FAIL: truncated key: reason"; cat "$TMP/err"; failures=$((failures + 1)); }
# A byte of the first commitment's stored Merkle level (after the 26-byte header, the verifying
# key and the prover data's 16-byte header): the checksum.
cp "$TMP/keys/model.pk" "$TMP/flipped.pk"
printf '\x5a' | dd of="$TMP/flipped.pk" bs=1 seek=$((26 + vk_bytes + 20)) conv=notrunc status=none
expect_exit 2 "prove (corrupted key)" "$ZKINFER" prove "$TMP/flipped.pk" --input "$CREDIT/input.json" -o "$TMP/p.bin"
grep -q "checksum mismatch" "$TMP/err" || { echo "FAIL: corrupted key: reason"; cat "$TMP/err"; failures=$((failures + 1)); }
expect_exit 2 "inspect (corrupted key)" "$ZKINFER" inspect "$TMP/flipped.pk"
# A byte of the last codewords: outside the checksum; `inspect` hashes every leaf, `prove` the
# leaves it opens.
cp "$TMP/keys/model.pk" "$TMP/flipped.pk"
printf '\x5a' | dd of="$TMP/flipped.pk" bs=1 seek=$((pk_size - 100)) conv=notrunc status=none
expect_exit 2 "inspect (corrupted codewords)" "$ZKINFER" inspect "$TMP/flipped.pk"
grep -q "does not hash to the stored Merkle level" "$TMP/err" ||
  { echo "FAIL: corrupted codewords: reason"; cat "$TMP/err"; failures=$((failures + 1)); }
cp "$TMP/keys/model.pk" "$TMP/version.pk"
printf '\x02' | dd of="$TMP/version.pk" bs=1 seek=6 conv=notrunc status=none
expect_exit 2 "prove (other key version)" "$ZKINFER" prove "$TMP/version.pk" --input "$CREDIT/input.json" -o "$TMP/p.bin"
grep -q "unsupported proving key version 2" "$TMP/err" || { echo "FAIL: key version: reason"; cat "$TMP/err"; failures=$((failures + 1)); }
printf 'ZKMLVK' > "$TMP/short.vk"
expect_exit 2 "inspect (truncated verifying key)" "$ZKINFER" inspect "$TMP/short.vk"
expect_exit 2 "inspect (missing file)" "$ZKINFER" inspect "$TMP/none.vk"

# Several inputs and outputs (an EZKL example with 3 of each, when the examples are there): one
# input array per model input, output_data one array per model output (as `zkinfer run`).
ROUNDING=$ROOT/../shared/ezkl-examples/rounding_ops
if [ -f "$ROUNDING/network.onnx" ]; then
  expect_exit 0 "setup (3 inputs, 3 outputs)" "$ZKINFER" setup "$ROUNDING/network.onnx" -o "$TMP/multi" --calibration "$ROUNDING/input.json" --input public --no-zk
  expect_exit 0 "inspect (3 inputs, 3 outputs)" "$ZKINFER" inspect "$TMP/multi/model.vk"
  expect_output "inspect (3 inputs, 3 outputs)" '^inputs: 3$'
  expect_exit 0 "prove (3 inputs, 3 outputs)" "$ZKINFER" prove "$TMP/multi/model.pk" --input "$ROUNDING/input.json" -o "$TMP/multi.bin"
  cp "$TMP/out" "$TMP/multi.json"
  arrays=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["output_data"]))' "$TMP/multi.json")
  [ "$arrays" = 3 ] || { echo "FAIL: prove printed $arrays output arrays, expected 3"; failures=$((failures + 1)); }
  expect_exit 0 "verify --input --output (3 inputs, 3 outputs)" "$ZKINFER" verify "$TMP/multi/model.vk" "$TMP/multi.bin" --input "$ROUNDING/input.json" --output "$TMP/multi.json"
  /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["input_data"].pop(); json.dump(d, open(sys.argv[2], "w"))' "$ROUNDING/input.json" "$TMP/two_inputs.json"
  expect_exit 2 "prove (2 input arrays for 3 inputs)" "$ZKINFER" prove "$TMP/multi/model.pk" --input "$TMP/two_inputs.json" -o "$TMP/p.bin"
  grep -q "the model has 3 inputs, got 2" "$TMP/err" || { echo "FAIL: input count: reason"; cat "$TMP/err"; failures=$((failures + 1)); }
  /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); o=d["output_data"]; o[0], o[2] = o[2], o[0]; json.dump(d, open(sys.argv[2], "w"))' "$TMP/multi.json" "$TMP/swapped.json"
  expect_exit 1 "verify --output (outputs swapped)" "$ZKINFER" verify "$TMP/multi/model.vk" "$TMP/multi.bin" --output "$TMP/swapped.json"
  expect_exit 0 "setup (3 inputs, 3 outputs, zero-knowledge)" "$ZKINFER" setup "$ROUNDING/network.onnx" -o "$TMP/multi_zk" --calibration "$ROUNDING/input.json"
  expect_exit 0 "prove (3 inputs, 3 outputs, zero-knowledge)" "$ZKINFER" prove "$TMP/multi_zk/model.pk" --input "$ROUNDING/input.json" -o "$TMP/multi_zk.bin"
  cp "$TMP/out" "$TMP/multi_zk.json"
  expect_exit 0 "verify --output (3 inputs, 3 outputs, zero-knowledge)" "$ZKINFER" verify "$TMP/multi_zk/model.vk" "$TMP/multi_zk.bin" --output "$TMP/multi_zk.json"
  expect_exit 1 "verify --output (outputs swapped, zero-knowledge)" "$ZKINFER" verify "$TMP/multi_zk/model.vk" "$TMP/multi_zk.bin" --output "$TMP/swapped.json"
fi

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
