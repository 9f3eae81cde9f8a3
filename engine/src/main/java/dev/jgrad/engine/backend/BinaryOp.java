package dev.jgrad.engine.backend;

/** Elementwise functions of two floats (after broadcasting). */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM
}
