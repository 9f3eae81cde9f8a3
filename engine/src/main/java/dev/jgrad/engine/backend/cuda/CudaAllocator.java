package dev.jgrad.engine.backend.cuda;

import dev.jgrad.engine.DType;
import dev.jgrad.engine.Device;
import dev.jgrad.engine.Storage;
import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

/**
 * A caching allocator over {@code cuMemAlloc} (never managed memory). cuMemAlloc and cuMemFree are slow and
 * synchronize the device, so freed blocks go to a free list keyed by rounded size and the next request of
 * that size reuses one; a training loop, which allocates the same shapes every step, stops calling the
 * driver after its first step.
 *
 * <p>When is a block free? Java has no destructors: each storage is tracked by a {@link PhantomReference},
 * and once the garbage collector finds the storage unreachable its block returns to the free list (checked
 * at every allocation). The JVM does not feel device-memory pressure, so when the cache misses and more than
 * {@code jgrad.cuda.gcThresholdMB} (default 1024) is reserved, the allocator asks for a GC first; on
 * CUDA_ERROR_OUT_OF_MEMORY it collects, empties the cache and retries once.
 *
 * <p>Reusing a block is safe without events because all work runs in order on one stream: a kernel that
 * writes a reused block is queued after every kernel that read it.
 */
public final class CudaAllocator {
    /** Counters for tests and the memory-growth check. */
    public record Stats(long allocatedBytes, long reservedBytes, long peakAllocatedBytes, long driverAllocs,
                        long allocations, long gcRequests) {}

    private final Device device;
    private final CudaDevice owner;
    private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
    private final ReferenceQueue<Storage> queue = new ReferenceQueue<>();
    private final Set<Block> live = new HashSet<>();
    private final long gcThreshold = Long.getLong("jgrad.cuda.gcThresholdMB", 1024L) << 20;
    private long allocated, reserved, peak, driverAllocs, allocations, gcRequests;

    /** Tracks one live storage; holds what is needed to recycle its block once the storage is gone. */
    private static final class Block extends PhantomReference<Storage> {
        final CUdeviceptr ptr;
        final long bytes;

        Block(Storage s, ReferenceQueue<Storage> q, CUdeviceptr ptr, long bytes) {
            super(s, q);
            this.ptr = ptr;
            this.bytes = bytes;
        }
    }

    CudaAllocator(Device device, CudaDevice owner) {
        this.device = device;
        this.owner = owner;
    }

    /** Sizes round up to 512 bytes below 1 MiB and to whole MiB above, so near sizes share free lists. */
    static long round(long bytes) {
        long b = Math.max(bytes, 1);
        return b < (1 << 20) ? (b + 511) & ~511L : (b + (1 << 20) - 1) & ~((1L << 20) - 1);
    }

    /** A zero-filled device storage of {@code size} elements, tracked so its block comes back when unreachable. */
    synchronized Storage allocate(DType dtype, int size) {
        long bytes = round((long) size * dtype.bytes);
        CUdeviceptr p = take(bytes);
        cuMemsetD8Async(p, (byte) 0, bytes, owner.stream());
        Storage s = Storage.onDevice(dtype, device, new CudaBuffer(p, bytes), size);
        live.add(new Block(s, queue, p, bytes));
        allocated += bytes;
        peak = Math.max(peak, allocated);
        allocations++;
        return s;
    }

    /** A block not tracked by any storage, for a kernel's scratch space; give it back with {@link #release}. */
    synchronized CUdeviceptr scratch(long bytes) {
        long b = round(bytes);
        CUdeviceptr p = take(b);
        allocated += b;
        peak = Math.max(peak, allocated);
        return p;
    }

    /** Returns a {@link #scratch} block. The kernels that use it are already queued, so reuse stays ordered. */
    synchronized void release(CUdeviceptr p, long bytes) {
        long b = round(bytes);
        allocated -= b;
        free.computeIfAbsent(b, k -> new ArrayDeque<>()).push(p);
    }

    private CUdeviceptr take(long bytes) {
        drain();
        CUdeviceptr p = pop(bytes);
        if (p != null) return p;
        if (reserved + bytes > gcThreshold) { // the cache missed and a lot is held: find dead storages first
            collect();
            p = pop(bytes);
            if (p != null) return p;
        }
        try {
            return driverAlloc(bytes);
        } catch (CudaException e) {
            if (!e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) throw e;
            collect();
            p = pop(bytes);
            if (p != null) return p;
            emptyCache();
            return driverAlloc(bytes);
        }
    }

    private CUdeviceptr driverAlloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, bytes);
        reserved += bytes;
        driverAllocs++;
        return p;
    }

    private CUdeviceptr pop(long bytes) {
        ArrayDeque<CUdeviceptr> q = free.get(bytes);
        return q == null || q.isEmpty() ? null : q.pop();
    }

    /** Moves the blocks of collected storages to the free lists. */
    private void drain() {
        for (Reference<? extends Storage> r; (r = queue.poll()) != null; ) {
            Block b = (Block) r;
            if (live.remove(b)) {
                allocated -= b.bytes;
                free.computeIfAbsent(b.bytes, k -> new ArrayDeque<>()).push(b.ptr);
            }
        }
    }

    /** Runs the garbage collector and recycles what it found; the reference handler needs a moment to enqueue. */
    synchronized void collect() {
        gcRequests++;
        System.gc();
        try {
            for (Reference<? extends Storage> r; (r = queue.remove(20)) != null; ) {
                Block b = (Block) r;
                if (live.remove(b)) {
                    allocated -= b.bytes;
                    free.computeIfAbsent(b.bytes, k -> new ArrayDeque<>()).push(b.ptr);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain();
    }

    /** Frees every cached block back to the driver (after the stream drains, since a queued kernel may use one). */
    synchronized void emptyCache() {
        cuStreamSynchronize(owner.stream());
        for (ArrayDeque<CUdeviceptr> q : free.values()) {
            for (CUdeviceptr p : q) {
                cuMemFree(p);
            }
        }
        long cached = 0;
        for (Map.Entry<Long, ArrayDeque<CUdeviceptr>> e : free.entrySet()) cached += e.getKey() * e.getValue().size();
        reserved -= cached;
        free.clear();
    }

    synchronized Stats stats() {
        drain();
        return new Stats(allocated, reserved, peak, driverAllocs, allocations, gcRequests);
    }
}
