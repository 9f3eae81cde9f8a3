// Elementwise kernels: copy with dtype conversion, fill, unary and binary math, comparisons, where.
// Every input is read through the strided indexer (broadcast dims have stride 0); outputs of
// unary/binary/compare/where are contiguous, so their offset is the linear index itself.
// Math runs in double and is rounded once, exactly like the CPU reference (ScalarMath.java).
#include "jgrad.cuh"

// DType codes, in the order of dev.jgrad.engine.DType.
#define DT_F32 0
#define DT_I32 1
#define DT_I64 2
#define DT_I8 3
#define DT_BOOL 4

__device__ __forceinline__ double load_as_double(const void* p, int dt, int i) {
    switch (dt) {
        case DT_F32: return ((const float*) p)[i];
        case DT_I32: return ((const int*) p)[i];
        case DT_I64: return (double) ((const long long*) p)[i];
        default: return ((const signed char*) p)[i];
    }
}

// PyTorch's .to(dtype): truncation toward zero, bool = v != 0. Out-of-range floats saturate like Java's casts.
__device__ __forceinline__ void store_from_double(void* p, int dt, int i, double v) {
    switch (dt) {
        case DT_F32: ((float*) p)[i] = (float) v; break;
        case DT_I32: ((int*) p)[i] = v != v ? 0 : (int) fmin(fmax(v, -2147483648.0), 2147483647.0); break;
        case DT_I64: ((long long*) p)[i] = v != v ? 0 : (long long) fmin(fmax(v, -9.2233720368547758e18), 9.2233720368547748e18); break;
        case DT_I8: ((signed char*) p)[i] = (signed char) (long long) (v != v ? 0 : fmin(fmax(v, -9.2e18), 9.2e18)); break;
        default: ((unsigned char*) p)[i] = v != 0 ? 1 : 0; break;
    }
}

// Operand 0 = src, operand 1 = dst. Same dtype copies move raw bytes (exact for every int64).
extern "C" __global__ void ew_copy(Strided s, const void* src, int srcType, void* dst, int dstType) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < s.n; i += gridDim.x * blockDim.x) {
        int off[2];
        jg_offsets<2>(s, i, off);
        if (srcType == dstType) {
            switch (srcType) {
                case DT_F32: case DT_I32: ((int*) dst)[off[1]] = ((const int*) src)[off[0]]; break;
                case DT_I64: ((long long*) dst)[off[1]] = ((const long long*) src)[off[0]]; break;
                default: ((char*) dst)[off[1]] = ((const char*) src)[off[0]]; break;
            }
        } else {
            store_from_double(dst, dstType, off[1], load_as_double(src, srcType, off[0]));
        }
    }
}

// Operand 0 = dst.
extern "C" __global__ void ew_fill(Strided s, void* dst, int dstType, double value) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < s.n; i += gridDim.x * blockDim.x) {
        int off[1];
        jg_offsets<1>(s, i, off);
        store_from_double(dst, dstType, off[0], value);
    }
}

#define SQRT_2 1.4142135623730951
#define INV_SQRT_2PI 0.3989422804014327
#define SQRT_2_OVER_PI 0.7978845608028654
#define GELU_C 0.044715

__device__ __forceinline__ double sigmoid(double x) {
    return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
}

// Op codes: CudaBackend.unaryCode maps dev.jgrad.engine.backend.UnaryOp onto these.
__device__ double unary_op(int op, double x, double a, double b) {
    switch (op) {
        case 0: return -x;                                   // NEG
        case 1: return exp(x);                               // EXP
        case 2: return log(x);                               // LOG
        case 3: return sqrt(x);                              // SQRT
        case 4: return 1.0 / sqrt(x);                        // RSQRT
        case 5: return fabs(x);                              // ABS
        case 6: return x > 0 ? 1.0 : (x < 0 ? -1.0 : x);     // SIGN (keeps ±0 and NaN)
        case 7: return tanh(x);                              // TANH
        case 8: return sigmoid(x);                           // SIGMOID
        case 9: return x != x ? x : (x > 0 ? x : 0.0);       // RELU (NaN stays NaN)
        case 10: return x > 0 ? 1.0 : 0.0;                   // RELU_GRAD
        case 11: return 0.5 * x * (1.0 + erf(x / SQRT_2));   // GELU_ERF
        case 12: return 0.5 * (1.0 + erf(x / SQRT_2)) + x * INV_SQRT_2PI * exp(-0.5 * x * x);
        case 13: return 0.5 * x * (1.0 + tanh(SQRT_2_OVER_PI * (x + GELU_C * x * x * x)));
        case 14: {                                           // GELU_TANH_GRAD
            double t = tanh(SQRT_2_OVER_PI * (x + GELU_C * x * x * x));
            return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_C * x * x);
        }
        case 15: return x * sigmoid(x);                      // SILU
        case 16: { double s = sigmoid(x); return s * (1.0 + x * (1.0 - s)); }
        case 17: return pow(x, a);                           // POW
        case 18: return a * x + b;                           // AFFINE
        case 19: return jg_min(jg_max(x, a), b);             // CLAMP
        case 20: return (x >= a && x <= b) ? 1.0 : 0.0;      // CLAMP_GRAD
        default: return __longlong_as_double(0x7ff8000000000000LL);
    }
}

extern "C" __global__ void ew_unary(Strided s, int op, float a, float b, const float* x, float* out) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < s.n; i += gridDim.x * blockDim.x) {
        int off[1];
        jg_offsets<1>(s, i, off);
        out[i] = (float) unary_op(op, x[off[0]], a, b);
    }
}

// ADD, SUB, MUL, DIV in float (as Java's float arithmetic); POW in double; MAXIMUM/MINIMUM propagate NaN.
__device__ __forceinline__ float binary_op(int op, float x, float y) {
    switch (op) {
        case 0: return x + y;
        case 1: return x - y;
        case 2: return x * y;
        case 3: return x / y;
        case 4: return (float) pow((double) x, (double) y);
        case 5: return (float) jg_max(x, y);
        case 6: return (float) jg_min(x, y);
        default: return __int_as_float(0x7fc00000);
    }
}

extern "C" __global__ void ew_binary(Strided s, int op, const float* a, const float* b, float* out) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < s.n; i += gridDim.x * blockDim.x) {
        int off[2];
        jg_offsets<2>(s, i, off);
        out[i] = binary_op(op, a[off[0]], b[off[1]]);
    }
}

// EQ, NE, LT, LE, GT, GE (CompareOp order); comparisons with NaN are false except NE, as in Java.
extern "C" __global__ void ew_compare(Strided s, int op, const float* a, const float* b, unsigned char* out) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < s.n; i += gridDim.x * blockDim.x) {
        int off[2];
        jg_offsets<2>(s, i, off);
        float x = a[off[0]], y = b[off[1]];
        bool r;
        switch (op) {
            case 0: r = x == y; break;
            case 1: r = x != y; break;
            case 2: r = x < y; break;
            case 3: r = x <= y; break;
            case 4: r = x > y; break;
            default: r = x >= y; break;
        }
        out[i] = r ? 1 : 0;
    }
}

extern "C" __global__ void ew_where(Strided s, const unsigned char* cond, const float* a, const float* b, float* out) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < s.n; i += gridDim.x * blockDim.x) {
        int off[3];
        jg_offsets<3>(s, i, off);
        out[i] = cond[off[0]] != 0 ? a[off[1]] : b[off[2]];
    }
}
