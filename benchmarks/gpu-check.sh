#!/usr/bin/env bash
# One check of jgrad's CUDA backend on a GPU machine, under 5 minutes; prints one table at the end.
#
#   benchmarks/gpu-bundle.sh     (on a machine with Maven; builds .bundle/)
#   benchmarks/gpu-check.sh      (on the GPU machine: needs the NVIDIA driver, python3 with torch for cuBLAS)
#
# 1. the CUDA test suite: every op against the CPU backend, forward and backward (JUnit console launcher)
# 2. SGEMM n = 1024, 4096, 8192: jgrad (CudaGemmBench) vs cuBLAS through torch.matmul, FP32 / TF32 / BF16
# 3. the W2 encoder training step, GPU vs 2-thread CPU (skipped with a note until the transformer module has it)
# 4. device-memory growth over 1000 training steps (CudaMemoryCheck, allocator statistics)
# Uses .bundle/ when present (no Java or Maven needed), else the JDK and Maven on this machine.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
log="$(mktemp -d)"
declare -a rows
row() { rows+=("$(printf '%-34s | %-16s | %-16s | %s' "$1" "$2" "$3" "$4")"); }

if [[ -x .bundle/jre/bin/java ]]; then
  java=(.bundle/jre/bin/java --add-modules jdk.incubator.vector -Xss4m -Xmx8g)
  cp=.bundle/jgrad-gpu.jar
  tests=(.bundle/run-tests.sh --disable-ansi-colors)
else
  command -v mvn >/dev/null || { echo "gpu-check.sh: no .bundle/ and no Maven; run benchmarks/gpu-bundle.sh elsewhere and copy .bundle/" >&2; exit 1; }
  mvn -B -q -pl engine -DskipTests package >/dev/null
  mvn -B -q -pl engine dependency:build-classpath -Dmdep.outputFile="$log/cp.txt" >/dev/null
  java=(java --add-modules jdk.incubator.vector -Xss4m -Xmx8g)
  cp="engine/target/classes:$(cat "$log/cp.txt")"
  tests=(mvn -B -pl engine test -Dtest='dev.jgrad.engine.backend.cuda.*Test' -Dsurefire.failIfNoSpecifiedTests=false)
fi
gpu="$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
echo "== $(date -u +%Y-%m-%dT%H:%MZ) on ${gpu:-unknown GPU}"

echo "== 1/4 CUDA test suite"
t0=$SECONDS
timeout 150 "${tests[@]}" > "$log/tests.txt" 2>&1; rc=$?
passed=$(grep -Eo '[0-9]+ tests successful' "$log/tests.txt" | grep -Eo '[0-9]+' | head -1)
failed=$(grep -Eo '[0-9]+ tests failed' "$log/tests.txt" | grep -Eo '[0-9]+' | head -1)
# JUnit's console counts assumption failures (no GPU) as "aborted".
skipped=$(grep -Eo '[0-9]+ tests (skipped|aborted)' "$log/tests.txt" | grep -Eo '^[0-9]+' | paste -sd+ | bc 2>/dev/null)
[[ -z "$passed" ]] && passed=$(grep -Eo 'Tests run: [0-9]+' "$log/tests.txt" | tail -1 | grep -Eo '[0-9]+')
row "CUDA tests vs CPU (fwd+bwd)" "${passed:-?} passed" "${failed:-?} failed, ${skipped:-?} skipped" "rc $rc, $((SECONDS - t0)) s"
grep -E 'Assumption failed|✘|FAIL|expected|AssertionFailed' "$log/tests.txt" | head -20

