#!/usr/bin/env bash
# Whole-process figures of the CLI for one benchmark model (docs/benchmarks.md, "CNNs"): one
# `zkinfer setup` (8 bits, calibrated on MODEL.cal.json), then REPS runs each of `zkinfer prove`
# and `zkinfer verify --input`, timed with /usr/bin/time; prints every run and the median, min
# and max of the wall time and peak RSS as one JSON line (with prove's own --timings: the key load
# and the in-process prove).
# Usage: [ZK=1] scripts/bench_cli.sh MODEL_DIR NAME [REPS=5] [path/to/zkinfer]
#   MODEL_DIR holds NAME.onnx, NAME.json and NAME.cal.json (scripts/make_bench_models.py MODEL_DIR).
#   The input is public (so that `verify --input` checks it); proofs are plain unless ZK=1.
set -euo pipefail
dir=$1 name=$2 reps=${3:-5} zkinfer=${4:-build/bin/zkinfer}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timed() {  # timed LABEL CMD...: appends "LABEL seconds peak_kb" to $work/times
  local start end
  start=$(date +%s%N)
  /usr/bin/time -o "$work/t" -f "%M" "${@:2}" >/dev/null 2>>"$work/stderr"
  end=$(date +%s%N)
  echo "$1 $(( (end - start) / 1000 )) $(cat "$work/t")" | awk '{printf "%s %.4f %s\n", $1, $2 / 1e6, $3}' |
    tee -a "$work/times" >&2
}
echo "# $(date -u +%FT%TZ) $name: $(uptime | sed 's/.*load/load/')" >&2
mode=--no-zk
[[ "${ZK:-0}" == 1 ]] && mode=
timed setup "$zkinfer" setup "$dir/$name.onnx" -o "$work/keys" --calibration "$dir/$name.cal.json" --bits 8 \
  --input public $mode
for _ in $(seq "$reps"); do
  rm -f "$work/keys/model.pk.proofs"  # the key's proof ledger: any number of repetitions, each counted
  timed prove "$zkinfer" prove "$work/keys/model.pk" --input "$dir/$name.json" -o "$work/proof.bin" --timings
done
for _ in $(seq "$reps"); do
  timed verify "$zkinfer" verify "$work/keys/model.vk" "$work/proof.bin" --input "$dir/$name.json"
done
/usr/bin/python3 - "$work/times" "$name" "$(stat -c %s "$work/keys/model.pk")" "$(stat -c %s "$work/proof.bin")" \
  "$work/stderr" "${ZK:-0}" <<'PY'
import json, statistics, sys
timings = [json.loads(l) for l in open(sys.argv[5]) if l.startswith("{")]
runs = {}
for line in open(sys.argv[1]):
    label, sec, kb = line.split()
    runs.setdefault(label, []).append((float(sec), int(kb)))
out = {"what": "cli", "model": sys.argv[2], "zero_knowledge": sys.argv[6] == "1", "pk_bytes": int(sys.argv[3]), "proof_bytes": int(sys.argv[4])}
for label, r in runs.items():
    s = [x[0] for x in r]
    out[label] = {"median_s": statistics.median(s), "min_s": min(s), "max_s": max(s),
                  "peak_rss_mb": round(max(x[1] for x in r) / 1024, 1), "runs_s": s}
for key in ("load_key_ms", "prove_ms"):  # inside the prove process (--timings)
    v = [t[key] for t in timings]
    out["prove"][key] = {"median": round(statistics.median(v), 1), "min": round(min(v), 1), "max": round(max(v), 1)}
print(json.dumps(out))
PY
