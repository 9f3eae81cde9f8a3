/**
 * Transformer building blocks and three model families, all composed from {@code nn} modules and engine ops
 * (no hand-written backward here except what {@code Attention}'s fused kernel brings).
 *
 * <ul>
 *   <li>Blocks: {@link dev.jgrad.transformer.MultiheadAttention} (masks as {@link dev.jgrad.transformer.AttentionMask},
 *       {@link dev.jgrad.transformer.KVCache}, prefixes, grouped-query, {@link dev.jgrad.transformer.Rotary}),
 *       {@link dev.jgrad.transformer.EncoderLayer} and {@link dev.jgrad.transformer.DecoderLayer} with PyTorch's
 *       parameter names (PyTorch state dicts load through {@code loadTorchState}), the stacks
 *       {@link dev.jgrad.transformer.Encoder} and {@link dev.jgrad.transformer.Decoder}.</li>
 *   <li>Models, built from a {@link dev.jgrad.transformer.ModelConfig}: {@link dev.jgrad.transformer.EncoderClassifier}
 *       (BERT-style), {@link dev.jgrad.transformer.DecoderLM} (GPT-style, {@code generate} with
 *       {@link dev.jgrad.transformer.Sampling}), {@link dev.jgrad.transformer.EncoderDecoder} (seq2seq).</li>
 * </ul>
 * Shapes: B batch, T (or Tq, Tk) sequence length, E model width, H heads, Dh = E / H head size, V vocabulary.
 */
package dev.jgrad.transformer;
