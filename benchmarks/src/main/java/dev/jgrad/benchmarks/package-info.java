/** JMH benchmarks of the CPU kernels; see benchmarks/README.md. */
package dev.jgrad.benchmarks;
