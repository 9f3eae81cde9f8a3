/** jgrad finetune module. */
package dev.jgrad.finetune;
