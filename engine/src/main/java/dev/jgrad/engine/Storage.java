package dev.jgrad.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The flat buffer behind one or more tensors. Views share a storage; each view reads it through its own
 * shape, strides and offset.
 *
 * <p>A storage carries a <em>version counter</em> that every in-place write increments. Ops that save a
 * tensor for their backward pass remember the version they saw, and backward fails loudly if it changed
 * (see {@link dev.jgrad.engine.autograd.Saved}).
 *
 * <p>A host storage holds a Java array. A device storage ({@link #onDevice}) holds an opaque handle that only
 * its backend understands (for CUDA, a device pointer); its elements are reached by copying the tensor to the
 * host ({@code tensor.cpu()}), and the array accessors fail with a message saying so.
 */
public final class Storage {
    private final DType dtype;
    private final Device device;
    private final Object data;
    private final int size;
    private int version;
    /** Set by {@link #release}: the array went back to the {@link StoragePool}, and the accessors throw. */
    private volatile boolean released;
    /** Allocation order of storages this class allocated itself ({@link #allocate}, {@link #onDevice}); −1 for wrapped arrays. */
    private final long serial;

    private static final AtomicLong SERIALS = new AtomicLong();

    private Storage(DType dtype, Device device, Object data, int size, boolean fresh) {
        this.dtype = dtype;
        this.device = device;
        this.data = data;
        this.size = size;
        this.serial = fresh ? SERIALS.getAndIncrement() : -1;
    }

    private Storage(DType dtype, Device device, Object data, int size) {
        this(dtype, device, data, size, false);
    }

    /**
     * Where this storage falls in allocation order: a storage with {@code serial() >= serialMark()} taken at
     * some moment was allocated after it, so no code that ran before can hold its array. Wrapped arrays
     * answer −1. Autograd uses this to add gradients in place into buffers only it has seen.
     */
    public long serial() { return serial; }

    /** The serial the next allocated storage will get. */
    public static long serialMark() { return SERIALS.get(); }

    /** A zero-filled host storage of {@code size} elements (a float array may come from the {@link StoragePool}). */
    public static Storage allocate(DType dtype, int size) {
        Object data = switch (dtype) {
            case FLOAT32 -> {
                float[] pooled = StoragePool.take(size);
                yield pooled != null ? pooled : new float[size];
            }
            case INT32 -> new int[size];
            case INT64 -> new long[size];
            case INT8, BOOL -> new byte[size];
        };
        return new Storage(dtype, Device.CPU, data, size, true);
    }

    /**
     * A storage in device memory: {@code handle} is the backend's own reference to it (for CUDA a
     * {@code CudaBuffer}); {@code size} counts elements. Only backends call this.
     */
    public static Storage onDevice(DType dtype, Device device, Object handle, int size) {
        if (device.kind() == Device.Kind.CPU) throw new IllegalArgumentException("onDevice: use allocate or wrap for host storages");
        return new Storage(dtype, device, handle, size, true);
    }

    /** Whether the elements live in a Java array on the host. */
    public boolean isHost() { return device.kind() == Device.Kind.CPU; }

    /** Wraps a host array without copying it. */
    public static Storage wrap(float[] data) { return new Storage(DType.FLOAT32, Device.CPU, data, data.length); }
    /** Wraps a host array without copying it. */
    public static Storage wrap(int[] data) { return new Storage(DType.INT32, Device.CPU, data, data.length); }
    /** Wraps a host array without copying it. */
    public static Storage wrap(long[] data) { return new Storage(DType.INT64, Device.CPU, data, data.length); }
    /** Wraps a host array of int8 or bool elements without copying it. */
    public static Storage wrap(byte[] data, DType dtype) {
        if (dtype != DType.INT8 && dtype != DType.BOOL) throw new IllegalArgumentException("byte[] holds int8 or bool, not " + dtype);
        return new Storage(dtype, Device.CPU, data, data.length);
    }

    public DType dtype() { return dtype; }
    public Device device() { return device; }
    /** Number of elements. */
    public int size() { return size; }

    /** The backing array of a float32 host storage. */
    public float[] floats() { return (float[]) hostData(DType.FLOAT32); }
    /** The backing array of an int32 host storage. */
    public int[] ints() { return (int[]) hostData(DType.INT32); }
    /** The backing array of an int64 host storage. */
    public long[] longs() { return (long[]) hostData(DType.INT64); }
    /** The backing array of an int8 or bool host storage. */
    public byte[] bytes() {
        requireHost();
        if (dtype != DType.INT8 && dtype != DType.BOOL) throw new IllegalStateException("storage holds " + dtype + ", not bytes");
        return (byte[]) data;
    }

    /** The raw backing object: a Java array on the host, the backend's handle on a device. */
    public Object data() {
        requireLive();
        return data;
    }

    /**
     * Hands this storage's float array to the {@link StoragePool} for a later allocation of the same size; from
     * then on every accessor of this storage throws. Only code that holds the last reference to the storage,
     * and to every view of it, may call this, and nothing may keep the array: autograd's backward pass does,
     * for gradient buffers it allocated and has consumed. Storages that wrap a caller's array are left alone.
     */
    public void release() {
        if (released || serial < 0 || dtype != DType.FLOAT32 || !isHost()) return;
        released = true;
        StoragePool.give((float[]) data);
    }

    /** Whether {@link #release} has been called. */
    public boolean isReleased() { return released; }

    private void requireLive() {
        if (released) throw new IllegalStateException("internal: this " + dtype + " storage of " + size + " elements was released to the pool and may not be used");
    }

    private Object hostData(DType expected) {
        requireLive();
        requireHost();
        if (dtype != expected) throw new IllegalStateException("storage holds " + dtype + ", not " + expected);
        return data;
    }

    private void requireHost() {
        if (!isHost()) {
            throw new IllegalStateException("this " + dtype + " storage lives in " + device + " memory, not in a host array;"
                    + " copy the tensor to the host first with tensor.cpu()");
        }
    }

    /** Current version; see the class comment. */
    public int version() { return version; }

    /** Records an in-place write. Called by every op that mutates a storage. */
    public void bumpVersion() { version++; }
}
