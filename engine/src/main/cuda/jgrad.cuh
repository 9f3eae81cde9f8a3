// Shared helpers for jgrad's kernels: the strided indexer, block reductions, NaN-aware min/max.
// Every kernel is extern "C" so that the Java side finds it by its plain name (cuModuleGetFunction).
#pragma once
#include <stdint.h>

// Up to 8 dims and 4 operands: what one elementwise kernel reads through arbitrary strides. The host
// (CudaStrided.java) merges contiguous dims first, so 8 covers every layout jgrad makes in practice.
#define JG_MAX_DIMS 8
#define JG_MAX_OPS 4

// Passed by value as a kernel parameter; the Java side packs exactly these ints in this order.
struct Strided {
    int ndim;
    int n;                               // number of elements (the product of shape)
    int shape[JG_MAX_DIMS];
    int stride[JG_MAX_OPS][JG_MAX_DIMS]; // element strides per operand; 0 broadcasts
    int offset[JG_MAX_OPS];
};

// Element offsets of linear (row-major) index i for the first `ops` operands.
template <int OPS>
__device__ __forceinline__ void jg_offsets(const Strided& s, int i, int* off) {
#pragma unroll
    for (int k = 0; k < OPS; k++) off[k] = s.offset[k];
    for (int d = s.ndim - 1; d >= 0; d--) {
        int size = s.shape[d];
        int c = i % size;
        i /= size;
#pragma unroll
        for (int k = 0; k < OPS; k++) off[k] += c * s.stride[k][d];
    }
}

// Java's Math.max/min: NaN wins (CUDA's fmaxf/fminf would drop it).
__device__ __forceinline__ double jg_max(double a, double b) { return (a != a || b != b) ? (a + b) : (a > b ? a : b); }
__device__ __forceinline__ double jg_min(double a, double b) { return (a != a || b != b) ? (a + b) : (a < b ? a : b); }
__device__ __forceinline__ float jg_maxf(float a, float b) { return (a != a || b != b) ? (a + b) : (a > b ? a : b); }

// Sum over a warp, then over the block (blockDim.x a multiple of 32, at most 1024). Every thread gets the result.
template <typename T>
__device__ __forceinline__ T jg_warp_sum(T v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

template <typename T>
__device__ T jg_block_sum(T v) {
    __shared__ T partial[32];
    __syncthreads(); // partial may still be read by a previous call
    v = jg_warp_sum(v);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    v = lane < warps ? partial[lane] : (T) 0;
    return jg_warp_sum(v);
}

__device__ __forceinline__ float jg_warp_maxf(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = jg_maxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ float jg_block_maxf(float v) {
    __shared__ float partial[32];
    __syncthreads();
    v = jg_warp_maxf(v);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    v = lane < warps ? partial[lane] : -INFINITY;
    return jg_warp_maxf(v);
}

// Reads index i of an int32 (isLong = 0) or int64 index buffer.
__device__ __forceinline__ long long jg_index(const void* idx, int isLong, int i) {
    return isLong ? ((const long long*) idx)[i] : (long long) ((const int*) idx)[i];
}

// Records the first bad index so the host can throw with position and value: err[0] = 1 once set,
// err[1] = position, err[2..3] = the value (int64). The host clears err before the launch and reads it after.
__device__ __forceinline__ void jg_report(int* err, int position, long long value) {
    if (atomicCAS(err, 0, 1) == 0) {
        err[1] = position;
        *((long long*) (err + 2)) = value;
    }
}
