#!/usr/bin/env python3
"""Side-by-side: jgrad's CPU kernels vs the numpy/PyTorch anchors, interleaved in one run, same thread counts.

    /work/venv/bin/python benchmarks/compare.py --threads 1,2 --rounds 3 [--write-results]

Workloads (the shapes of ../shared/anchors, w1_sgemm.py numpy and w5_membound.py torch):
  gemm n   = 512, 1024, 2048   numpy.matmul (OpenBLAS)        GFLOP/s = 2n^3 / t
  softmax   4096x1024          torch.softmax(x, -1)            GB/s = (bytes in + bytes out) / t
  layernorm 4096x768           F.layer_norm (affine)
  gelu      16M floats         F.gelu (erf)
  copy      64M floats (256MB) dst.copy_(src)
  copy 16MB and 12MB, softmax 1024x1024, layernorm 1024x768: no anchors; the same bytes as softmax's and
            layernorm's rows in and out, and the two kernels with their rows in L3 (no target)
  W2 encoder-step / encoder-infer, W3 decoder-step, W6 mha seq 128/512 (w2_encoder.py, w3_decoder.py, w6_mha.py,
     models.py): ms per step, lower is better, so their ratio target is "<= 1.0x"

Method: for every round, thread count and workload, jgrad (`java ... dev.jgrad.cli.BenchCommand <kernel> --json`,
a fresh JVM with warm-up) and then the reference (a fresh Python process timed with the anchors' common.bench)
run back to back, so both see the same machine state. Each side reports its median; the table shows the median
over rounds, the ratio jgrad/reference of those medians, and each round's own ratio (its pair's). The reference
runs with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed and its thread variables set to T; the OpenBLAS kernel in
use (threadpoolctl) is printed.
Needs the benchmarks jar: mvn -B -q -pl engine,cli,benchmarks -am package -DskipTests
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# (name, jgrad kernel + size args, reference kind, unit, target ratio)
def workloads(sizes):
    w = [("gemm n=%d" % n, ["gemm", "--n", str(n)], ("gemm", n), "GFLOP/s", 0.8) for n in sizes]
    w += [
        ("softmax 4096x1024", ["softmax", "--rows", "4096", "--cols", "1024"], ("softmax", 4096, 1024), "GB/s", 1.5),
        ("layernorm 4096x768", ["layernorm", "--rows", "4096", "--cols", "768"], ("layernorm", 4096, 768), "GB/s", 1.5),
        ("gelu(erf) 16M", ["gelu", "--n", str(16 << 20)], ("gelu",), "GB/s", 1.5),
        ("copy 256MB", ["copy", "--n", str(64 << 20)], ("copy", 64 << 20), "GB/s", None),
        # the memory side of the two row kernels: a copy of the same bytes, and the kernels on a quarter of the
        # rows, whose bytes stay in L3
        ("copy 16MB", ["copy", "--n", str(4 << 20)], ("copy", 4 << 20), "GB/s", None),
        ("copy 12MB", ["copy", "--n", str(3 << 20)], ("copy", 3 << 20), "GB/s", None),
        ("softmax 1024x1024", ["softmax", "--rows", "1024", "--cols", "1024"], ("softmax", 1024, 1024), "GB/s", None),
        ("layernorm 1024x768", ["layernorm", "--rows", "1024", "--cols", "768"], ("layernorm", 1024, 768), "GB/s", None),
        ("W2 encoder-step", ["encoder-step"], ("w2_train",), "ms", 1.0),
        ("W2 encoder-infer", ["encoder-infer"], ("w2_infer",), "ms", None),
        ("W3 decoder-step", ["decoder-step"], ("w3_train",), "ms", 1.0),
        ("W6 mha seq=128", ["mha", "--n", "128"], ("w6", 128), "ms", None),
        ("W6 mha seq=512", ["mha", "--n", "512"], ("w6", 512), "ms", None),
    ]
    return w


def model_reference(spec, torch):
    """The PyTorch side of the model workloads, exactly as the anchors build them; returns (step, impl)."""
    import torch.nn.functional as F
    from models import EncoderClassifier, DecoderLM, encoder_batch, lm_batch, VOCAB
    kind = spec[0]
    if kind in ("w2_train", "w2_infer"):
        ids, pad_mask, labels = encoder_batch()
        model = EncoderClassifier()
        if kind == "w2_infer":
            model.eval()
            def step():
                with torch.no_grad():
                    model(ids, pad_mask)
            return step
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
        model.train()
        def step():
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(ids, pad_mask), labels).backward()
            opt.step()
        return step
    if kind == "w3_train":
        x, y = lm_batch()
        model = DecoderLM(tied=False)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
        model.train()
        def step():
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1)).backward()
            opt.step()
        return step
    mha = torch.nn.MultiheadAttention(256, 4, batch_first=True).eval()
    x = torch.randn(16, spec[1], 256)
    def step():
        with torch.no_grad():
            mha(x, x, x, need_weights=False)
    return step


# ------------------------------------------------------------------ reference side (runs in a child process)

def ref_worker(spec, threads, anchors):
    """Times one reference workload; prints one JSON line {median, min, max, impl, blas}."""
    sys.path.insert(0, anchors)
    from common import bench, blas_info, setup_torch
    kind = spec[0]
    if kind == "gemm":
        import numpy as np
        import threadpoolctl
        threadpoolctl.threadpool_limits(limits=threads, user_api="blas")
        n = spec[1]
        rng = np.random.default_rng(0)
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        fn, work, impl = (lambda: np.matmul(a, b, out=c)), 2.0 * n ** 3, "numpy " + np.__version__
        big = n >= 2048
        r = bench(fn, warmup=1 if big else 2, min_reps=3 if big else 5, max_reps=30, budget_s=3.0)
    elif kind in ("w2_train", "w2_infer", "w3_train", "w6"):
        import warnings
        warnings.filterwarnings("ignore")
        torch = setup_torch(threads)
        step = model_reference(spec, torch)
        r = bench(step, warmup=2, min_reps=5, max_reps=20, budget_s=4.0)
        print(json.dumps(dict(median=r["median_s"] * 1e3, min=r["min_s"] * 1e3, max=r["max_s"] * 1e3,
                              impl="torch " + torch.__version__, blas=[])))
        return
    else:
        torch = setup_torch(threads)
        import torch.nn.functional as F
        if kind == "softmax":
            x = torch.randn(spec[1], spec[2])
            fn = lambda: torch.softmax(x, dim=-1)
            work = 2 * x.numel() * 4
        elif kind == "layernorm":
            x = torch.randn(spec[1], spec[2]); g = torch.ones(spec[2]); bb = torch.zeros(spec[2])
            fn = lambda: F.layer_norm(x, (spec[2],), g, bb)
            work = 2 * x.numel() * 4
        elif kind == "gelu":
            x = torch.randn(16 * 2 ** 20)
            fn = lambda: F.gelu(x)
            work = 2 * x.numel() * 4
        else:
            src = torch.ones(spec[1]); dst = torch.empty_like(src)
            fn = lambda: dst.copy_(src)
            work = 2 * src.numel() * 4
        impl = "torch " + torch.__version__
        r = bench(fn, warmup=3, min_reps=9, max_reps=60, budget_s=2.0)
    scale = 1e9
    blas = [(d.get("internal_api"), d.get("architecture"), d.get("num_threads")) for d in blas_info()]
    print(json.dumps(dict(median=work / r["median_s"] / scale, min=work / r["max_s"] / scale,
                          max=work / r["min_s"] / scale, impl=impl, blas=blas)))


def run_reference(spec, threads, anchors):
    env = dict(os.environ)
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(k, None)
    for k in ("ANCHOR_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = str(threads)
    cmd = [sys.executable, os.path.abspath(__file__), "--ref-worker", json.dumps(list(spec)),
           "--threads", str(threads), "--anchors", anchors]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# ------------------------------------------------------------------ jgrad side

def run_jgrad(java, jar, args, threads, min_time_ms):
    cmd = [java, "--add-modules", "jdk.incubator.vector", "-Xmx4g", "-cp", jar, "dev.jgrad.cli.BenchCommand",
           *args, "--threads", str(threads), "--json", "--min-time-ms", str(min_time_ms)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("jgrad bench failed (%s):\n%s" % (" ".join(cmd), p.stderr))
    return json.loads(p.stdout.strip().splitlines()[-1])


def machine():
    model, flags = "?", ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "?":
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags") and not flags:
                    fl = line.split(":", 1)[1].split()
                    flags = " ".join(x for x in ("avx2", "fma", "avx512f") if x in fl)
    except OSError:
        pass
    return "%s, %d cores, %s, %s" % (model, os.cpu_count(), flags, platform.platform())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians of the rounds are reported")
    ap.add_argument("--sizes", default="512,1024,2048", help="GEMM sizes")
    ap.add_argument("--only", default="", help="comma-separated workload prefixes, e.g. gemm,softmax")
    ap.add_argument("--jar", default=os.path.join(HERE, "target", "benchmarks.jar"))
    ap.add_argument("--java", default="java")
    ap.add_argument("--anchors", default=os.path.join(ROOT, "..", "shared", "anchors"))
    ap.add_argument("--min-time-ms", type=int, default=1500, help="jgrad's timing budget per measurement")
    ap.add_argument("--write-results", action="store_true", help="also write benchmarks/RESULTS.md")
    ap.add_argument("--ref-worker", help=argparse.SUPPRESS)
    a = ap.parse_args()
    anchors = os.path.abspath(a.anchors)
    if a.ref_worker:
        ref_worker(json.loads(a.ref_worker), int(a.threads), anchors)
        return
    if not os.path.exists(a.jar):
        raise SystemExit("no %s: build it with mvn -B -q -pl engine,cli,benchmarks -am package -DskipTests" % a.jar)
    threads = [int(t) for t in a.threads.split(",")]
    wl = workloads([int(s) for s in a.sizes.split(",")])
    if a.only:
        wl = [w for w in wl if any(w[0].startswith(p) for p in a.only.split(","))]
    results = {}  # (name, T) -> {"jgrad": [...], "ref": [...]}
    impls = {}
    for rnd in range(a.rounds):
        for t in threads:
            for name, jargs, spec, unit, target in wl:
                j = run_jgrad(a.java, a.jar, jargs, t, a.min_time_ms)
                r = run_reference(spec, t, anchors)
                cell = results.setdefault((name, t), {"jgrad": [], "ref": []})
                cell["jgrad"].append(j["median"])
                cell["ref"].append(r["median"])
                impls[name] = r["impl"] + ((" " + str(r["blas"])) if spec[0] == "gemm" else "")
                print("round %d T=%d %-20s jgrad %8.2f  ref %8.2f %s" % (rnd + 1, t, name, j["median"], r["median"], unit),
                      file=sys.stderr, flush=True)
    lines = ["| workload | threads | jgrad | reference | unit | ratio | each round | target | met |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, jargs, spec, unit, target in wl:
        for t in threads:
            c = results[(name, t)]
            jm, rm = statistics.median(c["jgrad"]), statistics.median(c["ref"])
            ratio = jm / rm
            lower_is_better = unit == "ms"
            ok = target is not None and (ratio <= target if lower_is_better else ratio >= target)
            met = "" if target is None else ("yes" if ok else "**no**")
            shown = "-" if target is None else ("≤ %.1f×" if lower_is_better else "≥ %.1f×") % target
            # each round's pair ran back to back: on a machine whose neighbours slow it for minutes at a time,
            # these show which rounds both sides (or one) lost
            rounds = " / ".join("%.2f" % (j / r) for j, r in zip(c["jgrad"], c["ref"]))
            lines.append("| %s | %d | %.1f | %.1f | %s | %.2f | %s | %s | %s |" % (name, t, jm, rm, unit, ratio, rounds, shown, met))
    table = "\n".join(lines)
    refs = "\n".join("- %s: %s" % (k, v) for k, v in impls.items())
    print(table)
    print(refs)
    if a.write_results:
        java_version = subprocess.run([a.java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
        cmd = "python " + " ".join([os.path.relpath(__file__, ROOT)] + sys.argv[1:])
        section = ("<!-- compare.py:begin -->\n"
                   "Latest output of `benchmarks/compare.py` (ratio = jgrad / reference of the medians of %d interleaved "
                   "rounds; each round: that round's pair, run back to back).\n\n" % a.rounds
                   + "- date: %s\n- machine: %s\n- java: %s\n- command: `%s`\n\n" % (
                       datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), machine(), java_version, cmd)
                   + table + "\n\nReferences:\n" + refs + "\n<!-- compare.py:end -->")
        path = os.path.join(HERE, "RESULTS.md")
        old = open(path).read() if os.path.exists(path) else "# jgrad vs numpy / PyTorch, side by side\n\n"
        begin, end = old.find("<!-- compare.py:begin -->"), old.find("<!-- compare.py:end -->")
        if begin >= 0 and end > begin:  # replace only the generated section; the analysis around it stays
            new = old[:begin] + section + old[end + len("<!-- compare.py:end -->"):]
        else:
            new = old.rstrip("\n") + "\n\n" + section + "\n"
        with open(path + ".tmp", "w") as f:
            f.write(new)
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
