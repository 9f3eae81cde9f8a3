/**
 * The layer of jgrad people train with, named and behaving like {@code torch.nn}: {@link dev.jgrad.nn.Module}
 * (parameters, buffers and submodules under Hugging Face–compatible dotted names, state dicts, freezing),
 * layers ({@link dev.jgrad.nn.Linear}, {@link dev.jgrad.nn.Embedding}, {@link dev.jgrad.nn.LayerNorm},
 * {@link dev.jgrad.nn.RMSNorm}, {@link dev.jgrad.nn.Dropout}, {@link dev.jgrad.nn.Activations}) and containers
 * ({@link dev.jgrad.nn.Sequential}, {@link dev.jgrad.nn.ModuleList}, {@link dev.jgrad.nn.ModuleDict}).
 * Sub-packages: {@code init} (weight initialisation), {@code loss}, {@code optim} (optimizers, clipping,
 * accumulation, NaN checks), {@code schedule} (learning-rate schedules) and {@code io} (safetensors, checkpoints).
 */
package dev.jgrad.nn;
