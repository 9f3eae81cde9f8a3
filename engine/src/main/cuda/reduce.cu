// Reductions of a contiguous [outer, len, inner] tensor along the middle axis.
// Sums accumulate in double (as the CPU reference does); MAX/MIN propagate NaN.
// inner == 1 (reducing the last dim, the common case) takes one block per row so reads are coalesced;
// otherwise one thread per output walks its column, and neighbouring threads read neighbouring elements.
#include "jgrad.cuh"

#define OP_SUM 0
#define OP_MAX 1
#define OP_MIN 2

__device__ __forceinline__ double reduce_init(int op) {
    return op == OP_SUM ? 0.0 : (op == OP_MAX ? -INFINITY : INFINITY);
}

__device__ __forceinline__ double reduce_step(int op, double acc, double v) {
    return op == OP_SUM ? acc + v : (op == OP_MAX ? jg_max(acc, v) : jg_min(acc, v));
}

// grid.x = outer (grid-stride), blockDim.x a multiple of 32.
extern "C" __global__ void reduce_rows(int op, const float* x, int outer, int len, float* out) {
    __shared__ double partial[32];
    for (int row = blockIdx.x; row < outer; row += gridDim.x) {
        const float* xr = x + (size_t) row * len;
        double acc = reduce_init(op);
        for (int j = threadIdx.x; j < len; j += blockDim.x) acc = reduce_step(op, acc, xr[j]);
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) acc = reduce_step(op, acc, __shfl_xor_sync(0xffffffffu, acc, o));
        int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
        if (lane == 0) partial[warp] = acc;
        __syncthreads();
        if (warp == 0) {
            acc = lane < warps ? partial[lane] : reduce_init(op);
#pragma unroll
            for (int o = 16; o > 0; o >>= 1) acc = reduce_step(op, acc, __shfl_xor_sync(0xffffffffu, acc, o));
            if (lane == 0) out[row] = (float) acc;
        }
        __syncthreads();
    }
}

extern "C" __global__ void reduce_cols(int op, const float* x, int outer, int len, int inner, float* out) {
    int total = outer * inner;
    for (int o = blockIdx.x * blockDim.x + threadIdx.x; o < total; o += gridDim.x * blockDim.x) {
        int p = o / inner, q = o % inner;
        const float* xc = x + (size_t) p * len * inner + q;
        double acc = reduce_init(op);
        for (int r = 0; r < len; r++) acc = reduce_step(op, acc, xc[(size_t) r * inner]);
        out[o] = (float) acc;
    }
}

// Whether candidate (v, i) beats the current best (bv, bi): the first NaN wins, then the larger (smaller)
// value, then the smaller index, which makes the result independent of the reduction order.
__device__ __forceinline__ bool arg_better(int isMax, float v, int i, float bv, int bi) {
    bool vn = v != v, bn = bv != bv;
    if (bn || vn) return vn && (!bn || i < bi);
    if (v == bv) return i < bi;
    return isMax ? v > bv : v < bv;
}

extern "C" __global__ void argreduce_rows(int isMax, const float* x, int outer, int len, float* values, long long* indices) {
    __shared__ float pv[32];
    __shared__ int pi[32];
    for (int row = blockIdx.x; row < outer; row += gridDim.x) {
        const float* xr = x + (size_t) row * len;
        float bv = xr[0];
        int bi = 0;
        for (int j = threadIdx.x; j < len; j += blockDim.x) {
            if (arg_better(isMax, xr[j], j, bv, bi)) { bv = xr[j]; bi = j; }
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) {
            float ov = __shfl_xor_sync(0xffffffffu, bv, o);
            int oi = __shfl_xor_sync(0xffffffffu, bi, o);
            if (arg_better(isMax, ov, oi, bv, bi)) { bv = ov; bi = oi; }
        }
        int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
        if (lane == 0) { pv[warp] = bv; pi[warp] = bi; }
        __syncthreads();
        if (warp == 0) {
            bv = pv[0]; bi = pi[0];
            if (lane < warps) { bv = pv[lane]; bi = pi[lane]; }
#pragma unroll
            for (int o = 16; o > 0; o >>= 1) {
                float ov = __shfl_xor_sync(0xffffffffu, bv, o);
                int oi = __shfl_xor_sync(0xffffffffu, bi, o);
                if (arg_better(isMax, ov, oi, bv, bi)) { bv = ov; bi = oi; }
            }
            if (lane == 0) { values[row] = bv; indices[row] = bi; }
        }
        __syncthreads();
    }
}

extern "C" __global__ void argreduce_cols(int isMax, const float* x, int outer, int len, int inner,
                                          float* values, long long* indices) {
    int total = outer * inner;
    for (int o = blockIdx.x * blockDim.x + threadIdx.x; o < total; o += gridDim.x * blockDim.x) {
        int p = o / inner, q = o % inner;
        const float* xc = x + (size_t) p * len * inner + q;
        float bv = xc[0];
        int bi = 0;
        for (int r = 1; r < len && bv == bv; r++) {
            float c = xc[(size_t) r * inner];
            if (c != c || (isMax ? c > bv : c < bv)) { bv = c; bi = r; }
        }
        values[o] = bv;
        indices[o] = bi;
    }
}
