package dev.jgrad.engine.backend.cpu;

import dev.jgrad.engine.backend.AttentionShape;
import dev.jgrad.engine.backend.Layout;

/**
 * The reference for fused attention: one query row at a time, the whole score row in double. It computes
 * exactly what {@code softmax(q·kᵀ·scale + bias)·v} computes, which is what the tiled kernel must match.
 */
final class ScalarAttention {
    private ScalarAttention() {}

    /** bias[b, h, i, j] through its (broadcast) layout, or 0 without a bias. */
    static float bias(float[] bias, Layout l, int b, int h, int i, int j) {
        if (bias == null) return 0f;
        int[] s = l.strides();
        return bias[l.offset() + b * s[0] + h * s[1] + i * s[2] + j * s[3]];
    }

    /** Score of query i against key j, −∞ where masked. */
    private static double score(AttentionShape s, float[] q, int qo, float[] k, int ko, float[] bias, Layout bl,
                                int b, int h, int i, int j) {
        if (!s.visible(i, j)) return Double.NEGATIVE_INFINITY;
        double dot = 0;
        for (int c = 0; c < s.d(); c++) dot += (double) q[qo + i * s.d() + c] * k[ko + j * s.d() + c];
        return dot * s.scale() + bias(bias, bl, b, h, i, j);
    }

    static void forward(AttentionShape s, float[] q, float[] k, float[] v, float[] bias, Layout bl, float[] out, float[] lse) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), dv = s.dv();
        double[] row = new double[tk];
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                int bh = b * s.heads() + h;
                int qo = bh * tq * d, ko = bh * tk * d, vo = bh * tk * dv, oo = bh * tq * dv;
                for (int i = 0; i < tq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        row[j] = score(s, q, qo, k, ko, bias, bl, b, h, i, j);
                        max = Math.max(max, row[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) sum += Math.exp(row[j] - max); // NaN when max = −∞: fully masked row
                    for (int c = 0; c < dv; c++) {
                        double acc = 0;
                        for (int j = 0; j < tk; j++) acc += Math.exp(row[j] - max) / sum * v[vo + j * dv + c];
                        out[oo + i * dv + c] = (float) acc;
                    }
                    lse[bh * tq + i] = (float) (max + Math.log(sum));
                }
            }
        }
    }

    static void backward(AttentionShape s, float[] q, float[] k, float[] v, float[] bias, Layout bl, float[] out,
                         float[] lse, float[] dOut, float[] dq, float[] dk, float[] dv) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), dvn = s.dv();
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                int bh = b * s.heads() + h;
                int qo = bh * tq * d, ko = bh * tk * d, vo = bh * tk * dvn, oo = bh * tq * dvn;
                for (int i = 0; i < tq; i++) {
                    double rowDot = 0; // D_i = Σ_c dOut[i, c]·out[i, c]
                    for (int c = 0; c < dvn; c++) rowDot += (double) dOut[oo + i * dvn + c] * out[oo + i * dvn + c];
                    for (int j = 0; j < tk; j++) {
                        double sc = score(s, q, qo, k, ko, bias, bl, b, h, i, j);
                        if (sc == Double.NEGATIVE_INFINITY) continue;
                        double p = Math.exp(sc - lse[bh * tq + i]);
                        double dp = 0;
                        for (int c = 0; c < dvn; c++) {
                            dp += (double) dOut[oo + i * dvn + c] * v[vo + j * dvn + c];
                            dv[vo + j * dvn + c] += (float) (p * dOut[oo + i * dvn + c]);
                        }
                        double ds = p * (dp - rowDot) * s.scale();
                        for (int c = 0; c < d; c++) {
                            dq[qo + i * d + c] += (float) (ds * k[ko + j * d + c]);
                            dk[ko + j * d + c] += (float) (ds * q[qo + i * d + c]);
                        }
                    }
                }
            }
        }
    }
}
