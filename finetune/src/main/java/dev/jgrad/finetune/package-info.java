/**
 * From a user's file to tensors, and from predictions to metrics: {@code data} (readers, labels, preprocessing,
 * splits, batching), {@code tokenize} (WordPiece, byte-level BPE, Hugging Face tokenizer files) and
 * {@code metrics} (classification, regression, BLEU, ROUGE). The trainer and fine-tuning methods come next.
 */
package dev.jgrad.finetune;
