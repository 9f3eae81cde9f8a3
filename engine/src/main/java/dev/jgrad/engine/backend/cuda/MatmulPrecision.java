package dev.jgrad.engine.backend.cuda;

/**
 * What the CUDA GEMM computes with, like PyTorch's {@code torch.set_float32_matmul_precision}. Inputs and
 * outputs stay float32 in every mode; accumulation is always FP32.
 *
 * <ul>
 *   <li>{@link #FP32}: exact FP32 FMAs on the CUDA cores (the default; matches the CPU within fp32 rounding).</li>
 *   <li>{@link #TF32}: tensor cores with inputs rounded to TF32 (10-bit mantissa): relative error of a product
 *       about 1e-3·sqrt(K)·|a||b| — tests allow 5e-3 relative to the row norms.</li>
 *   <li>{@link #BF16}: tensor cores with inputs rounded to BF16 (7-bit mantissa): tests allow 3e-2.</li>
 * </ul>
 */
public enum MatmulPrecision {
    FP32, TF32, BF16;

    /** From {@code -Djgrad.cuda.matmul=fp32|tf32|bf16} (default fp32). */
    static MatmulPrecision fromProperty() {
        String v = System.getProperty("jgrad.cuda.matmul", "fp32").trim().toUpperCase(java.util.Locale.ROOT);
        return valueOf(v);
    }
}
