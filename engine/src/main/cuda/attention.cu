// Fused scaled dot-product attention (flash-attention style): the [Tq, Tk] score matrix is never stored.
// Forward: one block per (batch·head, tile of BQ queries) walks the keys in tiles of BK with an online
// softmax (running max m, running sum l, rescaling the partial output). Backward (FlashAttention-2):
// one block per (batch·head, tile of BK keys) walks the queries, recomputes P = exp(S − lse) and
// accumulates dK, dV in shared memory; dQ is summed across key tiles with atomicAdd.
// Tile sizes are chosen on the host (CudaAttention.java) to fit shared memory for the head dims at hand.
#include "jgrad.cuh"

// Packed by CudaAttention.java in this order.
struct AttnArgs {
    int batch, heads, tq, tk, d, dv;
    float scale;
    int causal, hasBias;
    int biasStride[4];
    int biasOffset;
    int bq, bk;
};

// Score of query i against key j from shared rows (q stride d, k stride d + 1), or −∞ where masked.
__device__ __forceinline__ float attn_score(const AttnArgs& a, const float* bias, int b, int h, int i, int j,
                                            const float* qr, const float* kr) {
    if (i >= a.tq || j >= a.tk || (a.causal && j > i + (a.tk - a.tq))) return -INFINITY;
    float dot = 0.f;
    for (int t = 0; t < a.d; t++) dot = fmaf(qr[t], kr[t], dot);
    float s = dot * a.scale;
    if (a.hasBias) s += bias[a.biasOffset + b * a.biasStride[0] + h * a.biasStride[1] + i * a.biasStride[2] + j * a.biasStride[3]];
    return s;
}

extern "C" __global__ void attention_forward(AttnArgs a, const float* q, const float* k, const float* v, const float* bias,
                                             float* out, float* lse) {
    extern __shared__ float smem[];
    const int BQ = a.bq, BK = a.bk, D = a.d, DV = a.dv, KD = D + 1; // +1: key rows read by neighbouring threads hit different banks
    float* Qs = smem;                  // [BQ][D]
    float* Ks = Qs + BQ * D;           // [BK][D + 1]
    float* Vs = Ks + BK * KD;          // [BK][DV]
    float* S = Vs + BK * DV;           // [BQ][BK]: scores, then probabilities
    float* O = S + BQ * BK;            // [BQ][DV]: unnormalized output
    float* M = O + BQ * DV;            // running max per row
    float* L = M + BQ;                 // running sum per row
    float* Alpha = L + BQ;             // rescale factor of this tile per row
    const int bh = blockIdx.y, b = bh / a.heads, h = bh % a.heads, i0 = blockIdx.x * BQ;
    const int tid = threadIdx.x, nt = blockDim.x, lane = tid & 31, warp = tid >> 5, warps = nt >> 5;
    const float* qb = q + (size_t) bh * a.tq * D;
    const float* kb = k + (size_t) bh * a.tk * D;
    const float* vb = v + (size_t) bh * a.tk * DV;
    for (int e = tid; e < BQ * D; e += nt) { int r = e / D; Qs[e] = i0 + r < a.tq ? qb[(size_t) (i0 + r) * D + e % D] : 0.f; }
    for (int e = tid; e < BQ * DV; e += nt) O[e] = 0.f;
    for (int r = tid; r < BQ; r += nt) { M[r] = -INFINITY; L[r] = 0.f; }
    // With the causal mask no query of this tile sees keys past i0 + BQ − 1 + (Tk − Tq).
    int kEnd = a.causal ? min(a.tk, i0 + BQ + (a.tk - a.tq)) : a.tk;
    for (int j0 = 0; j0 < kEnd; j0 += BK) {
        __syncthreads();
        for (int e = tid; e < BK * D; e += nt) { int c = e / D, t = e % D; Ks[c * KD + t] = j0 + c < a.tk ? kb[(size_t) (j0 + c) * D + t] : 0.f; }
        for (int e = tid; e < BK * DV; e += nt) { int c = e / DV; Vs[e] = j0 + c < a.tk ? vb[(size_t) (j0 + c) * DV + e % DV] : 0.f; }
        __syncthreads();
        for (int e = tid; e < BQ * BK; e += nt) {
            int r = e / BK, c = e % BK;
            S[e] = attn_score(a, bias, b, h, i0 + r, j0 + c, Qs + r * D, Ks + c * KD);
        }
        __syncthreads();
        for (int r = warp; r < BQ; r += warps) { // one warp per row: online softmax update
            float mt = -INFINITY;
            for (int c = lane; c < BK; c += 32) mt = fmaxf(mt, S[r * BK + c]);
            mt = jg_warp_maxf(mt);
            float mOld = M[r], mNew = fmaxf(mOld, mt);
            float sum = 0.f;
            for (int c = lane; c < BK; c += 32) {
                // Everything masked so far: keep p = 0 rather than exp(−∞ − (−∞)) = NaN.
                float p = mNew == -INFINITY ? 0.f : expf(S[r * BK + c] - mNew);
                S[r * BK + c] = p;
                sum += p;
            }
            sum = jg_warp_sum(sum);
            if (lane == 0) {
                float alpha = mNew == -INFINITY ? 1.f : expf(mOld - mNew);
                Alpha[r] = alpha;
                L[r] = L[r] * alpha + sum;
                M[r] = mNew;
            }
        }
        __syncthreads();
        for (int e = tid; e < BQ * DV; e += nt) {
            int r = e / DV, c = e % DV;
            float acc = O[e] * Alpha[r];
            for (int jj = 0; jj < BK; jj++) acc = fmaf(S[r * BK + jj], Vs[jj * DV + c], acc);
            O[e] = acc;
        }
    }
    __syncthreads();
    const float nan = __int_as_float(0x7fc00000);
    for (int e = tid; e < BQ * DV; e += nt) { // a row with every key masked is NaN, like the unfused softmax
        int r = e / DV, i = i0 + r;
        if (i < a.tq) out[((size_t) bh * a.tq + i) * DV + e % DV] = M[r] == -INFINITY ? nan : O[e] / L[r];
    }
    for (int r = tid; r < BQ; r += nt) {
        int i = i0 + r;
        if (i < a.tq) lse[(size_t) bh * a.tq + i] = M[r] == -INFINITY ? nan : M[r] + logf(L[r]);
    }
}

