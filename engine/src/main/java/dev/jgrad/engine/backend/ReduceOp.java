package dev.jgrad.engine.backend;

/** Reductions along one (flattened) axis. */
public enum ReduceOp {
    SUM, MAX, MIN
}
