// Fused AdamW: one pass reads p, g, m, v and writes p, m, v (PyTorch's AdamW; see Backend.adamw).
// Computed in double and rounded once, as the CPU reference does; the kernel is memory-bound either way.
#include "jgrad.cuh"

extern "C" __global__ void adamw(float* p, const float* g, float* m, float* v, int n, float lr, float beta1, float beta2,
                                 float eps, float weightDecay, float bias1, float bias2) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        double gi = g[i];
        double pi = p[i] - (double) lr * weightDecay * p[i];
        double mi = beta1 * (double) m[i] + (1.0 - beta1) * gi;
        double vi = beta2 * (double) v[i] + (1.0 - beta2) * gi * gi;
        pi -= lr * (mi / bias1) / (sqrt(vi / bias2) + eps);
        p[i] = (float) pi;
        m[i] = (float) mi;
        v[i] = (float) vi;
    }
}
