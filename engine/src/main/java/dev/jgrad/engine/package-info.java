/**
 * The engine: {@link dev.jgrad.engine.Tensor} (a {@link dev.jgrad.engine.Storage} read through a layout of shape,
 * strides and offset), reverse-mode autograd ({@code autograd}), the ops with their gradients side by side
 * ({@code ops}, one file per family), and the {@link dev.jgrad.engine.backend.Backend} seam with its CPU
 * implementations (a scalar reference and a Vector API one, {@code backend.cpu}) and a CUDA one
 * ({@code backend.cuda}). Start reading at {@code Tensor}: every method names the op file that implements it.
 */
package dev.jgrad.engine;
