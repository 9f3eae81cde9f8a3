// Batched GEMM C[b] (+)= A[b]·B[b] with A: [M, K], B: [K, N] read through arbitrary strides (so transposes
// are free) and C written with unit column stride. Three kernels share one tiling scheme:
//   gemm_f32   SIMT: 128x128 block tile, BK = 8, 256 threads, an 8x8 register block per thread.
//   gemm_tf32  tensor cores: mma.sync m16n8k8 TF32 inputs, FP32 accumulate, 128x128 block, BK = 16.
//   gemm_bf16  tensor cores: mma.sync m16n8k16 BF16 inputs (rounded to nearest even), FP32 accumulate.
// All three prefetch the next K tile into registers while computing on the current one (software
// pipelining) so global-memory latency overlaps with the FMAs / MMAs.
#include "jgrad.cuh"
#include <cuda_bf16.h>

// Packed by CudaGemm.java in this order.
struct GemmArgs {
    int batch, m, n, k;
    int aOffset, aBatch, aRow, aCol;
    int bOffset, bBatch, bRow, bCol;
    int cOffset, cBatch, cRow;
    int accumulate;
};

__device__ __forceinline__ void store_c(const GemmArgs& g, float* C, int z, int row, int col, float v) {
    if (row < g.m && col < g.n) {
        float* p = C + g.cOffset + (size_t) z * g.cBatch + (size_t) row * g.cRow + col;
        *p = g.accumulate ? *p + v : v;
    }
}

// Loads element (r, c) of a strided operand, or 0 outside [rows, cols): tiles past the edge are zero-padded.
__device__ __forceinline__ float load_op(const float* p, int off, int rs, int cs, int r, int c, int rows, int cols) {
    return (r < rows && c < cols) ? p[off + (size_t) r * rs + (size_t) c * cs] : 0.f;
}

// ---------------------------------------------------------------------------------------------------
// SIMT FP32. Thread (tx, ty) of a 16x16 grid owns rows {ty*4..ty*4+3, 64+ty*4..} and the same pattern of
// columns, so its shared-memory reads are float4s and a warp touches few banks.
#define F_BM 128
#define F_BN 128
#define F_BK 8

