/** int8 quantization (dynamic, static with calibration, quantization-aware training): not started yet. */
package dev.jgrad.quant;
