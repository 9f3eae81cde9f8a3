/** jgrad quant module. */
package dev.jgrad.quant;
