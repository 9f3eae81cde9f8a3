// Embedding lookup and its gradient. Indices are int32 or int64 (isLong); a bad index is reported through
// err (see jg_report) and the host throws IndexOutOfBoundsException after the launch.
#include "jgrad.cuh"

// out[i, :] = table[idx[i], :]; one thread per output element.
extern "C" __global__ void gather_rows(const float* table, int rows, int cols, const void* idx, int isLong, int n,
                                       float* out, int* err) {
    size_t total = (size_t) n * cols;
    for (size_t e = blockIdx.x * (size_t) blockDim.x + threadIdx.x; e < total; e += (size_t) gridDim.x * blockDim.x) {
        int i = (int) (e / cols), c = (int) (e % cols);
        long long row = jg_index(idx, isLong, i);
        if (row < 0 || row >= rows) {
            jg_report(err, i, row);
            out[e] = 0.f;
        } else {
            out[e] = table[(size_t) row * cols + c];
        }
    }
}

// table[idx[i], :] += src[i, :]. Repeated indices collide, hence atomicAdd (the summation order varies from
// run to run, so results agree with the CPU to rounding, not bit for bit).
extern "C" __global__ void scatter_add_rows(const float* src, int cols, const void* idx, int isLong, int n, float* table,
                                            int rows, int* err) {
    size_t total = (size_t) n * cols;
    for (size_t e = blockIdx.x * (size_t) blockDim.x + threadIdx.x; e < total; e += (size_t) gridDim.x * blockDim.x) {
        int i = (int) (e / cols), c = (int) (e % cols);
        long long row = jg_index(idx, isLong, i);
        if (row < 0 || row >= rows) jg_report(err, i, row);
        else atomicAdd(table + (size_t) row * cols + c, src[e]);
    }
}
