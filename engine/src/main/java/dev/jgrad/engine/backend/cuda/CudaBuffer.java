package dev.jgrad.engine.backend.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * The handle a CUDA {@link dev.jgrad.engine.Storage} holds: a block of device memory from {@link CudaAllocator}.
 * {@code bytes} is the block's rounded size, at least the storage's element count times its dtype's width.
 */
public record CudaBuffer(CUdeviceptr ptr, long bytes) {
}
