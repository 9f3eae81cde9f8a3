// Row-wise kernels over a contiguous [rows, cols] matrix: softmax / log-softmax and LayerNorm, forward and
// backward. One block per row (grid-stride over rows); the block reduces with warp shuffles.
#include "jgrad.cuh"

extern "C" __global__ void softmax_rows(int isLog, const float* x, int rows, int cols, float* out) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (size_t) r * cols;
        float* o = out + (size_t) r * cols;
        float m = -INFINITY;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) m = jg_maxf(m, xr[c]);
        m = jg_block_maxf(m);
        float s = 0.f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) s += expf(xr[c] - m);
        s = jg_block_sum(s);
        float logSum = logf(s);
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float z = xr[c] - m;
            o[c] = isLog ? z - logSum : expf(z) / s;
        }
    }
}

// softmax: dx = y·(dy − Σ dy·y); log-softmax: dx = dy − exp(y)·Σ dy.
extern "C" __global__ void softmax_backward_rows(int isLog, const float* y, const float* dy, int rows, int cols, float* dx) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        size_t base = (size_t) r * cols;
        float dot = 0.f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) dot += isLog ? dy[base + c] : dy[base + c] * y[base + c];
        dot = jg_block_sum(dot);
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            size_t i = base + c;
            dx[i] = isLog ? dy[i] - expf(y[i]) * dot : y[i] * (dy[i] - dot);
        }
    }
}

// out = (x − mean)·rstd·w + b with the biased variance; w, b may be null. Two passes over the row (mean, then
// squared deviations) avoid the cancellation of E[x²] − E[x]².
extern "C" __global__ void layernorm_rows(const float* x, const float* w, const float* b, int rows, int cols, float eps,
                                          float* out, float* mean, float* rstd) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (size_t) r * cols;
        float* o = out + (size_t) r * cols;
        float s = 0.f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) s += xr[c];
        float mu = jg_block_sum(s) / cols;
        float v = 0.f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) { float d = xr[c] - mu; v += d * d; }
        float rs = rsqrtf(jg_block_sum(v) / cols + eps);
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float n = (xr[c] - mu) * rs;
            if (w) n *= w[c];
            if (b) n += b[c];
            o[c] = n;
        }
        if (threadIdx.x == 0) { mean[r] = mu; rstd[r] = rs; }
    }
}

// With n = (x − mean)·rstd and dn = dy·w: dx = rstd·(dn − mean(dn) − n·mean(dn·n)).
extern "C" __global__ void layernorm_backward_rows(const float* x, const float* w, const float* mean, const float* rstd,
                                                   const float* dy, int rows, int cols, float* dx) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        size_t base = (size_t) r * cols;
        float mu = mean[r], rs = rstd[r];
        float sDn = 0.f, sDnN = 0.f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float n = (x[base + c] - mu) * rs, dn = dy[base + c] * (w ? w[c] : 1.f);
            sDn += dn;
            sDnN += dn * n;
        }
        float meanDn = jg_block_sum(sDn) / cols;
        float meanDnN = jg_block_sum(sDnN) / cols;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float n = (x[base + c] - mu) * rs, dn = dy[base + c] * (w ? w[c] : 1.f);
            dx[base + c] = rs * (dn - meanDn - n * meanDnN);
        }
    }
}

// dw[c] += Σ_r dy·n and db[c] += Σ_r dy. Block (32, 8): 32 columns, 8 threads down a chunk of rows; the
// chunk's partial sums meet in shared memory and one atomicAdd per column and chunk lands in dw, db.
extern "C" __global__ void layernorm_backward_params(const float* x, const float* mean, const float* rstd, const float* dy,
                                                     int rows, int cols, int rowsPerChunk, float* dw, float* db) {
    __shared__ float sw[8][33], sb[8][33];
    int c = blockIdx.x * 32 + threadIdx.x;
    int r0 = blockIdx.y * rowsPerChunk, r1 = min(rows, r0 + rowsPerChunk);
    float aw = 0.f, ab = 0.f;
    if (c < cols) {
        for (int r = r0 + threadIdx.y; r < r1; r += 8) {
            size_t i = (size_t) r * cols + c;
            float g = dy[i];
            aw += g * (x[i] - mean[r]) * rstd[r];
            ab += g;
        }
    }
    sw[threadIdx.y][threadIdx.x] = aw;
    sb[threadIdx.y][threadIdx.x] = ab;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
        for (int k = 1; k < 8; k++) { aw += sw[k][threadIdx.x]; ab += sb[k][threadIdx.x]; }
        if (dw) atomicAdd(dw + c, aw);
        if (db) atomicAdd(db + c, ab);
    }
}
