package dev.jgrad.nn;

import dev.jgrad.engine.F;
import dev.jgrad.engine.Generator;
import dev.jgrad.engine.Tensor;

/**
 * Inverted dropout, as {@code torch.nn.Dropout}: in training, zeroes each element with probability p and
 * scales the rest by 1/(1−p); the identity in eval mode. Masks come from the given generator, which is
 * therefore part of the training state to save for an exact resume.
 */
public class Dropout extends Module {
    public final float p;
    private final Generator gen;

    public Dropout(float p, Generator gen) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        this.p = p;
        this.gen = gen;
    }

    /** Any shape → same shape. */
    @Override
    public Tensor forward(Tensor x) {
        return F.dropout(x, p, isTraining(), gen);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
