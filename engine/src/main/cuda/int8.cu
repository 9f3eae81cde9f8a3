// int8 GEMM for quantized inference: C[M, N] (int32) = A[M, K] · B[N, K]ᵀ with both operands int8 and
// K-contiguous (activations row-major, weights in nn.Linear's [out, in] layout). __dp4a multiplies four
// int8 pairs and adds them to an int32 in one instruction; 64x64 block tile, 16 k per step, 4x4 per thread.
#include "jgrad.cuh"

#define Q_BM 64
#define Q_BN 64
#define Q_BKW 4 // k words (4 int8 each) per tile

// Packs 4 consecutive int8 of row r starting at column c (zero past the edge) into one int.
__device__ __forceinline__ int load4(const signed char* p, int ld, int r, int c, int rows, int cols) {
    if (r >= rows) return 0;
    const signed char* q = p + (size_t) r * ld + c;
    if (c + 3 < cols && ((((size_t) q) & 3) == 0)) return *(const int*) q;
    int v = 0;
#pragma unroll
    for (int i = 0; i < 4; i++) v |= (c + i < cols ? (int) (unsigned char) q[i] : 0) << (8 * i);
    return v;
}

extern "C" __global__ void __launch_bounds__(256) gemm_s8_dp4a(int m, int n, int k, const signed char* A, int lda,
                                                                const signed char* B, int ldb, int* C, int ldc) {
    __shared__ int As[Q_BKW][Q_BM + 1];
    __shared__ int Bs[Q_BKW][Q_BN + 1];
    const int tid = threadIdx.x, tx = tid & 15, ty = tid >> 4;
    const int m0 = blockIdx.y * Q_BM, n0 = blockIdx.x * Q_BN;
    int acc[4][4] = {};
    // 64 rows x 4 words = 256 words per operand tile: one word per thread.
    const int lr = tid >> 2, lw = tid & 3;
    for (int k0 = 0; k0 < k; k0 += 4 * Q_BKW) {
        As[lw][lr] = load4(A, lda, m0 + lr, k0 + 4 * lw, m, k);
        Bs[lw][lr] = load4(B, ldb, n0 + lr, k0 + 4 * lw, n, k);
        __syncthreads();
#pragma unroll
        for (int w = 0; w < Q_BKW; w++) {
            int a[4], b[4];
#pragma unroll
            for (int i = 0; i < 4; i++) { a[i] = As[w][ty * 4 + i]; b[i] = Bs[w][tx * 4 + i]; }
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] = __dp4a(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) {
            int r = m0 + ty * 4 + i, c = n0 + tx * 4 + j;
            if (r < m && c < n) C[(size_t) r * ldc + c] = acc[i][j];
        }
}
