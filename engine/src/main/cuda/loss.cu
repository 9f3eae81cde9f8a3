// Cross-entropy from log-probabilities with class weights, label smoothing and ignoreIndex (PyTorch's
// semantics, see Backend.crossEntropy). One block per row.
#include "jgrad.cuh"

// loss[r] = −((1−ε)·w[t]·logp[r, t] + ε/C·Σ_c w[c]·logp[r, c]); 0 where t == ignoreIndex.
extern "C" __global__ void cross_entropy_rows(const float* logp, const void* targets, int isLong, const float* w, int rows,
                                              int cols, int ignoreIndex, float smoothing, float* loss, int* err) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        long long t = jg_index(targets, isLong, r);
        bool ignored = t == ignoreIndex, bad = !ignored && (t < 0 || t >= cols);
        const float* lp = logp + (size_t) r * cols;
        float smooth = 0.f;
        if (smoothing != 0.f && !ignored && !bad) {
            for (int c = threadIdx.x; c < cols; c += blockDim.x) smooth += (w ? w[c] : 1.f) * lp[c];
            smooth = jg_block_sum(smooth);
        }
        if (threadIdx.x == 0) {
            if (bad) jg_report(err, r, t);
            if (ignored || bad) loss[r] = 0.f;
            else loss[r] = -((1.f - smoothing) * (w ? w[t] : 1.f) * lp[t] + smoothing / cols * smooth);
        }
    }
}

// dlogits[r, c] = dloss[r]·((1−ε)·w[t]·(p_c − [c == t]) + ε/C·(W·p_c − w[c])) with p = exp(logp), W = Σ w.
extern "C" __global__ void cross_entropy_backward_rows(const float* logp, const void* targets, int isLong, const float* w,
                                                       const float* dloss, int rows, int cols, int ignoreIndex,
                                                       float smoothing, float* dlogits, int* err) {
    float wSum = (float) cols;
    if (w) {
        float s = 0.f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) s += w[c];
        wSum = jg_block_sum(s);
    }
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        long long t = jg_index(targets, isLong, r);
        size_t base = (size_t) r * cols;
        bool ignored = t == ignoreIndex, bad = !ignored && (t < 0 || t >= cols);
        if (bad && threadIdx.x == 0) jg_report(err, r, t);
        if (ignored || bad) {
            for (int c = threadIdx.x; c < cols; c += blockDim.x) dlogits[base + c] = 0.f;
            continue;
        }
        float wt = w ? w[t] : 1.f, dl = dloss[r];
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float p = expf(logp[base + c]), wc = w ? w[c] : 1.f;
            float d = (1.f - smoothing) * wt * (p - (c == t ? 1.f : 0.f)) + smoothing / cols * (wSum * p - wc);
            dlogits[base + c] = dl * d;
        }
    }
}
