/** jgrad benchmarks module. */
package dev.jgrad.benchmarks;
