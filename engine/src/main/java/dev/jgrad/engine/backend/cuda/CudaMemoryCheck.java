package dev.jgrad.engine.backend.cuda;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Device;
import dev.jgrad.engine.F;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;
import dev.jgrad.engine.backend.Backends;

import java.util.Locale;

/**
 * Device-memory growth over a training loop: a two-layer MLP with LayerNorm, GELU and cross-entropy, trained
 * for {@code steps} steps on CUDA (1000 by default). At half time and at the end, after a GC (so dead storages
 * are back in the cache), it records the allocator's reserved bytes (held from the driver) and live bytes (held
 * by tensors). Once the cache has warmed up neither may grow: {@code growthMB} is the change in reserved and
 * {@code liveGrowthMB} the change in live bytes between the two points. gpu-check.sh runs it with
 * {@code -Djgrad.cuda.gcThresholdMB=256} so the allocator reaches its steady state well before half time.
 */
public final class CudaMemoryCheck {
    private CudaMemoryCheck() {}

    public static void main(String[] args) {
        if (!Device.cudaAvailable()) {
            System.out.println("{\"skipped\":\"" + Device.cudaUnavailableReason().replace("\"", "'") + "\"}");
            return;
        }
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Device gpu = Device.cuda(0);
        CudaBackend be = (CudaBackend) Backends.forDevice(gpu);
        Generator gen = new Generator(7);
        int batch = 64, in = 256, hidden = 512, classes = 10;
        Tensor w1 = Tensor.randn(gen, in, hidden).mul(0.05f).to(gpu).requiresGrad(true);
        Tensor w2 = Tensor.randn(gen, hidden, classes).mul(0.05f).to(gpu).requiresGrad(true);
        Tensor ln = Tensor.ones(hidden).to(gpu).requiresGrad(true);
        Tensor x = Tensor.randn(gen, batch, in).to(gpu);
        long[] t = new long[batch];
        for (int i = 0; i < batch; i++) t[i] = i % classes;
        Tensor targets = Tensor.fromArray(t, batch).to(gpu);
        long reservedEarly = 0, liveEarly = 0;
        float loss = Float.NaN;
        long t0 = System.nanoTime();
        for (int step = 1; step <= steps; step++) {
            Tensor h = F.layerNorm(x.matmul(w1), new int[] {hidden}, ln, null, 1e-5f).gelu();
            Tensor l = F.crossEntropy(h.matmul(w2), targets);
            l.backward();
            // Plain SGD, functional: fresh parameters every step exercise allocation and recycling.
            w1 = w1.detach().sub(w1.grad().mul(0.05f)).requiresGrad(true);
            w2 = w2.detach().sub(w2.grad().mul(0.05f)).requiresGrad(true);
            ln = ln.detach().sub(ln.grad().mul(0.05f)).requiresGrad(true);
            if (step == Math.max(1, steps / 2)) {
                loss = l.item();
                be.synchronize();
                be.collect();
                reservedEarly = be.memoryStats().reservedBytes();
                liveEarly = be.memoryStats().allocatedBytes();
            }
            if (step == steps) loss = l.item();
        }
        be.synchronize();
        be.collect();
        long reservedEnd = be.memoryStats().reservedBytes(), liveEnd = be.memoryStats().allocatedBytes();
        double secs = (System.nanoTime() - t0) / 1e9;
        CudaAllocator.Stats s = be.memoryStats();
        System.out.println(String.format(Locale.ROOT,
                "{\"steps\":%d,\"loss\":%.5f,\"reservedMidMB\":%.2f,\"reservedEndMB\":%.2f,\"growthMB\":%.2f,\"liveGrowthMB\":%.2f,"
                        + "\"peakAllocatedMB\":%.2f,\"driverAllocs\":%d,\"gcRequests\":%d,\"seconds\":%.2f,\"dtype\":\"%s\"}",
                steps, loss, reservedEarly / 1048576.0, reservedEnd / 1048576.0, (reservedEnd - reservedEarly) / 1048576.0,
                (liveEnd - liveEarly) / 1048576.0,
                s.peakAllocatedBytes() / 1048576.0, s.driverAllocs(), s.gcRequests(), secs, DType.FLOAT32));
    }
}
