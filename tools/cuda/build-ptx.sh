#!/usr/bin/env bash
# Regenerates the PTX of every CUDA kernel family and the manifest that PtxManifestTest checks.
#
#   tools/cuda/build-ptx.sh            (needs nvcc; no GPU)
#
# Each engine/src/main/cuda/<family>.cu becomes resources/.../backend/cuda/<family>.ptx, built for the
# compute_80 virtual architecture: mma.sync TF32/BF16 and dp4a exist there, and the driver JIT-compiles the
# PTX for the GPU at hand (sm_80 Ampere, sm_90 Hopper, ...) when CudaModule loads it. The manifest records the
# SHA-256 of every source (including the shared header jgrad.cuh) and of every PTX, so a test fails when a
# source changed without rebuilding, naming the stale file.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
src="$root/engine/src/main/cuda"
out="$root/engine/src/main/resources/dev/jgrad/engine/backend/cuda"
arch="${JGRAD_PTX_ARCH:-compute_80}"
command -v nvcc >/dev/null || { echo "build-ptx.sh: nvcc not found (install the CUDA toolkit)" >&2; exit 1; }
mkdir -p "$out"
manifest="$out/ptx-manifest.txt"
tmp="$(mktemp)"
{
  echo "# Written by tools/cuda/build-ptx.sh; checked by PtxManifestTest. Do not edit by hand."
  echo "# nvcc: $(nvcc --version | tail -1)"
  echo "# arch: $arch"
} > "$tmp"
for cu in "$src"/*.cu; do
  name="$(basename "$cu" .cu)"
  # -lineinfo keeps source lines for profilers; --use_fast_math is deliberately off (parity with the CPU).
  nvcc -ptx -arch="$arch" -O3 -lineinfo -I"$src" "$cu" -o "$out/$name.ptx"
  # Drop the absolute paths nvcc writes into .file directives, so the PTX is the same on every machine.
  sed -i -E "s#\.file\s+([0-9]+)\s+\"[^\"]*/([^/\"]+)\"#.file \1 \"\2\"#" "$out/$name.ptx"
  printf 'ptx %s %s\n' "$name.ptx" "$(sha256sum "$out/$name.ptx" | cut -d' ' -f1)" >> "$tmp"
  printf '%-8s %6d bytes  %s.ptx\n' "$name" "$(stat -c %s "$out/$name.ptx")" "$name"
done
for f in "$src"/*.cu "$src"/*.cuh; do
  printf 'src %s %s\n' "$(basename "$f")" "$(sha256sum "$f" | cut -d' ' -f1)" >> "$tmp"
done
mv "$tmp" "$manifest"
echo "wrote $manifest"
