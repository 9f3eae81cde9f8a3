package dev.jgrad.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Optimizer updates as single fused passes. An optimizer step is pure streaming (a few flops per float
 * moved), so what matters is touching each of p, g, m, v exactly once; the arithmetic hides behind memory.
 */
final class VecOptim {
    private VecOptim() {}

    private static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    private static final int L = S.length();

    /** AdamW, see {@link dev.jgrad.engine.backend.Backend#adamw}. Float arithmetic; tests bound the difference to the double reference. */
    static void adamw(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, float bias1, float bias2) {
        float decay = 1f - lr * weightDecay, c1 = 1f - beta1, c2 = 1f - beta2;
        // lr·(m/bias1)/(sqrt(v/bias2) + eps) = step·m / (sqrt(v)·invSqrtB2 + eps): no divisions by constants per element
        float step = lr / bias1, invSqrtB2 = (float) (1.0 / Math.sqrt(bias2));
        Parallel.forRange(n, VectorBackend.GRAIN, (lo, hi) -> {
            int i = (int) lo, end = (int) hi;
            for (; i <= end - L; i += L) {
                FloatVector gv = FloatVector.fromArray(S, g, i);
                FloatVector mv = FloatVector.fromArray(S, m, i).mul(beta1).add(gv.mul(c1));
                FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(gv.mul(gv).mul(c2));
                FloatVector denom = vv.sqrt().mul(invSqrtB2).add(eps);
                FloatVector pv = FloatVector.fromArray(S, p, i).mul(decay).sub(mv.mul(step).div(denom));
                pv.intoArray(p, i);
                mv.intoArray(m, i);
                vv.intoArray(v, i);
            }
            for (; i < end; i++) {
                float mi = beta1 * m[i] + c1 * g[i];
                float vi = beta2 * v[i] + c2 * g[i] * g[i];
                p[i] = p[i] * decay - step * mi / ((float) Math.sqrt(vi) * invSqrtB2 + eps);
                m[i] = mi;
                v[i] = vi;
            }
        });
    }
}