echo "== 2/4 GEMM: jgrad vs cuBLAS (torch.matmul)"
timeout 90 python3 - > "$log/torch.txt" 2> "$log/torch.err" <<'PY'
import json, torch
dev = "cuda"
for n in (1024, 4096, 8192):
    a = torch.full((n, n), 0.5, device=dev); b = torch.full((n, n), 0.25, device=dev)
    for prec in ("FP32", "TF32", "BF16"):
        torch.backends.cuda.matmul.allow_tf32 = prec == "TF32"
        x, y = (a.bfloat16(), b.bfloat16()) if prec == "BF16" else (a, b)
        for _ in range(3): torch.matmul(x, y)
        torch.cuda.synchronize()
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        reps = 50 if n <= 4096 else 10
        s.record()
        for _ in range(reps): torch.matmul(x, y)
        e.record(); torch.cuda.synchronize()
        ms = s.elapsed_time(e) / reps
        print(json.dumps({"n": n, "precision": prec, "ms": ms, "tflops": 2 * n**3 / ms / 1e9}))
PY
timeout 120 "${java[@]}" -cp "$cp" dev.jgrad.engine.backend.cuda.CudaGemmBench 1024 4096 8192 > "$log/jgrad.txt" 2> "$log/jgrad.err"
python3 - "$log/torch.txt" "$log/jgrad.txt" > "$log/gemm.txt" <<'PY'
import json, sys
def load(p):
    out = {}
    for line in open(p):
        try: r = json.loads(line)
        except ValueError: continue
        if "n" in r: out[(r["n"], r["precision"])] = r["tflops"]
    return out
t, j = load(sys.argv[1]), load(sys.argv[2])
for key in sorted(set(t) | set(j)):
    tv, jv = t.get(key), j.get(key)
    pct = f"{100 * jv / tv:.0f}% of cuBLAS" if tv and jv else "n/a"
    print(f"SGEMM n={key[0]} {key[1]}|{'%.1f TFLOPS' % jv if jv else 'n/a'}|{'%.1f TFLOPS' % tv if tv else 'n/a'}|{pct}")
PY
while IFS='|' read -r a b c d; do row "$a" "jgrad $b" "cuBLAS $c" "$d"; done < "$log/gemm.txt"
[[ -s "$log/gemm.txt" ]] || row "SGEMM" "see $log/jgrad.err" "see $log/torch.err" "no numbers"

echo "== 3/4 W2 encoder training step"
w2=dev.jgrad.benchmarks.W2StepBench
if "${java[@]}" -cp "$cp" -XshowSettings:none "$w2" --help >/dev/null 2>&1 || unzip -l "${cp%%:*}" 2>/dev/null | grep -q "${w2//.//}.class"; then
  timeout 60 "${java[@]}" -cp "$cp" "$w2" > "$log/w2.txt" 2>&1
  row "W2 step GPU vs CPU (2 threads)" "$(head -1 "$log/w2.txt")" "" ""
else
  row "W2 step GPU vs CPU (2 threads)" "skipped" "" "no $w2 yet (transformer module not merged)"
fi

echo "== 4/4 memory growth over 1000 steps"
timeout 90 "${java[@]}" -Djgrad.cuda.gcThresholdMB=256 -cp "$cp" dev.jgrad.engine.backend.cuda.CudaMemoryCheck 1000 > "$log/mem.txt" 2> "$log/mem.err"
mem="$(grep '^{' "$log/mem.txt" | tail -1)"
if [[ "$mem" == *skipped* ]]; then
  row "device memory, 1000 steps" "skipped" "" "$mem"
elif [[ -n "$mem" ]]; then
  verdict="$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); ok=r.get("growthMB",1)<=0 and r.get("liveGrowthMB",1)<=1; print(("OK" if ok else "GROWTH")+", reserved %.0f MB, live growth %.2f MB, %.1f s" % (r.get("reservedEndMB",0), r.get("liveGrowthMB",0), r.get("seconds",0)))' "$mem" 2>/dev/null)"
  row "device memory, 1000 steps" "growth $(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("growthMB","?"))' "$mem") MB" "" "$verdict"
else
  row "device memory, 1000 steps" "error" "" "see $log/mem.err"
fi

echo
echo "jgrad GPU check — $(date -u +%Y-%m-%d) — ${gpu:-unknown GPU}"
printf '%-34s | %-16s | %-16s | %s\n' "check" "jgrad" "reference" "result"
printf -- '-%.0s' {1..100}; echo
for r in "${rows[@]}"; do echo "$r"; done
echo "(logs in $log; total $SECONDS s)"
