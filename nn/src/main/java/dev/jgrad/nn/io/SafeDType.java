package dev.jgrad.nn.io;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The safetensors element types jgrad reads, with their on-disk width and the engine dtype each loads as.
 * F16 and BF16 widen to FLOAT32 (exactly: every half value is a float). U8 loads as INT32, because the
 * engine's INT8 is signed and values 128..255 would not survive; I8 stays INT8 and BOOL stays BOOL.
 */
public enum SafeDType {
    F32(4, DType.FLOAT32), F16(2, DType.FLOAT32), BF16(2, DType.FLOAT32),
    I8(1, DType.INT8), U8(1, DType.INT32), I32(4, DType.INT32), I64(8, DType.INT64), BOOL(1, DType.BOOL);

    /** Bytes per element on disk. */
    public final int bytes;
    /** The engine dtype a tensor of this type loads as. */
    public final DType loadsAs;

    SafeDType(int bytes, DType loadsAs) {
        this.bytes = bytes;
        this.loadsAs = loadsAs;
    }

    /** Types the specification defines that jgrad does not load (named in errors, unlike unknown ones). */
    static final java.util.Set<String> SPEC_ONLY = java.util.Set.of("F64", "I16", "U16", "U32", "U64",
            "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64");

    /** The on-disk type for an engine dtype when writing (float32 as F32 unless asked otherwise). */
    static SafeDType forWriting(DType d) {
        return switch (d) {
            case FLOAT32 -> F32;
            case INT32 -> I32;
            case INT64 -> I64;
            case INT8 -> I8;
            case BOOL -> BOOL;
        };
    }

    /** Decodes {@code n} little-endian elements from {@code src} (at its position) into {@code dst} at {@code at}. */
    void decode(ByteBuffer src, int n, Storage dst, int at) {
        src.order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case F32 -> src.asFloatBuffer().get(dst.floats(), at, n);
            case F16 -> { float[] d = dst.floats(); for (int i = 0; i < n; i++) d[at + i] = halfToFloat(src.getShort(src.position() + 2 * i)); }
            case BF16 -> { float[] d = dst.floats(); for (int i = 0; i < n; i++) d[at + i] = Float.intBitsToFloat((src.getShort(src.position() + 2 * i) & 0xffff) << 16); }
            case I8 -> src.duplicate().get(dst.bytes(), at, n);
            case BOOL -> { byte[] d = dst.bytes(); for (int i = 0; i < n; i++) d[at + i] = (byte) (src.get(src.position() + i) != 0 ? 1 : 0); }
            case U8 -> { int[] d = dst.ints(); for (int i = 0; i < n; i++) d[at + i] = src.get(src.position() + i) & 0xff; }
            case I32 -> src.asIntBuffer().get(dst.ints(), at, n);
            case I64 -> src.asLongBuffer().get(dst.longs(), at, n);
        }
    }

    /** IEEE 754 binary16 → float, subnormals, infinities and NaN included. */
    static float halfToFloat(short h) {
        int sign = (h >>> 15) & 1, exp = (h >>> 10) & 0x1f, mant = h & 0x3ff;
        int bits;
        if (exp == 0x1f) bits = (sign << 31) | 0x7f800000 | (mant << 13);          // inf, NaN
        else if (exp != 0) bits = (sign << 31) | ((exp + 112) << 23) | (mant << 13);  // normal: rebias 15 → 127
        else if (mant == 0) bits = sign << 31;                                        // ±0
        else {                                                                        // subnormal: normalise
            int e = 113;
            while ((mant & 0x400) == 0) { mant <<= 1; e--; }
            bits = (sign << 31) | (e << 23) | ((mant & 0x3ff) << 13);
        }
        return Float.intBitsToFloat(bits);
    }

    /** float → binary16, rounding to nearest even; overflow gives ±inf, NaN stays NaN. */
    static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff, mant = bits & 0x7fffff;
        if (exp == 0xff) return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        int e = exp - 127 + 15;
        if (e >= 0x1f) return (short) (sign | 0x7c00);
        if (e <= 0) {                                   // subnormal half (or zero)
            if (e < -10) return (short) sign;
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >> shift, rest = mant & ((1 << shift) - 1), mid = 1 << (shift - 1);
            if (rest > mid || (rest == mid && (half & 1) != 0)) half++;
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13), rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) half++;  // may carry into the exponent: correct
        return (short) (sign | half);
    }

    /** float → bfloat16, rounding to nearest even; NaN stays NaN. */
    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
