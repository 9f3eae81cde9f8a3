package dev.jgrad.engine.backend.cuda;

import dev.jgrad.engine.backend.AttentionShape;
import dev.jgrad.engine.backend.Layout;
import jcuda.driver.CUdeviceptr;

/**
 * Launches attention.cu: picks the query/key tile sizes that fit the head dims into shared memory (48 KiB
 * without opting in, more on GPUs that allow it), packs AttnArgs and runs forward or backward.
 */
final class CudaAttention {
    private CudaAttention() {}

    private static final int THREADS = 128;
    private static final int[][] TILES = {{32, 64}, {16, 64}, {16, 32}, {16, 16}, {8, 16}, {4, 8}, {1, 8}};

    static int forwardFloats(int bq, int bk, int d, int dv) {
        return bq * d + bk * (d + 1) + bk * dv + bq * bk + bq * dv + 3 * bq;
    }

    static int backwardFloats(int bq, int bk, int d, int dv) {
        return bk * (d + 1) + bk * (dv + 1) + bk * d + bk * dv + bq * d + bq * dv + 2 * bq * bk + 2 * bq;
    }

    /** The first tile pair that fits in 48 KiB, else the first that fits the device's opt-in limit. */
    private static int[] tiles(CudaDevice dev, boolean backward, int d, int dv) {
        for (int limit : new int[] {48 * 1024, Integer.MAX_VALUE}) {
            for (int[] t : TILES) {
                int bytes = 4 * (backward ? backwardFloats(t[0], t[1], d, dv) : forwardFloats(t[0], t[1], d, dv));
                if (bytes <= limit && dev.sharedFits(bytes)) return new int[] {t[0], t[1], bytes};
            }
        }
        throw new UnsupportedOperationException("fused attention on CUDA: head dims d = " + d + ", dv = " + dv
                + " do not fit in shared memory; use Attention.Impl.MATH");
    }

    private static int[] args(AttentionShape s, Layout bias, int bq, int bk) {
        int[] st = bias == null ? new int[4] : bias.strides();
        return new int[] {s.batch(), s.heads(), s.tq(), s.tk(), s.d(), s.dv(), Float.floatToRawIntBits(s.scale()),
                s.causal() ? 1 : 0, bias == null ? 0 : 1, st[0], st[1], st[2], st[3], bias == null ? 0 : bias.offset(), bq, bk};
    }

    static void forward(CudaDevice dev, AttentionShape s, CUdeviceptr q, CUdeviceptr k, CUdeviceptr v, CUdeviceptr bias,
                        Layout biasLayout, CUdeviceptr out, CUdeviceptr lse) {
        if (s.batch() * s.heads() == 0 || s.tq() == 0) return;
        int[] t = tiles(dev, false, s.d(), s.dv());
        dev.launch(dev.function("attention", "attention_forward"), (s.tq() + t[0] - 1) / t[0], s.batch() * s.heads(), 1,
                THREADS, 1, 1, t[2], args(s, bias == null ? null : biasLayout, t[0], t[1]), q, k, v, bias, out, lse);
    }

    static void backward(CudaDevice dev, AttentionShape s, CUdeviceptr q, CUdeviceptr k, CUdeviceptr v, CUdeviceptr bias,
                         Layout biasLayout, CUdeviceptr out, CUdeviceptr lse, CUdeviceptr dOut,
                         CUdeviceptr dq, CUdeviceptr dk, CUdeviceptr dv) {
        int rows = s.batch() * s.heads() * s.tq();
        if (rows == 0 || s.tk() == 0) return;
        long dBytes = 4L * rows;
        CUdeviceptr dvec = dev.allocator().scratch(dBytes);
        try {
            dev.launch(dev.function("attention", "attention_rowdot"), dev.blocksFor(rows, 8), 1, 1, 256, 1, 1, 0,
                    rows, s.dv(), dOut, out, dvec);
            int[] t = tiles(dev, true, s.d(), s.dv());
            dev.launch(dev.function("attention", "attention_backward"), (s.tk() + t[1] - 1) / t[1], s.batch() * s.heads(), 1,
                    THREADS, 1, 1, t[2], args(s, bias == null ? null : biasLayout, t[0], t[1]),
                    q, k, v, bias, lse, dvec, dOut, dq, dk, dv);
        } finally {
            dev.allocator().release(dvec, dBytes);
        }
    }
}