// D[i] = Σ_c dOut[i, c]·out[i, c], one warp per row.
extern "C" __global__ void attention_rowdot(int rows, int dv, const float* dOut, const float* out, float* D) {
    int lane = threadIdx.x & 31;
    for (int r = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5); r < rows; r += gridDim.x * (blockDim.x >> 5)) {
        float s = 0.f;
        for (int c = lane; c < dv; c += 32) s += dOut[(size_t) r * dv + c] * out[(size_t) r * dv + c];
        s = jg_warp_sum(s);
        if (lane == 0) D[r] = s;
    }
}

// dS = P ⊙ (dOut·vᵀ − D)·scale, dq += dS·k, dk += dSᵀ·q, dv += Pᵀ·dOut (dq, dk, dv accumulate).
extern "C" __global__ void attention_backward(AttnArgs a, const float* q, const float* k, const float* v, const float* bias,
                                              const float* lse, const float* D, const float* dOut,
                                              float* dq, float* dk, float* dv) {
    extern __shared__ float smem[];
    const int BQ = a.bq, BK = a.bk, DQ = a.d, DV = a.dv, KD = DQ + 1, VD = DV + 1;
    float* Ks = smem;                  // [BK][D + 1]
    float* Vs = Ks + BK * KD;          // [BK][DV + 1]
    float* dKs = Vs + BK * VD;         // [BK][D]
    float* dVs = dKs + BK * DQ;        // [BK][DV]
    float* Qs = dVs + BK * DV;         // [BQ][D]
    float* dOs = Qs + BQ * DQ;         // [BQ][DV]
    float* P = dOs + BQ * DV;          // [BQ][BK]
    float* dS = P + BQ * BK;           // [BQ][BK]
    float* Ls = dS + BQ * BK;          // lse of the query tile
    float* Ds = Ls + BQ;               // D of the query tile
    const int bh = blockIdx.y, b = bh / a.heads, h = bh % a.heads, j0 = blockIdx.x * BK;
    const int tid = threadIdx.x, nt = blockDim.x;
    const float* qb = q + (size_t) bh * a.tq * DQ;
    const float* kb = k + (size_t) bh * a.tk * DQ;
    const float* vb = v + (size_t) bh * a.tk * DV;
    const float* ob = dOut + (size_t) bh * a.tq * DV;
    for (int e = tid; e < BK * DQ; e += nt) { int c = e / DQ, t = e % DQ; Ks[c * KD + t] = j0 + c < a.tk ? kb[(size_t) (j0 + c) * DQ + t] : 0.f; dKs[e] = 0.f; }
    for (int e = tid; e < BK * DV; e += nt) { int c = e / DV, t = e % DV; Vs[c * VD + t] = j0 + c < a.tk ? vb[(size_t) (j0 + c) * DV + t] : 0.f; dVs[e] = 0.f; }
    // Under the causal mask key j is seen only by queries i >= j − (Tk − Tq).
    int iStart = a.causal ? max(0, j0 - (a.tk - a.tq)) : 0;
    iStart -= iStart % BQ;
    for (int i0 = iStart; i0 < a.tq; i0 += BQ) {
        __syncthreads();
        for (int e = tid; e < BQ * DQ; e += nt) { int r = e / DQ; Qs[e] = i0 + r < a.tq ? qb[(size_t) (i0 + r) * DQ + e % DQ] : 0.f; }
        for (int e = tid; e < BQ * DV; e += nt) { int r = e / DV; dOs[e] = i0 + r < a.tq ? ob[(size_t) (i0 + r) * DV + e % DV] : 0.f; }
        for (int r = tid; r < BQ; r += nt) {
            bool in = i0 + r < a.tq;
            Ls[r] = in ? lse[(size_t) bh * a.tq + i0 + r] : 0.f;
            Ds[r] = in ? D[(size_t) bh * a.tq + i0 + r] : 0.f;
        }
        __syncthreads();
        for (int e = tid; e < BQ * BK; e += nt) {
            int r = e / BK, c = e % BK;
            float s = attn_score(a, bias, b, h, i0 + r, j0 + c, Qs + r * DQ, Ks + c * KD);
            float p = s == -INFINITY ? 0.f : expf(s - Ls[r]);
            float dp = 0.f;
            for (int t = 0; t < DV; t++) dp = fmaf(dOs[r * DV + t], Vs[c * VD + t], dp);
            P[e] = p;
            dS[e] = p * (dp - Ds[r]) * a.scale;
        }
        __syncthreads();
        for (int e = tid; e < BK * DV; e += nt) {
            int c = e / DV, t = e % DV;
            float acc = 0.f;
            for (int r = 0; r < BQ; r++) acc = fmaf(P[r * BK + c], dOs[r * DV + t], acc);
            dVs[e] += acc;
        }
        for (int e = tid; e < BK * DQ; e += nt) {
            int c = e / DQ, t = e % DQ;
            float acc = 0.f;
            for (int r = 0; r < BQ; r++) acc = fmaf(dS[r * BK + c], Qs[r * DQ + t], acc);
            dKs[e] += acc;
        }
        for (int e = tid; e < BQ * DQ; e += nt) {
            int r = e / DQ, t = e % DQ, i = i0 + r;
            if (i >= a.tq) continue;
            float acc = 0.f;
            for (int c = 0; c < BK; c++) acc = fmaf(dS[r * BK + c], Ks[c * KD + t], acc);
            if (acc != 0.f) atomicAdd(dq + ((size_t) bh * a.tq + i) * DQ + t, acc);
        }
    }
    __syncthreads();
    for (int e = tid; e < BK * DQ; e += nt) { int c = e / DQ; if (j0 + c < a.tk) dk[((size_t) bh * a.tk + j0 + c) * DQ + e % DQ] += dKs[e]; }
    for (int e = tid; e < BK * DV; e += nt) { int c = e / DV; if (j0 + c < a.tk) dv[((size_t) bh * a.tk + j0 + c) * DV + e % DV] += dVs[e]; }
}