extern "C" __global__ void __launch_bounds__(256) gemm_f32(GemmArgs g, const float* A, const float* B, float* C) {
    __shared__ __align__(16) float As[F_BK][F_BM + 4]; // [k][m]: a column of A is contiguous
    __shared__ __align__(16) float Bs[F_BK][F_BN + 4]; // [k][n]
    const int tid = threadIdx.x, tx = tid & 15, ty = tid >> 4;
    const int m0 = blockIdx.y * F_BM, n0 = blockIdx.x * F_BN;
    // Map threads along whichever dimension is contiguous in memory, so global loads coalesce.
    const bool aK = g.aCol == 1, bN = g.bCol == 1;
    for (int z = blockIdx.z; z < g.batch; z += gridDim.z) {
        const int ao = g.aOffset + z * g.aBatch, bo = g.bOffset + z * g.bBatch;
        float acc[8][8];
#pragma unroll
        for (int i = 0; i < 8; i++)
#pragma unroll
            for (int j = 0; j < 8; j++) acc[i][j] = 0.f;
        float ra[4], rb[4];
        int am[4], ak[4], bk[4], bn[4];
#pragma unroll
        for (int i = 0; i < 4; i++) {
            if (aK) { ak[i] = tid & 7; am[i] = (tid >> 3) + 32 * i; } else { am[i] = tid & 127; ak[i] = (tid >> 7) + 2 * i; }
            if (bN) { bn[i] = tid & 127; bk[i] = (tid >> 7) + 2 * i; } else { bk[i] = tid & 7; bn[i] = (tid >> 3) + 32 * i; }
        }
#pragma unroll
        for (int i = 0; i < 4; i++) {
            ra[i] = load_op(A, ao, g.aRow, g.aCol, m0 + am[i], ak[i], g.m, g.k);
            rb[i] = load_op(B, bo, g.bRow, g.bCol, bk[i], n0 + bn[i], g.k, g.n);
        }
        for (int k0 = 0; k0 < g.k; k0 += F_BK) {
#pragma unroll
            for (int i = 0; i < 4; i++) { As[ak[i]][am[i]] = ra[i]; Bs[bk[i]][bn[i]] = rb[i]; }
            __syncthreads();
            if (k0 + F_BK < g.k) { // prefetch the next tile; the loads fly while we compute
#pragma unroll
                for (int i = 0; i < 4; i++) {
                    ra[i] = load_op(A, ao, g.aRow, g.aCol, m0 + am[i], k0 + F_BK + ak[i], g.m, g.k);
                    rb[i] = load_op(B, bo, g.bRow, g.bCol, k0 + F_BK + bk[i], n0 + bn[i], g.k, g.n);
                }
            }
#pragma unroll
            for (int kk = 0; kk < F_BK; kk++) {
                float a[8], b[8];
                *(float4*) &a[0] = *(const float4*) &As[kk][ty * 4];
                *(float4*) &a[4] = *(const float4*) &As[kk][64 + ty * 4];
                *(float4*) &b[0] = *(const float4*) &Bs[kk][tx * 4];
                *(float4*) &b[4] = *(const float4*) &Bs[kk][64 + tx * 4];
#pragma unroll
                for (int i = 0; i < 8; i++)
#pragma unroll
                    for (int j = 0; j < 8; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
            }
            __syncthreads();
        }
#pragma unroll
        for (int i = 0; i < 8; i++) {
            int row = m0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + i - 4);
#pragma unroll
            for (int j = 0; j < 8; j++) {
                int col = n0 + (j < 4 ? tx * 4 + j : 64 + tx * 4 + j - 4);
                store_c(g, C, z, row, col, acc[i][j]);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Tensor cores. 8 warps as 2 (M) x 4 (N); each warp owns a 64x32 tile = 4x4 MMA tiles of 16x8.
// Fragment layouts (PTX ISA, "Matrix fragments for mma.m16n8k8 / m16n8k16"), with g = lane/4, t = lane%4:
//   C/D (16x8, f32): c0 (g, 2t), c1 (g, 2t+1), c2 (g+8, 2t), c3 (g+8, 2t+1)
//   TF32 A (16x8): a0 (g, t), a1 (g+8, t), a2 (g, t+4), a3 (g+8, t+4);  B (8x8): b0 (k=t, n=g), b1 (k=t+4, n=g)
//   BF16 A (16x16): reg0 (g, 2t..2t+1), reg1 (g+8, 2t..), reg2 (g, 2t+8..), reg3 (g+8, 2t+8..)
//        B (16x8):  reg0 (k=2t..2t+1, n=g), reg1 (k=2t+8.., n=g)
#define T_BM 128
#define T_BN 128
#define T_BK 16

__device__ __forceinline__ unsigned to_tf32(float x) {
    unsigned r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
    return r;
}

__device__ __forceinline__ void mma_tf32(float* c, unsigned a0, unsigned a1, unsigned a2, unsigned a3, unsigned b0, unsigned b1) {
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
}

__device__ __forceinline__ void mma_bf16(float* c, unsigned a0, unsigned a1, unsigned a2, unsigned a3, unsigned b0, unsigned b1) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
}

// Which (row, col) of the 128x16 A tile and 16x128 B tile thread tid loads as its i-th of 8 elements.
__device__ __forceinline__ void tile_coords(bool aK, bool bN, int tid, int i, int& am, int& ak, int& bk, int& bn) {
    if (aK) { ak = tid & 15; am = (tid >> 4) + 16 * i; } else { am = tid & 127; ak = (tid >> 7) + 2 * i; }
    if (bN) { bn = tid & 127; bk = (tid >> 7) + 2 * i; } else { bk = tid & 15; bn = (tid >> 4) + 16 * i; }
}

extern "C" __global__ void __launch_bounds__(256) gemm_tf32(GemmArgs g, const float* A, const float* B, float* C) {
    __shared__ unsigned As[T_BM][T_BK + 4]; // [m][k], row stride 20 words: fragment reads hit 32 distinct banks
    __shared__ unsigned Bs[T_BK][T_BN + 8]; // [k][n], row stride 136 words: likewise
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    const int wm = (warp >> 2) * 64, wn = (warp & 3) * 32, gq = lane >> 2, tq = lane & 3;
    const int m0 = blockIdx.y * T_BM, n0 = blockIdx.x * T_BN;
    const bool aK = g.aCol == 1, bN = g.bCol == 1;
    for (int z = blockIdx.z; z < g.batch; z += gridDim.z) {
        const int ao = g.aOffset + z * g.aBatch, bo = g.bOffset + z * g.bBatch;
        float acc[4][4][4];
#pragma unroll
        for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++)
#pragma unroll
                for (int r = 0; r < 4; r++) acc[i][j][r] = 0.f;
        float ra[8], rb[8];
#pragma unroll
        for (int i = 0; i < 8; i++) {
            int am, ak, bk, bn;
            tile_coords(aK, bN, tid, i, am, ak, bk, bn);
            ra[i] = load_op(A, ao, g.aRow, g.aCol, m0 + am, ak, g.m, g.k);
            rb[i] = load_op(B, bo, g.bRow, g.bCol, bk, n0 + bn, g.k, g.n);
        }
        for (int k0 = 0; k0 < g.k; k0 += T_BK) {
#pragma unroll
            for (int i = 0; i < 8; i++) {
                int am, ak, bk, bn;
                tile_coords(aK, bN, tid, i, am, ak, bk, bn);
                As[am][ak] = to_tf32(ra[i]);
                Bs[bk][bn] = to_tf32(rb[i]);
            }
            __syncthreads();
            if (k0 + T_BK < g.k) {
#pragma unroll
                for (int i = 0; i < 8; i++) {
                    int am, ak, bk, bn;
                    tile_coords(aK, bN, tid, i, am, ak, bk, bn);
                    ra[i] = load_op(A, ao, g.aRow, g.aCol, m0 + am, k0 + T_BK + ak, g.m, g.k);
                    rb[i] = load_op(B, bo, g.bRow, g.bCol, k0 + T_BK + bk, n0 + bn, g.k, g.n);
                }
            }
#pragma unroll
            for (int kk = 0; kk < T_BK; kk += 8) {
                unsigned a[4][4], b[4][2];
#pragma unroll
                for (int i = 0; i < 4; i++) {
                    int r = wm + i * 16 + gq;
                    a[i][0] = As[r][kk + tq];
                    a[i][1] = As[r + 8][kk + tq];
                    a[i][2] = As[r][kk + tq + 4];
                    a[i][3] = As[r + 8][kk + tq + 4];
                }
#pragma unroll
                for (int j = 0; j < 4; j++) {
                    int c = wn + j * 8 + gq;
                    b[j][0] = Bs[kk + tq][c];
                    b[j][1] = Bs[kk + tq + 4][c];
                }
#pragma unroll
                for (int i = 0; i < 4; i++)
#pragma unroll
                    for (int j = 0; j < 4; j++) mma_tf32(acc[i][j], a[i][0], a[i][1], a[i][2], a[i][3], b[j][0], b[j][1]);
            }
            __syncthreads();
        }
#pragma unroll
        for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++) {
                int r = m0 + wm + i * 16 + gq, c = n0 + wn + j * 8 + tq * 2;
                store_c(g, C, z, r, c, acc[i][j][0]);
                store_c(g, C, z, r, c + 1, acc[i][j][1]);
                store_c(g, C, z, r + 8, c, acc[i][j][2]);
                store_c(g, C, z, r + 8, c + 1, acc[i][j][3]);
            }
    }
}

extern "C" __global__ void __launch_bounds__(256) gemm_bf16(GemmArgs g, const float* A, const float* B, float* C) {
    // Both tiles k-contiguous, so one 32-bit shared load yields the two adjacent-k bf16 values a register holds.
    // Row stride 24 bf16 = 12 words: the 8x4 (g, t) fragment reads land in 32 distinct banks.
    __shared__ __align__(16) __nv_bfloat16 As[T_BM][T_BK + 8]; // [m][k]
    __shared__ __align__(16) __nv_bfloat16 Bs[T_BN][T_BK + 8]; // [n][k]: B transposed
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    const int wm = (warp >> 2) * 64, wn = (warp & 3) * 32, gq = lane >> 2, tq = lane & 3;
    const int m0 = blockIdx.y * T_BM, n0 = blockIdx.x * T_BN;
    const bool aK = g.aCol == 1, bN = g.bCol == 1;
    for (int z = blockIdx.z; z < g.batch; z += gridDim.z) {
        const int ao = g.aOffset + z * g.aBatch, bo = g.bOffset + z * g.bBatch;
        float acc[4][4][4];
#pragma unroll
        for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++)
#pragma unroll
                for (int r = 0; r < 4; r++) acc[i][j][r] = 0.f;
        float ra[8], rb[8];
#pragma unroll
        for (int i = 0; i < 8; i++) {
            int am, ak, bk, bn;
            tile_coords(aK, bN, tid, i, am, ak, bk, bn);
            ra[i] = load_op(A, ao, g.aRow, g.aCol, m0 + am, ak, g.m, g.k);
            rb[i] = load_op(B, bo, g.bRow, g.bCol, bk, n0 + bn, g.k, g.n);
        }
        for (int k0 = 0; k0 < g.k; k0 += T_BK) {
#pragma unroll
            for (int i = 0; i < 8; i++) {
                int am, ak, bk, bn;
                tile_coords(aK, bN, tid, i, am, ak, bk, bn);
                As[am][ak] = __float2bfloat16_rn(ra[i]);
                Bs[bn][bk] = __float2bfloat16_rn(rb[i]);
            }
            __syncthreads();
            if (k0 + T_BK < g.k) {
#pragma unroll
                for (int i = 0; i < 8; i++) {
                    int am, ak, bk, bn;
                    tile_coords(aK, bN, tid, i, am, ak, bk, bn);
                    ra[i] = load_op(A, ao, g.aRow, g.aCol, m0 + am, k0 + T_BK + ak, g.m, g.k);
                    rb[i] = load_op(B, bo, g.bRow, g.bCol, k0 + T_BK + bk, n0 + bn, g.k, g.n);
                }
            }
            unsigned a[4][4], b[4][2];
#pragma unroll
            for (int i = 0; i < 4; i++) {
                int r = wm + i * 16 + gq;
                a[i][0] = *(const unsigned*) &As[r][2 * tq];
                a[i][1] = *(const unsigned*) &As[r + 8][2 * tq];
                a[i][2] = *(const unsigned*) &As[r][2 * tq + 8];
                a[i][3] = *(const unsigned*) &As[r + 8][2 * tq + 8];
            }
#pragma unroll
            for (int j = 0; j < 4; j++) {
                int c = wn + j * 8 + gq;
                b[j][0] = *(const unsigned*) &Bs[c][2 * tq];
                b[j][1] = *(const unsigned*) &Bs[c][2 * tq + 8];
            }
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) mma_bf16(acc[i][j], a[i][0], a[i][1], a[i][2], a[i][3], b[j][0], b[j][1]);
            __syncthreads();
        }
#pragma unroll
        for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++) {
                int r = m0 + wm + i * 16 + gq, c = n0 + wn + j * 8 + tq * 2;
                store_c(g, C, z, r, c, acc[i][j][0]);
                store_c(g, C, z, r, c + 1, acc[i][j][1]);
                store_c(g, C, z, r + 8, c, acc[i][j][2]);
                store_c(g, C, z, r + 8, c + 1, acc[i][j][3]);
            }
    }
}
